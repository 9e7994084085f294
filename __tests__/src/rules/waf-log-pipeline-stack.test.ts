import { describe, expect, it } from "vitest";
import { applySecurityRules } from "../../../src/rules";
import type { WafLogPipelineStack } from "../../../src/waf-log-pipeline-stack";
import { buildStack } from "../../helpers/stack";
import { synthErrors } from "./rule-test-kit";

/** Adds every security rule to the stack and returns the error annotations synth would fail with. */
function securityErrors(stack: WafLogPipelineStack): string[] {
  applySecurityRules(stack);
  return synthErrors(stack);
}

describe("WafLogPipelineStack and the security rules", () => {
  it("synthesizes the default environment without a rule violation", () => {
    expect(securityErrors(buildStack())).toEqual([]);
  });

  it("synthesizes two WAF log groups and every lifecycle tier off without a rule violation", () => {
    const stack = buildStack({
      wafLogGroupNames: ["aws-waf-logs-alb", "aws-waf-logs-cloudfront"],
      lifecycle: {
        infrequentAccessDays: null,
        glacierDays: null,
        deepArchiveDays: null,
        expirationDays: null,
      },
    });

    expect(securityErrors(stack)).toEqual([]);
  });

  it("sees the real resources: an AWS-managed key on the notification queue is reported", () => {
    const stack = buildStack();
    const queue = stack.pipeline.archive.notificationQueues.queue;
    queue.addOverride("sqs_managed_sse_enabled", null);
    queue.addOverride("kms_master_key_id", "alias/aws/sqs");

    expect(securityErrors(stack).filter((e) => e.startsWith("[WLP-SQS-2]"))).toEqual([
      `[WLP-SQS-2] Every SQS queue is encrypted with SSE-SQS or a customer-managed KMS key, never an AWS-managed key: aws_sqs_queue.${queue.friendlyUniqueId} uses the AWS-managed key alias/aws/sqs, which S3 and other accounts cannot use`,
    ]);
  });
});
