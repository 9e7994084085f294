/**
 * Names of the AWS resources the constructs create, derived from their `name` prop (e.g.
 * `waf-log-pipeline-prod`) only, so operator tools find the resources of a deployment from that name
 * without reading Terraform state (`npm run redrive` finds the failure queue this way).
 *
 * Changing any of these renames (and so recreates) a resource in a deployed account. Pure: no cdktf.
 */

/** Names of what {@link WafLogArchive} creates. Each fits its service's limit for a `name` of ≤ 40 characters. */
export function archiveResourceNames(name: string) {
  return {
    /** SQS queue that receives S3 event notifications, read by Cortex. */
    notificationQueue: `${name}-notifications`,
    /** Dead-letter queue of the notification queue. */
    deadLetterQueue: `${name}-notifications-dlq`,
    /** IAM role that Cortex XDR assumes with the external ID. */
    cortexReaderRole: `${name}-cortex-reader`,
    /** Alias of the customer-managed KMS key the archive creates (`encryption: "kms"`). */
    keyAlias: `alias/${name}`,
  } as const;
}

/** Names of what {@link WafLogForwarder} creates. */
export function forwarderResourceNames(name: string) {
  return {
    /** Lambda function that converts log events into objects. */
    processorFunction: `${name}-processor`,
    /** IAM role of the processor function. */
    processorRole: `${name}-processor`,
    /** The processor's own log group. */
    processorLogGroup: `/aws/lambda/${name}-processor`,
    /** SQS queue that receives Lambda's on-failure records (events the processor gave up on). */
    failureQueue: `${name}-processor-failures`,
    /** Subscription filter on each WAF log group that forwards log events to the processor. */
    subscriptionFilter: `${name}-processor`,
  } as const;
}

/** Names of what {@link WafLogPipeline} adds to the archive and the forwarder. */
export function pipelineResourceNames(name: string) {
  return {
    /** CloudWatch Logs resource policy letting log delivery write to the WAF log groups it creates. */
    wafLogDeliveryPolicy: `${name}-waf-log-delivery`,
    /** SNS topic that the CloudWatch alarms notify (e-mail subscriptions). */
    alarmTopic: `${name}-alarms`,
  } as const;
}

/** Names of what {@link WafS3LogSource} creates besides its bucket (whose name is a prop). */
export function s3SourceResourceNames(name: string) {
  return {
    /** EventBridge rule that matches WAF log files larger than Cortex's recommended size. */
    largeLogFileRule: `${name}-large-waf-log-files`,
    /** SQS queue, the rule's target: one message per large file (bucket, key, size), kept 14 days. */
    largeLogFileQueue: `${name}-large-waf-log-files`,
    /** Alias of the customer-managed KMS key the source creates (`encryption: "kms"`). */
    keyAlias: `alias/${name}-waf-logs`,
  } as const;
}

/** Names of the CloudWatch alarms of a {@link WafS3LogSource}. */
export function s3SourceAlarmNames(name: string) {
  return {
    /** WAF wrote a log file larger than the size Cortex recommends. */
    largeLogFiles: `${name}-large-waf-log-files`,
  } as const;
}

/** Names of the CloudWatch alarms of the archive: one per condition an operator must act on. */
export function archiveAlarmNames(name: string) {
  return {
    /** The dead-letter queue holds notifications Cortex failed to consume. */
    deadLetterQueueMessages: `${name}-dead-letter-queue-messages`,
    /** The oldest message on the notification queue is too old: Cortex stopped reading. */
    notificationQueueAge: `${name}-notification-queue-age`,
  } as const;
}

/** Names of the CloudWatch alarms of the forwarder. */
export function forwarderAlarmNames(name: string) {
  return {
    /** The failure queue holds events the processor gave up on. */
    failureQueueMessages: `${name}-failure-queue-messages`,
    /** The processor function reported errors. */
    processorErrors: `${name}-processor-errors`,
    /** Invocations of the processor function were throttled. */
    processorThrottles: `${name}-processor-throttles`,
    /** The processor function was not invoked: WAF log events stopped arriving. */
    noInvocations: `${name}-no-invocations`,
    /** Lambda could not deliver on-failure records to the failure queue: those events are lost. */
    destinationDeliveryFailures: `${name}-destination-delivery-failures`,
  } as const;
}

/**
 * The construct id of what is created per log group (its subscription, its log group): the name
 * itself. A construct id cannot hold `/`, so constructs writes each `/` as `--`: the Terraform
 * addresses of `aws-waf-logs-a/b` read `aws-waf-logs-a--b_…`, as they always have. Two names that
 * differ only there would share one id; {@link logGroupIdCollisions} finds them, so the props schemas
 * reject them with both names instead of letting synth crash.
 */
export function logGroupConstructId(logGroupName: string): string {
  return logGroupName;
}

/**
 * For each name of `logGroupNames` whose construct id (with `/` as `--`) equals an earlier name's:
 * its index and that earlier name.
 */
export function logGroupIdCollisions(
  logGroupNames: readonly string[],
): { readonly index: number; readonly earlier: string }[] {
  const seen = new Map<string, string>();
  const collisions: { index: number; earlier: string }[] = [];
  logGroupNames.forEach((name, index) => {
    const id = name.replaceAll("/", "--");
    const earlier = seen.get(id);
    if (earlier !== undefined && earlier !== name) collisions.push({ index, earlier });
    if (earlier === undefined) seen.set(id, name);
  });
  return collisions;
}
