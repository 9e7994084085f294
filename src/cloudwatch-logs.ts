/**
 * Facts of CloudWatch Logs that the configuration, the constructs and the security rules all check.
 */

/**
 * Retention values CloudWatch Logs accepts, in days (PutRetentionPolicy `retentionInDays`):
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Prefix every log group AWS WAF logs to must have:
 * https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
 */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * CloudWatch Logs allows at most two subscription filters per log group.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
 */
export const MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;
