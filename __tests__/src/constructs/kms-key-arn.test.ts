import { describe, expect, it } from "vitest";
import { kmsKeyArnProblem } from "../../../src/constructs/kms-key-arn";
import { environmentIssues, parsedEnvironment } from "../../helpers/config";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("encryption configuration", () => {
  it("uses SSE-S3 and SSE-SQS by default", () => {
    expect(parsedEnvironment().encryption).toEqual({ type: "sse" });
  });

  it('reads "kms" as a key the stack creates', () => {
    expect(parsedEnvironment({ encryption: "kms" }).encryption).toEqual({ type: "kms" });
  });

  it('reads "sse" as the default', () => {
    expect(parsedEnvironment({ encryption: "sse" }).encryption).toEqual({ type: "sse" });
  });

  it("keeps the ARN of an existing customer-managed key", () => {
    expect(parsedEnvironment({ encryption: { type: "kms", keyArn: KEY_ARN } }).encryption).toEqual({
      type: "kms",
      keyArn: KEY_ARN,
    });
  });

  it("accepts a multi-Region key ARN", () => {
    const arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    expect(kmsKeyArnProblem(arn)).toBeUndefined();
  });

  it("rejects alias/aws/sqs with the reason: S3 notifications are dropped", () => {
    expect(environmentIssues({ encryption: { type: "kms", keyArn: "alias/aws/sqs" } })).toEqual([
      {
        path: "environments.dev.encryption.keyArn",
        message:
          'must not name an AWS-managed key: alias/aws/sqs cannot be used because S3 cannot use it to encrypt event notifications for the queue, so it silently drops them, and its key policy cannot be changed. Use "kms" to let the stack create a customer-managed key, or the ARN of your own key, got "alias/aws/sqs"',
      },
    ]);
  });

  it("rejects the ARN of alias/aws/s3 with the reason: Cortex cannot be allowed to decrypt", () => {
    const arn = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3";
    expect(environmentIssues({ encryption: { type: "kms", keyArn: arn } })).toEqual([
      {
        path: "environments.dev.encryption.keyArn",
        message: `must not name an AWS-managed key: alias/aws/s3 cannot be used because its key policy cannot be changed, so the Cortex reader role cannot be allowed kms:Decrypt on the objects (and the queues cannot use it). Use "kms" to let the stack create a customer-managed key, or the ARN of your own key, got "${arn}"`,
      },
    ]);
  });

  it("rejects any other AWS-managed key alias", () => {
    expect(kmsKeyArnProblem("alias/aws/sns")).toBe(
      'must not name an AWS-managed key: alias/aws/sns cannot be used because its key policy cannot be changed, so S3 and the Cortex reader role cannot be allowed to use it. Use "kms" to let the stack create a customer-managed key, or the ARN of your own key',
    );
  });

  it("rejects a customer alias, which IAM policies cannot grant on", () => {
    expect(environmentIssues({ encryption: { type: "kms", keyArn: "alias/waf-logs" } })).toEqual([
      {
        path: "environments.dev.encryption.keyArn",
        message:
          'must be the ARN of a customer-managed KMS key, like "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" (not an alias or key id: the IAM policies grant on the key ARN), got "alias/waf-logs"',
      },
    ]);
  });

  it("rejects a key in another region", () => {
    const arn = KEY_ARN.replace("us-east-1", "eu-west-1");
    expect(environmentIssues({ encryption: { type: "kms", keyArn: arn } })).toEqual([
      {
        path: "environments.dev.encryption.keyArn",
        message:
          "must be a key in us-east-1, the region of the bucket and queues (S3 and SQS use only keys in their own Region), got a key in eu-west-1",
      },
    ]);
  });

  it("rejects an unknown encryption type", () => {
    expect(environmentIssues({ encryption: "aws:kms" })).toEqual([
      {
        path: "environments.dev.encryption",
        message:
          'must be "sse", "kms", or {"type": "kms", "keyArn": "arn:aws:kms:<region>:<account>:key/<id>"}, got "aws:kms"',
      },
    ]);
  });

  it("rejects a key ARN with SSE", () => {
    expect(environmentIssues({ encryption: { type: "sse", keyArn: KEY_ARN } })).toEqual([
      {
        path: "environments.dev.encryption.keyArn",
        message: "is not a known field (check the spelling against the configuration reference in README.md)",
      },
    ]);
  });
});
