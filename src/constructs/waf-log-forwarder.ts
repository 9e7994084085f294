import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { z } from "zod";
import { HEADER_NAME_PATTERN, HEADER_NAME_RULES } from "../../functions/waf-log-processor/environment";
import { LOG_RETENTION_DAYS, WAF_LOG_GROUP_PREFIX } from "../cloudwatch-logs";
import { partitionOf } from "../iam-policy";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import * as metricAlarms from "./metric-alarms";
import type { AlarmDefinition } from "./metric-alarms";
import {
  forwarderAlarmNames,
  forwarderResourceNames,
  logGroupConstructId,
  logGroupIdCollisions,
} from "./names";
import { KMS_KEY_ARN_RULES, kmsKeyArnProblem } from "./kms-key-arn";
import { WafLogArchive, archiveDestinationSchema } from "./waf-log-archive";
import { WafLogProcessor } from "./waf-log-processor";
import { WafLogSubscription } from "./waf-log-subscription";
import {
  accountIdSchema,
  allowed,
  checkedString,
  distinct,
  parseWith,
  regionSchema,
  resourceNameSchema,
  wholeNumber,
} from "./validation";

/**
 * The directory of this package (the one holding its `package.json`), found from this module's own
 * location: the same in the repository and in an installed package, whatever the working directory.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The processor bundle of this package (`dist/waf-log-processor/index.cjs`, built by `npm run build`). */
export const PROCESSOR_BUNDLE_PATH = join(packageRoot(), "dist", "waf-log-processor", "index.cjs");

/**
 * CloudWatch Logs limits a function's resource policy to 20,480 bytes and this construct adds one
 * permission statement per log group, so it takes at most this many log groups.
 */
export const MAX_LOG_GROUPS = 50;

const LOG_GROUP_NAME_RULES = `must be a log group name that starts with "${WAF_LOG_GROUP_PREFIX}" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #`;

/**
 * A WAF log group name: `aws-waf-logs-` followed by up to 499 of `[A-Za-z0-9_\-/.#]`
 * (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
 */
export const logGroupNameSchema = z
  .string({ error: allowed(LOG_GROUP_NAME_RULES) })
  .regex(new RegExp(`^${WAF_LOG_GROUP_PREFIX}[A-Za-z0-9_\\-/.#]{1,499}$`), {
    error: allowed(LOG_GROUP_NAME_RULES),
  });

/** The WAF log groups to subscribe: 1–50 distinct {@link logGroupNameSchema} names. */
export const logGroupNamesSchema = z
  .array(logGroupNameSchema, { error: allowed("must be a list of one or more log group names") })
  .min(1, { error: "must list at least one log group" })
  .max(MAX_LOG_GROUPS, {
    error: `must list at most ${MAX_LOG_GROUPS} log groups (each adds a statement to the function's 20 KB resource policy)`,
  })
  .superRefine(distinct((name) => name))
  .superRefine(distinctConstructIds);

/**
 * A refinement for log group name lists: names that differ only in `/` versus `--` would share one
 * construct id and so one Terraform address (see `logGroupConstructId`); the issue names both.
 */
export function distinctConstructIds(names: readonly string[], ctx: z.RefinementCtx): void {
  for (const { index, earlier } of logGroupIdCollisions(names)) {
    ctx.addIssue({
      code: "custom",
      path: [index],
      message: `must not differ from ${JSON.stringify(earlier)} only in "/" versus "--": Terraform addresses write "/" as "--", so both log groups would get the same address; rename one of them, got ${JSON.stringify(names[index])}`,
    });
  }
}

const LOG_RETENTION_RULES = `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")} days`;

/** A retention CloudWatch Logs accepts, in days. */
export const logRetentionDaysSchema = z
  .int({ error: allowed(LOG_RETENTION_RULES) })
  .refine((value) => (LOG_RETENTION_DAYS as readonly number[]).includes(value), {
    error: allowed(LOG_RETENTION_RULES),
  });

/** The Lambda function's settings (the configuration file's `processor` section). */
export const processorSettingsSchema = z
  .strictObject({
    /**
     * Memory in MB (128–10240). @default 256: measured by `npm run bench` (README, "Memory"), a new
     * process peaks at about 65 MiB on the largest CloudWatch Logs delivery and stays under 135 MiB
     * on every payload measured (up to 111 MB of realistic records and 391 MB of compressible ones).
     */
    memoryMb: wholeNumber(128, 10_240, "must be a whole number of MB from 128 to 10240").default(256),
    /** Timeout in seconds (1–900). @default 300 */
    timeoutSeconds: wholeNumber(1, 900, "must be a whole number of seconds from 1 to 900").default(300),
    /** Instruction set architecture. @default "arm64" */
    architecture: z
      .enum(["arm64", "x86_64"], { error: allowed('must be "arm64" or "x86_64"') })
      .default("arm64"),
    /** Lambda runtime identifier. @default "nodejs22.x" */
    runtime: z
      .enum(["nodejs22.x"], {
        error: allowed('must be "nodejs22.x" (the newest Node.js runtime AWS provider 5.100.0 accepts)'),
      })
      .default("nodejs22.x"),
    /** gzip compression level of the objects (1 fastest – 9 smallest). @default 6 */
    gzipLevel: wholeNumber(1, 9, "must be a whole number from 1 (fastest) to 9 (smallest)").default(6),
    /** Retention of the function's own log group, in days (a CloudWatch Logs value). @default 30 */
    logRetentionDays: logRetentionDaysSchema.default(30),
    /**
     * Header names whose values the function replaces with `XXX` in each WAF record (env
     * `REDACT_HEADERS`; compared case-insensitively, so lowercased here; distinct). @default undefined (off)
     */
    redactHeaders: z
      .array(
        z
          .string({ error: allowed(HEADER_NAME_RULES) })
          .regex(HEADER_NAME_PATTERN, { error: allowed(HEADER_NAME_RULES) })
          .transform((name) => name.toLowerCase()),
        { error: allowed('must be a list of header names like ["authorization", "x-api-key"]') },
      )
      .max(100, { error: "must list at most 100 header names" })
      .superRefine(distinct((name) => name, "header (case-insensitive)"))
      .optional(),
  })
  .prefault({});

/** The forwarder's CloudWatch alarms: what fails between the WAF log groups and the bucket. */
export const forwarderAlarmsObject = z.strictObject({
  /** `false` turns every alarm of the forwarder off. @default true */
  enabled: metricAlarms.alarmEnabledSchema,
  /** Failure queue has visible messages: events the processor gave up on. @default on, threshold 0 */
  failureQueueMessages: metricAlarms.countAlarmSchema("messages"),
  /** Processor `Errors` summed over 5 minutes. @default on, threshold 0 */
  processorErrors: metricAlarms.countAlarmSchema("errors per 5 minutes"),
  /** Processor `Throttles` summed over 5 minutes. @default on, threshold 0 */
  processorThrottles: metricAlarms.countAlarmSchema("throttles per 5 minutes"),
  /** Processor `Invocations` below 1 over a window, missing data breaching: WAF logs stopped arriving. @default on, 60 minutes */
  noInvocations: metricAlarms.noInvocationsAlarmSchema,
  /**
   * Processor `DestinationDeliveryFailures` summed over 5 minutes: Lambda could not put an on-failure
   * record on the failure queue, so that event is lost. @default on, threshold 0
   */
  destinationDeliveryFailures: metricAlarms.countAlarmSchema("failed deliveries per 5 minutes"),
});

/** {@link forwarderAlarmsObject}, every field optional. */
export const forwarderAlarmsSchema = forwarderAlarmsObject.prefault({});

const OTHER_FILTERS_RULES =
  "must be 0 or 1: CloudWatch Logs allows at most 2 subscription filters per log group and this construct adds one";

/**
 * Props of {@link WafLogForwarder}. This schema is the one place their rules and defaults are written;
 * the configuration file's schema (`src/config.ts`) is built from its fields.
 */
export const wafLogForwarderPropsSchema = z
  .strictObject({
    /** Prefix of every resource name (≤ 40 of `[A-Za-z0-9_-]`), e.g. `waf-log-pipeline-prod` → `waf-log-pipeline-prod-processor`. */
    name: resourceNameSchema,
    /** AWS account of the log groups and the function (12 digits): the only `source_account` that may invoke. */
    accountId: accountIdSchema,
    /** AWS region of the log groups and the function (a subscription cannot cross regions). */
    region: regionSchema,
    /** The existing (or `createdLogGroups`) WAF log groups to forward, each `aws-waf-logs-…`. */
    logGroupNames: logGroupNamesSchema,
    /** The archive to write to: a {@link WafLogArchive} of the same stack, or its names and ARNs. */
    archive: z.union([z.instanceof(WafLogArchive), archiveDestinationSchema], {
      error: allowed("must be a WafLogArchive or {bucketName, keyPrefix, kmsKeyArn}"),
    }),
    /** The Lambda function's settings. @default 256 MB, 300 s, arm64, nodejs22.x, gzip 6, 30 days of logs */
    processor: processorSettingsSchema,
    /** Environment name in the processor's logs and metrics (env `ENVIRONMENT_NAME`). @default the `name` */
    environmentName: z.string().min(1, { error: "must not be empty" }).optional(),
    /** Path of the processor bundle (`index.cjs`). @default the bundle shipped in this package */
    bundlePath: z
      .string()
      .default(PROCESSOR_BUNDLE_PATH)
      .refine((path) => existsSync(path) && statSync(path).isFile(), {
        error: (issue) =>
          `no file at ${String(issue.input)}; build the processor first with \`npm run build\` (\`npm run synth\` does it)`,
      }),
    /** Name of the zip file that `archive_file` writes inside the stack directory. @default "waf-log-processor.zip" */
    archiveFileName: z
      .string()
      .regex(/^[\w.-]+\.zip$/)
      .default("waf-log-processor.zip"),
    /** Days the failure queue keeps an event (1–14). @default 14 */
    failureRetentionDays: wholeNumber(1, 14, "must be a whole number of days from 1 to 14").default(14),
    /** Retries of a failed asynchronous invocation before the on-failure destination (0–2). @default 2 */
    maximumRetryAttempts: wholeNumber(0, 2, "must be a whole number from 0 to 2").default(2),
    /** Seconds an event may wait for (re)processing before it goes to the on-failure destination (60–21600). @default 21600 */
    maximumEventAgeSeconds: wholeNumber(
      60,
      21_600,
      "must be a whole number of seconds from 60 to 21600",
    ).default(21_600),
    /** Subscription filters others already have on a log group, by log group name (0 or 1 each). @default {} */
    otherSubscriptionFilters: z.record(z.string(), wholeNumber(0, 1, OTHER_FILTERS_RULES)).default({}),
    /** Log groups of `logGroupNames` that the same stack creates: the subscriptions then wait for them. @default [] */
    createdLogGroups: z.array(z.instanceof(CloudwatchLogGroup)).default([]),
    /**
     * ARN of the customer-managed key of the forwarder's own failure queue; SSE-SQS when absent. The
     * role may use it and the archive's key. @default undefined
     */
    kmsKeyArn: checkedString(kmsKeyArnProblem, KMS_KEY_ARN_RULES).optional(),
    /** Which forwarder alarms exist and their thresholds. @default every alarm on */
    alarms: forwarderAlarmsSchema,
    /** Where the alarms send state changes. @default undefined (no actions) */
    alarmTopic: metricAlarms.alarmTopicSchema,
    /** The command operators run to process the failure queue again, named in alarm descriptions. @default "npm run redrive" */
    redriveCommand: z.string().min(1).default("npm run redrive"),
  })
  .superRefine((props, ctx) => {
    // Runs even when fields failed (zod reports them): read them defensively.
    const names = new Set(Array.isArray(props.logGroupNames) ? props.logGroupNames : []);
    for (const name of Object.keys(props.otherSubscriptionFilters ?? {})) {
      if (!names.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["otherSubscriptionFilters", name],
          message: "must be keyed by one of logGroupNames",
        });
      }
    }
    (Array.isArray(props.createdLogGroups) ? props.createdLogGroups : []).forEach((logGroup, index) => {
      if (typeof logGroup.nameInput !== "string" || !names.has(logGroup.nameInput)) {
        ctx.addIssue({
          code: "custom",
          path: ["createdLogGroups", index],
          message: `must be one of logGroupNames, got a log group named ${JSON.stringify(logGroup.nameInput)}`,
        });
      }
    });
  });

/** What {@link WafLogForwarder} accepts (fields with defaults optional). */
export type WafLogForwarderProps = z.input<typeof wafLogForwarderPropsSchema>;

/** {@link WafLogForwarderProps} with every default applied. */
export type ResolvedWafLogForwarderProps = z.output<typeof wafLogForwarderPropsSchema>;

type ForwarderAlarmKey = keyof ReturnType<typeof forwarderAlarmNames>;

/**
 * Forwards the WAF log groups of one account and region into an archive: the processor function with
 * its bundle, zip, role, own log group and on-failure destination (the failure queue; see
 * {@link WafLogProcessor}), one subscription filter and Lambda permission per log group
 * ({@link WafLogSubscription}), and the forwarder's alarms (failure queue messages, errors, throttles,
 * no invocations, destination delivery failures).
 *
 * The archive comes as a {@link WafLogArchive} of the same stack (the forwarder then asks it to
 * {@link WafLogArchive.grantWrite} its role) or as names and ARNs, for an archive in another stack.
 * The role may put objects only under the archive's key prefix.
 *
 * Resource names: see `forwarderResourceNames` and `forwarderAlarmNames` (`src/constructs/names.ts`).
 *
 * @throws ValidationError listing every invalid prop, with its path
 */
export class WafLogForwarder extends Construct {
  /** The props with every default applied. */
  public readonly props: ResolvedWafLogForwarderProps;
  public readonly processor: WafLogProcessor;
  /** One per log group, in the order of `logGroupNames`. */
  public readonly subscriptions: readonly WafLogSubscription[];
  /** The enabled alarms, by key. */
  public readonly alarms: Partial<Record<ForwarderAlarmKey, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, input: WafLogForwarderProps) {
    super(scope, id);
    const props = parseWith(wafLogForwarderPropsSchema, input, "WafLogForwarder props");
    this.props = props;
    const names = forwarderResourceNames(props.name);
    const { archive } = props;
    const destination =
      archive instanceof WafLogArchive
        ? archive.destination
        : {
            ...archive,
            bucketArn: archive.bucketArn ?? `arn:${partitionOf(props.region)}:s3:::${archive.bucketName}`,
          };
    const kmsKeyArns = [...new Set([destination.kmsKeyArn, props.kmsKeyArn])].filter(
      (arn): arn is string => arn !== undefined,
    );

    this.processor = new WafLogProcessor(this, "Processor", {
      functionName: names.processorFunction,
      roleName: names.processorRole,
      logGroupName: names.processorLogGroup,
      failureQueueName: names.failureQueue,
      bundlePath: props.bundlePath,
      archiveFileName: props.archiveFileName,
      bucketName: destination.bucketName,
      bucketArn: destination.bucketArn,
      keyPrefix: destination.keyPrefix ?? "",
      environmentName: props.environmentName ?? props.name,
      gzipLevel: props.processor.gzipLevel,
      redactHeaders: props.processor.redactHeaders ?? [],
      memoryMb: props.processor.memoryMb,
      timeoutSeconds: props.processor.timeoutSeconds,
      architecture: props.processor.architecture,
      runtime: props.processor.runtime,
      logRetentionDays: props.processor.logRetentionDays,
      failureRetentionDays: props.failureRetentionDays,
      maximumRetryAttempts: props.maximumRetryAttempts,
      maximumEventAgeSeconds: props.maximumEventAgeSeconds,
      kmsKeyArns,
      failureQueueKmsKeyArn: props.kmsKeyArn,
    });
    if (archive instanceof WafLogArchive) archive.grantWrite(this.processor.role);

    const created = new Map(props.createdLogGroups.map((group) => [group.nameInput, group]));
    this.subscriptions = props.logGroupNames.map(
      (logGroupName) =>
        new WafLogSubscription(this, logGroupConstructId(logGroupName), {
          logGroupName,
          region: props.region,
          accountId: props.accountId,
          functionName: this.processor.function.functionName,
          functionArn: this.processor.function.arn,
          filterName: names.subscriptionFilter,
          logGroup: created.get(logGroupName),
        }),
    );

    this.alarms = metricAlarms.createMetricAlarms(this, forwarderAlarmDefinitions(props), props.alarmTopic);
  }
}

/** The metric, condition and description of each forwarder alarm; `undefined` for one turned off. */
function forwarderAlarmDefinitions(
  props: ResolvedWafLogForwarderProps,
): Record<ForwarderAlarmKey, AlarmDefinition | undefined> {
  const { alarms } = props;
  const names = forwarderResourceNames(props.name);
  const alarmNames = forwarderAlarmNames(props.name);
  const redrive = props.redriveCommand;
  const fn = { FunctionName: names.processorFunction };
  const failureQueue = names.failureQueue;
  const logGroup = names.processorLogGroup;
  const on = (enabled: boolean) => alarms.enabled && enabled;
  return {
    failureQueueMessages: on(alarms.failureQueueMessages.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.failureQueueMessages,
          threshold: alarms.failureQueueMessages.threshold,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: failureQueue },
          description: `The failure queue ${failureQueue} holds events the processor gave up on after its retries: those WAF log events are not in S3. Find the cause in the log group ${logGroup}, fix it, then run "${redrive} --dry-run" and "${redrive}" to process them again.`,
        })
      : undefined,
    processorErrors: on(alarms.processorErrors.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.processorErrors,
          threshold: alarms.processorErrors.threshold,
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: fn,
          description: `Invocations of the processor ${names.processorFunction} failed in the last 5 minutes. Lambda retries each failed event twice, then sends it to the failure queue ${failureQueue}, so nothing is lost yet. Read the errors in the log group ${logGroup}; once the cause is fixed, run "${redrive}" for the events in the failure queue.`,
        })
      : undefined,
    processorThrottles: on(alarms.processorThrottles.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.processorThrottles,
          threshold: alarms.processorThrottles.threshold,
          namespace: "AWS/Lambda",
          metricName: "Throttles",
          dimensions: fn,
          description: `Invocations of the processor ${names.processorFunction} were throttled in the last 5 minutes (the account's or the function's concurrency limit). Lambda retries throttled events until their maximum event age, then sends them to the failure queue ${failureQueue}. Free or raise the Lambda concurrency quota, then run "${redrive}" for anything in the failure queue.`,
        })
      : undefined,
    noInvocations: on(alarms.noInvocations.enabled)
      ? {
          alarmName: alarmNames.noInvocations,
          namespace: "AWS/Lambda",
          metricName: "Invocations",
          dimensions: fn,
          statistic: "Sum",
          periodSeconds: alarms.noInvocations.windowMinutes * 60,
          comparisonOperator: "LessThanThreshold",
          threshold: 1,
          treatMissingData: "breaching",
          description: `The processor ${names.processorFunction} was not invoked for ${alarms.noInvocations.windowMinutes} minutes: no WAF log events arrived. Check that the web ACL still sends its logs to the WAF log groups of this environment and that each still has the subscription filter ${names.subscriptionFilter}. An environment without traffic trips this alarm too: raise alarms.noInvocations.windowMinutes or turn the alarm off there.`,
        }
      : undefined,
    destinationDeliveryFailures: on(alarms.destinationDeliveryFailures.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.destinationDeliveryFailures,
          threshold: alarms.destinationDeliveryFailures.threshold,
          namespace: "AWS/Lambda",
          metricName: "DestinationDeliveryFailures",
          dimensions: fn,
          description: `Lambda could not deliver on-failure records of the processor ${names.processorFunction} to the failure queue ${failureQueue} in the last 5 minutes and dropped them: those WAF log events are lost (not in S3, not on the queue, so redrive cannot bring them back). Check the failure queue's policy and KMS key (the key policy must let the processor role use the key) and that the processor role may sqs:SendMessage to the queue; a record over the SQS message size limit is dropped too. Fix the cause before more events fail. To recover the lost events, find the "subscription event failed" lines of that time in the log group ${logGroup}: each names the WAF log group and log stream, whose log events stay there until the log group's retention ends.`,
        })
      : undefined,
  };
}
