/**
 * Names of the AWS resources one environment creates. They are derived from the stack name
 * (`waf-log-pipeline-<env>`) only, so operator tools (`npm run redrive`) find the resources of an
 * environment from its name without reading Terraform state.
 *
 * Changing any of these renames (and so recreates) a resource in a deployed account.
 */

/** Prefix of every stack and resource name: `waf-log-pipeline`. */
export const PROJECT = "waf-log-pipeline";

/** The stack name of environment `env`, e.g. `waf-log-pipeline-dev`. */
export function stackName(env: string): string {
  return `${PROJECT}-${env}`;
}

/** Resource names of environment `env`. All are ≤ 64 characters for env names of ≤ 16 characters. */
export function resourceNames(env: string) {
  const base = stackName(env);
  return {
    /** Lambda function that converts log events into objects. */
    processorFunction: `${base}-processor`,
    /** IAM role of the processor function. */
    processorRole: `${base}-processor`,
    /** The processor's own log group. */
    processorLogGroup: `/aws/lambda/${base}-processor`,
    /** SQS queue that receives Lambda's on-failure records (events the processor gave up on). */
    failureQueue: `${base}-processor-failures`,
    /** SQS queue that receives S3 event notifications, read by Cortex. */
    notificationQueue: `${base}-notifications`,
    /** Dead-letter queue of the notification queue. */
    deadLetterQueue: `${base}-notifications-dlq`,
    /** IAM role that Cortex XDR assumes with the external ID. */
    cortexReaderRole: `${base}-cortex-reader`,
    /** Subscription filter on each WAF log group that forwards log events to the processor. */
    subscriptionFilter: `${base}-processor`,
    /** CloudWatch Logs resource policy letting log delivery write to the WAF log groups the stack creates. */
    wafLogDeliveryPolicy: `${base}-waf-log-delivery`,
    /** SNS topic that the CloudWatch alarms notify (e-mail subscriptions). */
    alarmTopic: `${base}-alarms`,
    /** Alias of the customer-managed KMS key the stack creates (`encryption: "kms"`). */
    keyAlias: `alias/${base}`,
  } as const;
}

/**
 * Names of the CloudWatch alarms of environment `env`, one per condition an operator must act on.
 * Each is ≤ 64 characters for env names of ≤ 16 characters (CloudWatch allows 255).
 */
export function alarmNames(env: string) {
  const base = stackName(env);
  return {
    /** The failure queue holds events the processor gave up on. */
    failureQueueMessages: `${base}-failure-queue-messages`,
    /** The dead-letter queue holds notifications Cortex failed to consume. */
    deadLetterQueueMessages: `${base}-dead-letter-queue-messages`,
    /** The processor function reported errors. */
    processorErrors: `${base}-processor-errors`,
    /** Invocations of the processor function were throttled. */
    processorThrottles: `${base}-processor-throttles`,
    /** The oldest message on the notification queue is too old: Cortex stopped reading. */
    notificationQueueAge: `${base}-notification-queue-age`,
    /** The processor function was not invoked: WAF log events stopped arriving. */
    noInvocations: `${base}-no-invocations`,
    /** Lambda could not deliver on-failure records to the failure queue: those events are lost. */
    destinationDeliveryFailures: `${base}-destination-delivery-failures`,
  } as const;
}

/**
 * Default name of the log bucket of environment `env`: `waf-log-pipeline-<env>-<accountId>-<region>`,
 * globally unique because it contains the account and region. ≤ 63 characters for env names of
 * ≤ 16 characters and region names of ≤ 14 characters.
 */
export function defaultBucketName(env: string, accountId: string, region: string): string {
  return `${stackName(env)}-${accountId}-${region}`;
}
