import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import {
  IamNoUnacknowledgedWildcards,
  isWildcardResource,
} from "../../../src/rules/iam/iam-no-unacknowledged-wildcards";
import { addSuppressions } from "../../../src/rules/suppressions";
import { compliantBucket, errorsOf, newStack } from "./rule-test-kit";

const REQUIREMENT =
  "[WLP-IAM-1] No IAM statement allows a wildcard action or resource without a written reason";
const REASON = "PutObject under the prefix is all the processor writes; the prefix bounds it";

function rolePolicy(scope: Construct, statement: Record<string, unknown>) {
  const role = new IamRole(scope, "role", {
    name: "processor",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    }),
  });
  return new IamRolePolicy(scope, "policy", {
    role: role.name,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
  });
}

describe("IamNoUnacknowledgedWildcards (WLP-IAM-1)", () => {
  it("accepts exact actions on a bucket prefix", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive");
    rolePolicy(stack, { Effect: "Allow", Action: "s3:PutObject", Resource: `${bucket.arn}/raw/*` });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([]);
  });

  it("rejects a wildcard action", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive");
    rolePolicy(stack, {
      Sid: "Write",
      Effect: "Allow",
      Action: ["s3:Put*"],
      Resource: `${bucket.arn}/raw/*`,
    });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([
      `${REQUIREMENT}: aws_iam_role_policy.policy (policy) statement "Write" allows the wildcard action "s3:Put*" without a written reason`,
    ]);
  });

  it("rejects a wildcard resource in an aws_iam_policy_document", () => {
    const stack = newStack();
    new DataAwsIamPolicyDocument(stack, "reader", {
      statement: [{ actions: ["sqs:ReceiveMessage"], resources: ["arn:aws:sqs:*:*:*"] }],
    });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([
      `${REQUIREMENT}: data.aws_iam_policy_document.reader statement 1 allows the wildcard resource "arn:aws:sqs:*:*:*" without a written reason`,
    ]);
  });

  it("rejects a wildcard resource written with Fn.jsonencode", () => {
    const stack = newStack();
    const policy = rolePolicy(stack, { Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" });
    policy.policy = Fn.jsonencode({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }],
    });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([
      `${REQUIREMENT}: aws_iam_role_policy.policy (policy) statement 1 allows the wildcard resource "*" without a written reason`,
    ]);
  });

  it("accepts a wildcard suppressed with a written reason on the construct above the policy", () => {
    const stack = newStack();
    const processor = new Construct(stack, "processor");
    const bucket = compliantBucket(stack, "archive");
    rolePolicy(processor, { Effect: "Allow", Action: "s3:Put*", Resource: `${bucket.arn}/raw/*` });
    addSuppressions(processor, [{ id: "WLP-IAM-1", appliesTo: ["s3:Put*"], reason: REASON }]);

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([]);
  });

  it("does not extend a suppression to another wildcard", () => {
    const stack = newStack();
    const policy = rolePolicy(stack, { Effect: "Allow", Action: "s3:*", Resource: "*" });
    addSuppressions(policy, [{ id: "WLP-IAM-1", appliesTo: ["s3:*"], reason: REASON }]);

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([
      `${REQUIREMENT}: aws_iam_role_policy.policy (policy) statement 1 allows the wildcard resource "*" without a written reason`,
    ]);
  });

  it("suppresses every finding of the rule with a suppression that lists nothing", () => {
    const stack = newStack();
    const policy = rolePolicy(stack, { Effect: "Allow", Action: "s3:*", Resource: "*" });
    addSuppressions(policy, [{ id: "WLP-IAM-1", reason: REASON }]);

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([]);
  });

  it("ignores wildcards in Deny statements, which restrict", () => {
    const stack = newStack();
    rolePolicy(stack, { Effect: "Deny", Action: "s3:*", Resource: "*" });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([]);
  });

  it("rejects NotAction in an Allow statement", () => {
    const stack = newStack();
    rolePolicy(stack, { Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::archive/raw/x" });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([
      `${REQUIREMENT}: aws_iam_role_policy.policy (policy) statement 1 allows NotAction, i.e. every other action`,
    ]);
  });

  it('accepts Resource "*" in a key policy, where it means the key itself', () => {
    const stack = newStack();
    const document = new DataAwsIamPolicyDocument(stack, "key-policy", {
      statement: [
        {
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
          actions: ["kms:Decrypt"],
          resources: ["*"],
        },
      ],
    });
    new KmsKey(stack, "key", { policy: document.json, enableKeyRotation: true });

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([]);
  });

  it("reports a policy it cannot read", () => {
    const stack = newStack();
    const policy = rolePolicy(stack, {
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::a/b",
    });
    policy.policy = "not a policy";

    expect(errorsOf(stack, new IamNoUnacknowledgedWildcards())).toEqual([
      `${REQUIREMENT}: aws_iam_role_policy.policy (policy) cannot be read: expected a JSON policy document (JSON.stringify or Fn.jsonencode) or a reference to an aws_iam_policy_document, found "not a policy"`,
    ]);
  });
});

describe("isWildcardResource", () => {
  it.each([
    ["*", true],
    ["arn:aws:s3:::*", true],
    ["arn:aws:sqs:*:*:*", true],
    ["arn:aws:s3:::archive/raw/*", false],
    ["arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/x:*", false],
    ["${aws_s3_bucket.archive.arn}/*", false],
  ])("says %s is a wildcard resource: %s", (resource, expected) => {
    expect(isWildcardResource(resource)).toBe(expected);
  });
});
