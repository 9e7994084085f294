import { describe, expect, it } from "vitest";
import { Testing } from "cdktf";
import { WafLogPipelineStack } from "../../../src/waf-log-pipeline-stack";
import { buildStack, environmentConfig, testBundlePath } from "../../helpers/stack";
import { synthErrors } from "./rule-test-kit";

/** The error annotations synth would fail with (the stack adds the security checks itself). */
function securityErrors(stack: WafLogPipelineStack): string[] {
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

  it("prints the suppressions in use: the two wildcards of the created key's policy", () => {
    const printed: string[] = [];
    const stack = new WafLogPipelineStack(Testing.app(), {
      envName: "dev",
      config: environmentConfig({ encryption: "kms" }),
      bundlePath: testBundlePath(),
      processEnv: {},
      checksLog: (line) => printed.push(line),
    });
    const address = `aws_kms_key_policy.${stack.getLogicalId(stack.pipeline.archive.pipelineKeyPolicy!.policy)}`;

    expect(securityErrors(stack)).toEqual([]);
    expect(printed.map((line) => line.slice(0, line.indexOf("): ") + 1))).toEqual([
      `Suppressed [WLP-IAM-1] at ${address} (kms:*)`,
      `Suppressed [WLP-IAM-1] at ${address} (kms:GenerateDataKey*)`,
    ]);
  });
});
