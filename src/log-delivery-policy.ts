/**
 * The CloudWatch Logs resource policy that lets AWS log delivery (`delivery.logs.amazonaws.com`, which
 * writes AWS WAF logs) create log streams and put log events in named log groups only.
 *
 * Without an explicit policy, the first `PutLoggingConfiguration` for a log group makes AWS add the log
 * group to the account's shared policy `AWSWAF-LOGS`; with many log groups that policy outgrows the
 * 5,120-character limit of a resource policy and further logging configurations fail.
 * Sources:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html (log group resource policy)
 * https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html (5,120 characters, 10 per Region)
 */
import { logGroupArn, partitionOf, policyDocument } from "./iam-policy";

/** Longest policy document `PutResourcePolicy` accepts, in characters. */
export const MAX_LOG_RESOURCE_POLICY_CHARACTERS = 5120;

/**
 * The policy document: one statement `AWSLogDeliveryWrite` allowing `delivery.logs.amazonaws.com`
 * `logs:CreateLogStream` and `logs:PutLogEvents` on `<log group ARN>:log-stream:*` of each log group,
 * only for deliveries on behalf of `accountId` (`StringEquals aws:SourceAccount`) from its log delivery
 * sources in `region` (`ArnLike aws:SourceArn arn:<partition>:logs:<region>:<account>:*`).
 *
 * @param region the log groups' region, e.g. `eu-west-1`
 * @param accountId the log groups' account (12 digits)
 * @param logGroupNames the log groups, at least one
 * @returns the document as a minified JSON string (its length is what the 5,120-character limit counts)
 */
export function logDeliveryPolicyDocument(
  region: string,
  accountId: string,
  logGroupNames: readonly string[],
): string {
  return policyDocument([
    {
      Sid: "AWSLogDeliveryWrite",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: logGroupNames.map((name) => `${logGroupArn(region, accountId, name)}:log-stream:*`),
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": `arn:${partitionOf(region)}:logs:${region}:${accountId}:*` },
      },
    },
  ]);
}
