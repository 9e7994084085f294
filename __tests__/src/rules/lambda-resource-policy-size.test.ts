import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { describe, expect, it } from "vitest";
import {
  LAMBDA_RESOURCE_POLICY_LIMIT_BYTES,
  LambdaResourcePolicySize,
  resourcePolicyBytes,
} from "../../../src/rules/lambda/lambda-resource-policy-size";
import { errorsOf, newStack } from "./rule-test-kit";

/** A stack with the processor function and one CloudWatch Logs permission per source ARN. */
function stackWithPermissions(sourceArns: readonly string[]) {
  const stack = newStack();
  const fn = new LambdaFunction(stack, "processor", {
    functionName: "waf-log-pipeline-prod-processor",
    role: "arn:aws:iam::111122223333:role/processor",
    handler: "index.handler",
    filename: "processor.zip",
    runtime: "nodejs22.x",
  });
  sourceArns.forEach(
    (sourceArn, index) =>
      new LambdaPermission(stack, `permission-${index}`, {
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        principal: "logs.amazonaws.com",
        sourceArn,
        sourceAccount: "111122223333",
      }),
  );
  return stack;
}

const logGroupArn = (name: string) => `arn:aws:logs:eu-west-1:111122223333:log-group:${name}:*`;
const perLogGroup = (count: number) =>
  Array.from({ length: count }, (_, i) => logGroupArn(`aws-waf-logs-shop-${String(i).padStart(3, "0")}`));

describe("LambdaResourcePolicySize (WLP-LMB-2)", () => {
  it("accepts one permission for every aws-waf-logs-* log group", () => {
    expect(
      errorsOf(stackWithPermissions([logGroupArn("aws-waf-logs-*")]), new LambdaResourcePolicySize()),
    ).toEqual([]);
  });

  it("rejects one permission per log group for 60 log groups, naming the estimated size and the limit", () => {
    const errors = errorsOf(stackWithPermissions(perLogGroup(60)), new LambdaResourcePolicySize());

    expect(errors).toEqual([
      expect.stringMatching(
        /^\[WLP-LMB-2\] Every Lambda function's resource-based policy stays below 20,480 bytes: aws_lambda_function\.processor gets 60 permissions, a resource-based policy of about [\d,]+ bytes, at or above the 20,480-byte limit \(AddPermission fails with PolicyLengthExceededException\)/,
      ),
    ]);
  });

  it("accepts one permission per log group for 40 log groups, below the limit", () => {
    expect(errorsOf(stackWithPermissions(perLogGroup(40)), new LambdaResourcePolicySize())).toEqual([]);
  });

  it("estimates the size the per-log-group permissions of earlier versions reached near 50 log groups", () => {
    const statement = (i: number) => ({
      principal: "logs.amazonaws.com",
      action: "lambda:InvokeFunction",
      functionName: "waf-log-pipeline-prod-processor",
      sourceArn: logGroupArn(`aws-waf-logs-shop-${String(i).padStart(3, "0")}`),
      sourceAccount: "111122223333",
    });
    const firstOver = Array.from({ length: 100 }, (_, i) => i + 1).find(
      (n) =>
        resourcePolicyBytes(Array.from({ length: n }, (_, i) => statement(i))) >=
        LAMBDA_RESOURCE_POLICY_LIMIT_BYTES,
    );

    expect(firstOver).toBeGreaterThanOrEqual(45);
    expect(firstOver).toBeLessThanOrEqual(60);
  });
});
