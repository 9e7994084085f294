import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { describe, expect, it } from "vitest";
import { LambdaRuntimeSupported } from "../../../src/rules/lambda/lambda-runtime-supported";
import { errorsOf, newStack } from "./rule-test-kit";

const REQUIREMENT =
  "[WLP-LMB-1] Every Lambda function uses a runtime that AWS provider 5.100.0 accepts and AWS has not deprecated";

function stackWithRuntime(runtime: string) {
  const stack = newStack();
  new LambdaFunction(stack, "processor", {
    functionName: "processor",
    role: "arn:aws:iam::111122223333:role/processor",
    handler: "index.handler",
    filename: "processor.zip",
    runtime,
  });
  return stack;
}

describe("LambdaRuntimeSupported (WLP-LMB-1)", () => {
  it("accepts nodejs22.x", () => {
    expect(errorsOf(stackWithRuntime("nodejs22.x"), new LambdaRuntimeSupported())).toEqual([]);
  });

  it("rejects the deprecated nodejs20.x", () => {
    expect(errorsOf(stackWithRuntime("nodejs20.x"), new LambdaRuntimeSupported())).toEqual([
      `${REQUIREMENT}: aws_lambda_function.processor uses nodejs20.x, which AWS has deprecated; expected one of nodejs22.x`,
    ]);
  });

  it("rejects nodejs24.x, which the pinned provider does not accept", () => {
    expect(errorsOf(stackWithRuntime("nodejs24.x"), new LambdaRuntimeSupported())).toEqual([
      `${REQUIREMENT}: aws_lambda_function.processor uses nodejs24.x, which AWS provider 5.100.0 does not accept; expected one of nodejs22.x`,
    ]);
  });
});
