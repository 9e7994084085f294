/**
 * Names of the AWS resources the constructs create, derived from their `name` prop (e.g.
 * `waf-log-pipeline-prod`) only, so operator tools find the resources of a deployment from that name
 * without reading Terraform state (`npm run redrive` finds the failure queue this way).
 *
 * Changing any of these renames (and so recreates) a resource in a deployed account. Pure: no cdktf.
 */
import { createHash } from "node:crypto";

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
    /** The archive's own CloudWatch dashboard. */
    archiveDashboard: `${name}-archive`,
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
    /**
     * SQS queue that received Lambda's on-failure records before the failure store (kept until it is
     * drained, see `keepFailureQueue`).
     */
    failureQueue: `${name}-processor-failures`,
    /** The forwarder's own CloudWatch dashboard (1–255 of `[A-Za-z0-9_-]`). */
    forwarderDashboard: `${name}-forwarder`,
    /** Subscription filter on each WAF log group that forwards log events to the processor. */
    subscriptionFilter: `${name}-processor`,
  } as const;
}

/**
 * Key prefix under which Lambda writes the on-failure records of `functionName` to an S3 on-failure
 * destination: `aws/lambda/async/<function-name>/`, followed by `YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>`
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html, "Amazon S3
 * bucket (on failure only)"). Lambda chooses it; it cannot be configured.
 */
export function failureRecordPrefix(functionName: string): string {
  return `${FAILURE_RECORDS_PREFIX}${functionName}/`;
}

/** Common prefix of every function's on-failure records in an S3 on-failure destination. */
export const FAILURE_RECORDS_PREFIX = "aws/lambda/async/";

/**
 * Default name of a forwarder's failure store: `<name>-failures-<accountId>-<region>`, with `name`
 * lowercased and `_` written as `-` (bucket names allow neither). Globally unique because it holds the
 * account and region; it may be longer than S3's 63 characters, then the forwarder asks for a name.
 */
export function failureStoreBucketName(name: string, accountId: string, region: string): string {
  return `${name.toLowerCase().replaceAll("_", "-")}-failures-${accountId}-${region}`;
}

/** Names of what {@link WafLogPipeline} adds to the archive and the forwarder. */
export function pipelineResourceNames(name: string) {
  return {
    /** CloudWatch Logs resource policy letting log delivery write to the WAF log groups it creates. */
    wafLogDeliveryPolicy: `${name}-waf-log-delivery`,
    /** SNS topic that the CloudWatch alarms notify (e-mail subscriptions). */
    alarmTopic: `${name}-alarms`,
    /** The CloudWatch dashboard of the whole path (the archive's and the forwarder's widgets). */
    dashboard: name,
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
    /** Lambda could not deliver on-failure records to the on-failure destination: those events are lost. */
    destinationDeliveryFailures: `${name}-destination-delivery-failures`,
    /** Lambda gave up on events and sent them to the failure store. */
    failureRecords: `${name}-failure-records`,
  } as const;
}

/** Longest CloudWatch alarm name (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html). */
export const MAX_ALARM_NAME_LENGTH = 255;

/**
 * Names of the delivery alarms of one WAF log group: `<name>-<what>-<log group>`. A log group name may
 * be 512 characters; a name that would pass {@link MAX_ALARM_NAME_LENGTH} keeps its start and ends in
 * 12 hex characters of the SHA-256 of the log group name, so it stays unique.
 */
export function deliveryAlarmNames(name: string, logGroupName: string) {
  const named = (what: string) => {
    const full = `${name}-${what}-${logGroupName}`;
    if (full.length <= MAX_ALARM_NAME_LENGTH) return full;
    const digest = createHash("sha256").update(logGroupName).digest("hex").slice(0, 12);
    return `${full.slice(0, MAX_ALARM_NAME_LENGTH - digest.length - 1)}-${digest}`;
  };
  return {
    /** CloudWatch Logs received errors forwarding the log group's events to a subscription destination. */
    deliveryErrors: named("delivery-errors"),
    /** CloudWatch Logs was throttled forwarding the log group's events. */
    deliveryThrottling: named("delivery-throttling"),
    /** Log events arrived in the log group but were not forwarded (e.g. a disabled subscription filter). */
    skippedLogEvents: named("skipped-log-events"),
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
