import { SecurityRule } from "../security-rule";
import type { Element } from "../terraform-elements";

/**
 * The values CloudWatch Logs accepts for `retention_in_days` (0, the provider's default, means "never expire").
 * Source: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * WLP-CWL-1: every `aws_cloudwatch_log_group` sets `retention_in_days` to one of the values CloudWatch
 * Logs accepts ({@link LOG_RETENTION_DAYS}); without it, log events are kept (and billed) forever.
 */
export class LogGroupRetention extends SecurityRule {
  readonly id = "WLP-CWL-1";
  readonly requirement = "Every log group has a retention period";

  protected check(element: Element): string[] {
    if (element.type !== "aws_cloudwatch_log_group") return [];
    const days = element.config.retention_in_days;
    if (days === undefined || days === 0) {
      return [`${element.address} has no retention_in_days (log events are kept forever)`];
    }
    if (!(LOG_RETENTION_DAYS as readonly unknown[]).includes(days)) {
      return [
        `${element.address} has retention_in_days ${JSON.stringify(days)}; CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(", ")}`,
      ];
    }
    return [];
  }
}
