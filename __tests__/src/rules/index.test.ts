import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { App } from "cdktf";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { SECURITY_RULES, applySecurityRules } from "../../../src/rules";
import { compliantBucket, compliantQueue, newStack, synthErrors } from "./rule-test-kit";

describe("applySecurityRules", () => {
  // cdktf-cli sets this to print the errors itself (and then fails); app.synth() alone must throw.
  beforeEach(() => {
    vi.stubEnv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", undefined);
  });

  it("lets a compliant stack synthesize", () => {
    const stack = newStack();
    compliantBucket(stack, "archive");
    compliantQueue(stack, "failures");
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor", retentionInDays: 30 });
    applySecurityRules(stack);

    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });

  it("fails synth with every violation, each with its construct path, rule id and resource", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { publicAccessBlock: false });
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });
    applySecurityRules(stack);

    expect(() => (stack.node.root as App).synth()).toThrow(
      [
        "[test/archive] [WLP-S3-1] Every S3 bucket blocks all public access: aws_s3_bucket.archive has no aws_s3_bucket_public_access_block",
        "[test/processor] [WLP-CWL-1] Every log group has a retention period: aws_cloudwatch_log_group.processor has no retention_in_days (log events are kept forever)",
      ].join("\n"),
    );
  });

  it("adds each rule once when called twice", () => {
    const stack = newStack();
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });
    applySecurityRules(stack);
    applySecurityRules(stack);

    expect(synthErrors(stack)).toEqual([
      "[WLP-CWL-1] Every log group has a retention period: aws_cloudwatch_log_group.processor has no retention_in_days (log events are kept forever)",
    ]);
  });

  it("lists every rule with a distinct id", () => {
    expect(SECURITY_RULES.map((r) => r.id)).toEqual([
      "WLP-S3-1",
      "WLP-S3-2",
      "WLP-S3-3",
      "WLP-SQS-1",
      "WLP-SQS-2",
      "WLP-SQS-3",
      "WLP-IAM-1",
      "WLP-CWL-1",
      "WLP-LMB-1",
    ]);
  });
});
