import { LOG_RETENTION_DAYS } from "../../cloudwatch-logs";
import { SecurityRule } from "../security-rule";
import type { Element } from "../terraform-elements";

/**
 * WLP-CWL-1: every `aws_cloudwatch_log_group` sets `retention_in_days` to one of the values CloudWatch
 * Logs accepts ({@link LOG_RETENTION_DAYS}); without it, log events are kept (and billed) forever.
 */
export class LogGroupRetention extends SecurityRule {
  readonly id = "WLP-CWL-1";
  readonly description = "Every log group has a retention period";

  check(element: Element): string[] {
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
