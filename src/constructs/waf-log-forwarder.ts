import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { DataAwsCloudwatchLogGroups } from "@cdktf/provider-aws/lib/data-aws-cloudwatch-log-groups";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Fn, TerraformIterator } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import {
  HEADER_NAME_PATTERN,
  HEADER_NAME_RULES,
  METRICS_NAMESPACE,
  bucketNameProblem,
} from "../../functions/waf-log-processor/environment";
import { LOG_RETENTION_DAYS, WAF_LOG_GROUP_PREFIX } from "../cloudwatch-logs";
import { logGroupArn, partitionOf } from "../iam-policy";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import * as metricAlarms from "./metric-alarms";
import type { AlarmDefinition } from "./metric-alarms";
import {
  deliveryAlarmNames,
  failureRecordPrefix,
  failureStoreBucketName,
  forwarderAlarmNames,
  forwarderResourceNames,
  logGroupConstructId,
  logGroupIdCollisions,
} from "./names";
import { FailureStore, type FailureStoreSettings, failureStoreSchema } from "./failure-store";
import {
  KMS_KEYS_OF_ACCOUNT_PATTERN,
  KMS_KEY_ARN_RULES,
  keyRegionProblem,
  kmsKeyArnProblem,
} from "./kms-key-arn";
import { WafLogArchive, archiveDestinationSchema } from "./waf-log-archive";
import { WafLogProcessor } from "./waf-log-processor";
import { WafLogSubscription } from "./waf-log-subscription";
import {
  type DashboardSection,
  type DashboardWidget,
  WafLogDashboard,
  alarmWidgets,
  graph,
  metric,
} from "./waf-log-dashboard";
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
 * Most log groups one forwarder subscribes by name: what CloudWatch Logs allows in one account and
 * region ("Log groups: 1,000,000 per account per Region",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html). The function's
 * resource policy (20,480 bytes) no longer limits it: one Lambda permission covers every
 * `aws-waf-logs-*` log group of the account and region (see {@link logGroupsPermissionSourceArn}).
 */
export const MAX_LOG_GROUPS = 1_000_000;

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

/** The WAF log groups to subscribe: 1–1,000,000 ({@link MAX_LOG_GROUPS}) distinct {@link logGroupNameSchema} names. */
export const logGroupNamesSchema = z
  .array(logGroupNameSchema, { error: allowed("must be a list of one or more log group names") })
  .min(1, { error: "must list at least one log group" })
  .max(MAX_LOG_GROUPS, {
    error: `must list at most ${MAX_LOG_GROUPS.toLocaleString("en-US")} log groups (the CloudWatch Logs quota of log groups per account and region)`,
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

const DISCOVERY_PREFIX_RULES = `must be a log group name prefix that starts with "${WAF_LOG_GROUP_PREFIX}" (AWS WAF writes only to such log groups, and the forwarder's Lambda permission covers only them), up to 512 characters of letters, digits, _ - / . #`;

/**
 * Discovery of the log groups to subscribe at plan time: every log group whose name starts with
 * `prefix`, except the names in `exclude`, read with the `aws_cloudwatch_log_groups` data source
 * (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/cloudwatch_log_groups).
 * A run after a web ACL's new log group appeared subscribes it too.
 */
export const discoverySchema = z
  .strictObject(
    {
      /** Name prefix of the log groups to subscribe (starts with `aws-waf-logs-`). @default "aws-waf-logs-" */
      prefix: z
        .string({ error: allowed(DISCOVERY_PREFIX_RULES) })
        .regex(new RegExp(`^${WAF_LOG_GROUP_PREFIX}[A-Za-z0-9_\\-/.#]{0,499}$`), {
          error: allowed(DISCOVERY_PREFIX_RULES),
        })
        .default(WAF_LOG_GROUP_PREFIX),
      /** Log groups matching the prefix that are not subscribed (exact names). @default [] */
      exclude: z
        .array(logGroupNameSchema, { error: allowed("must be a list of log group names") })
        .superRefine(distinct((name) => name))
        .default([]),
    },
    { error: allowed('must be {"prefix": "aws-waf-logs-", "exclude": [...]}') },
  )
  .superRefine((discovery, ctx) => {
    if (typeof discovery.prefix !== "string" || !Array.isArray(discovery.exclude)) return;
    discovery.exclude.forEach((name, index) => {
      if (!name.startsWith(discovery.prefix)) {
        ctx.addIssue({
          code: "custom",
          path: ["exclude", index],
          message: `must start with the discovery prefix ${JSON.stringify(discovery.prefix)} (a log group without it is never discovered, so excluding it has no effect), got ${JSON.stringify(name)}`,
        });
      }
    });
  });

/** Discovery settings with defaults applied. */
export type Discovery = z.output<typeof discoverySchema>;

/**
 * The `source_arn` of the forwarder's one Lambda permission: every log group of the account and region
 * whose name starts with `aws-waf-logs-`, plus `:*` as CloudWatch Logs requires
 * (`arn:<partition>:logs:<region>:<account>:log-group:aws-waf-logs-*:*`). Lambda turns a `SourceArn`
 * into an `ArnLike` condition, so the wildcard matches every such log group
 * (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html). WAF logs only to log groups
 * with that prefix (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html).
 */
export function logGroupsPermissionSourceArn(region: string, accountId: string): string {
  return `${logGroupArn(region, accountId, `${WAF_LOG_GROUP_PREFIX}*`)}:*`;
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

/**
 * CloudWatch's default quota of Metrics Insights alarms per account and region
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html).
 */
export const DEFAULT_METRICS_INSIGHTS_ALARM_QUOTA = 200;

/** The forwarder's CloudWatch alarms: what fails between the WAF log groups and the bucket. */
export const forwarderAlarmsObject = z.strictObject({
  /** `false` turns every alarm of the forwarder off. @default true */
  enabled: metricAlarms.alarmEnabledSchema,
  /**
   * Processor `AsyncEventsDropped` summed per minute: Lambda gave up on events and wrote their on-failure
   * records to the failure store. Fires within two minutes of the first record and stays on for an
   * hour after the last. @default on, threshold 0
   */
  failureRecords: metricAlarms.countAlarmSchema("events given up per minute"),
  /** Legacy failure queue has visible messages (only while `keepFailureQueue`). @default on, threshold 0 */
  failureQueueMessages: metricAlarms.countAlarmSchema("messages"),
  /** Processor `Errors` summed over 5 minutes. @default on, threshold 0 */
  processorErrors: metricAlarms.countAlarmSchema("errors per 5 minutes"),
  /** Processor `Throttles` summed over 5 minutes. @default on, threshold 0 */
  processorThrottles: metricAlarms.countAlarmSchema("throttles per 5 minutes"),
  /** Processor `Invocations` below 1 over a window, missing data breaching: WAF logs stopped arriving. @default on, 60 minutes */
  noInvocations: metricAlarms.noInvocationsAlarmSchema,
  /**
   * Processor `DestinationDeliveryFailures` summed over 5 minutes: Lambda could not write an on-failure
   * record to the failure store, so that event is lost. @default on, threshold 0
   */
  destinationDeliveryFailures: metricAlarms.countAlarmSchema("failed deliveries per 5 minutes"),
  /**
   * Per log group: CloudWatch Logs `DeliveryErrors` summed over 5 minutes, any subscription filter of the
   * log group. @default on, threshold 0
   */
  deliveryErrors: metricAlarms.countAlarmSchema("log events per 5 minutes"),
  /** Per log group: CloudWatch Logs `DeliveryThrottling` summed over 5 minutes. @default on, threshold 0 */
  deliveryThrottling: metricAlarms.countAlarmSchema("log events per 5 minutes"),
  /**
   * Per log group: `IncomingLogEvents` against `ForwardedLogEvents`: log events that arrived but were
   * not forwarded (a subscription filter disabled after a non-retryable error skips them). @default on, 10 %
   */
  skippedLogEvents: metricAlarms.skippedLogEventsAlarmSchema,
  /**
   * The Metrics Insights alarms this forwarder may create: its delivery errors and delivery throttling
   * alarms are Metrics Insights alarms, two per listed log group, and CloudWatch allows
   * {@link DEFAULT_METRICS_INSIGHTS_ALARM_QUOTA} of them per account and region unless the quota is
   * raised ("Metrics Insights alarms", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html).
   * More would fail `PutMetricAlarm` at apply, so synth fails instead. Set it to the raised quota,
   * less the Metrics Insights alarms other stacks of the account and region use. @default 200
   */
  metricsInsightsAlarmQuota: wholeNumber(
    0,
    Number.MAX_SAFE_INTEGER,
    "must be a whole number of Metrics Insights alarms from 0",
  ).default(DEFAULT_METRICS_INSIGHTS_ALARM_QUOTA),
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
    /**
     * The existing (or `createdLogGroups`) WAF log groups to forward, each `aws-waf-logs-…`. Give this or
     * `discovery`. @default undefined
     */
    logGroupNames: logGroupNamesSchema.optional(),
    /**
     * Subscribe every log group found at plan time whose name starts with `discovery.prefix`, except
     * `discovery.exclude`, instead of listing them. Give this or `logGroupNames`. @default undefined
     */
    discovery: discoverySchema.optional(),
    /**
     * Write a Terraform `removed` block (destroy = false) for the per-log-group Lambda permission that
     * each listed log group had before this version, so Terraform forgets those permissions instead of
     * deleting them before the one permission exists (see {@link WafLogSubscription}). Harmless where
     * they never existed; set `false` for stacks deployed only with this version. @default true
     */
    forgetLegacyPermissions: z.boolean({ error: allowed("must be true or false") }).default(true),
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
    /** The failure store, the S3 bucket that is the on-failure destination. @default 30 days, `<name>-failures-<account>-<region>` */
    failureStore: failureStoreSchema,
    /**
     * Keep the SQS failure queue of versions before the failure store (nothing sends to it any more)
     * until it is drained: run the redrive, then set `false` to remove it. @default true
     */
    keepFailureQueue: z.boolean({ error: allowed("must be true or false") }).default(true),
    /** Days the legacy failure queue keeps a message (1–14), while it is kept. @default 14 */
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
     * ARN of the customer-managed key of the forwarder's own failure store (and legacy failure queue),
     * in the forwarder's region (S3 and SQS use only keys of their own region); SSE-S3 and SSE-SQS when
     * absent. The archive's key, when the archive is in another region, cannot be used here. The role
     * may use this key and the archive's. @default undefined
     */
    kmsKeyArn: checkedString(kmsKeyArnProblem, KMS_KEY_ARN_RULES).optional(),
    /** Whether the forwarder creates its own CloudWatch dashboard (`WafLogPipeline` makes one for both). @default true */
    dashboard: z.boolean({ error: allowed("must be true or false") }).default(true),
    /** Which forwarder alarms exist and their thresholds. @default every alarm on */
    alarms: forwarderAlarmsSchema,
    /** Where the alarms send state changes. @default undefined (no actions) */
    alarmTopic: metricAlarms.alarmTopicSchema,
    /** The command operators run to process the failure queue again, named in alarm descriptions. @default "npm run redrive" */
    redriveCommand: z.string().min(1).default("npm run redrive"),
  })
  .superRefine((props, ctx) => {
    // Runs even when fields failed (zod reports them): read them defensively.
    if ((props.logGroupNames === undefined) === (props.discovery === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["logGroupNames"],
        message:
          props.discovery === undefined
            ? "is required: list the log groups to forward, or give discovery"
            : "must not be given together with discovery: list the log groups, or discover them, not both",
      });
    }
    if (typeof props.kmsKeyArn === "string" && typeof props.region === "string") {
      const problem = keyRegionProblem(props.kmsKeyArn, props.region);
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["kmsKeyArn"], message: problem });
    }
    const store = props.failureStore as Partial<FailureStoreSettings> | undefined;
    if (
      store?.bucketName === undefined &&
      typeof props.name === "string" &&
      typeof props.accountId === "string" &&
      typeof props.region === "string"
    ) {
      const derived = failureStoreBucketName(props.name, props.accountId, props.region);
      const problem = bucketNameProblem(derived);
      if (problem !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["failureStore", "bucketName"],
          message: `is required because the default name ${JSON.stringify(derived)} ${problem}; set a valid S3 bucket name`,
        });
      }
    }
    const names = new Set(Array.isArray(props.logGroupNames) ? props.logGroupNames : []);
    const discovery = props.discovery as Partial<Discovery> | undefined;
    const selected = (name: string) =>
      names.has(name) ||
      (typeof discovery?.prefix === "string" &&
        name.startsWith(discovery.prefix) &&
        !(discovery.exclude ?? []).includes(name));
    for (const name of Object.keys(props.otherSubscriptionFilters ?? {})) {
      if (!selected(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["otherSubscriptionFilters", name],
          message:
            discovery === undefined
              ? "must be keyed by one of logGroupNames"
              : "must be keyed by a log group the discovery selects (its prefix, not excluded)",
        });
      }
    }
    const alarms = props.alarms as Partial<z.output<typeof forwarderAlarmsObject>> | undefined;
    if (Array.isArray(props.logGroupNames) && alarms?.enabled !== false) {
      const perLogGroup =
        (alarms?.deliveryErrors?.enabled === false ? 0 : 1) +
        (alarms?.deliveryThrottling?.enabled === false ? 0 : 1);
      const quota = alarms?.metricsInsightsAlarmQuota ?? DEFAULT_METRICS_INSIGHTS_ALARM_QUOTA;
      const needed = perLogGroup * props.logGroupNames.length;
      if (needed > quota) {
        ctx.addIssue({
          code: "custom",
          path: ["logGroupNames"],
          message:
            `needs ${needed} Metrics Insights alarms (delivery errors and delivery throttling, ${perLogGroup} per log group ` +
            `for ${props.logGroupNames.length} log groups), more than alarms.metricsInsightsAlarmQuota (${quota}; CloudWatch allows ` +
            `${DEFAULT_METRICS_INSIGHTS_ALARM_QUOTA} per account and region unless raised, ` +
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html), so PutMetricAlarm would fail at apply: " +
            "raise the quota in Service Quotas and set alarms.metricsInsightsAlarmQuota, or turn off " +
            "alarms.deliveryErrors and alarms.deliveryThrottling (alarms.skippedLogEvents still sees skipped log events)",
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
type DeliveryAlarmKey = keyof ReturnType<typeof deliveryAlarmNames>;

/**
 * Forwards the WAF log groups of one account and region into an archive: the processor function with
 * its bundle, zip, role and own log group ({@link WafLogProcessor}), its on-failure destination, the
 * failure store ({@link FailureStore}), one Lambda permission for every `aws-waf-logs-*` log group of
 * the account and region, one subscription filter per listed log group ({@link WafLogSubscription})
 * or, with `discovery`, per log group found at plan time, the forwarder's alarms (failure records,
 * errors, throttles, no invocations, destination delivery failures), per listed log group the delivery
 * alarms (delivery errors, delivery throttling, skipped log events), and a CloudWatch dashboard.
 *
 * A subscription filter's Lambda function must be in the log group's account ("An AWS Lambda function
 * that belongs to the same account as the subscription filter",
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html)
 * and, as far as anyone has found, its region: so one forwarder per account and region.
 *
 * The archive comes as a {@link WafLogArchive} of the same stack (the forwarder then asks it to
 * {@link WafLogArchive.grantWrite} its role) or as names and ARNs, for an archive in another stack,
 * account or region (`bucketRegion`: the processor calls S3 there). The role may put objects only under
 * the archive's key prefix; the archive must admit the role too when it is in another account (its
 * `writerRoleArns`).
 *
 * Upgrading from a version with the SQS failure queue: the queue stays (`keepFailureQueue`, default
 * `true`) with its alarm until it is drained with the redrive; then `keepFailureQueue: false` removes it.
 *
 * Resource names: see `forwarderResourceNames`, `forwarderAlarmNames` and `deliveryAlarmNames`
 * (`src/constructs/names.ts`).
 *
 * @throws ValidationError listing every invalid prop, with its path
 */
export class WafLogForwarder extends Construct {
  /** The props with every default applied. */
  public readonly props: ResolvedWafLogForwarderProps;
  public readonly processor: WafLogProcessor;
  /** The on-failure destination. */
  public readonly failureStore: FailureStore;
  /**
   * The one Lambda permission that lets CloudWatch Logs invoke the processor for every `aws-waf-logs-*`
   * log group of the account and region ({@link logGroupsPermissionSourceArn}, `source_account` set), so
   * the function's resource policy stays one statement however many log groups there are.
   */
  public readonly logGroupsPermission: LambdaPermission;
  /** One per listed log group, in the order of `logGroupNames` (none with `discovery`). */
  public readonly subscriptions: readonly WafLogSubscription[];
  /** With `discovery`: the data source that lists the matching log groups at plan time. */
  public readonly discoveredLogGroups: DataAwsCloudwatchLogGroups | undefined;
  /** With `discovery`: one subscription filter per discovered log group (`for_each` over their names). */
  public readonly discoveredSubscriptionFilters: CloudwatchLogSubscriptionFilter | undefined;
  /**
   * The names of the subscribed log groups: the listed names, or with `discovery` a Terraform
   * expression for the discovered ones minus the exclusions (known at plan time).
   */
  public readonly subscribedLogGroupNames: string[];
  /** The enabled alarms, by key. */
  public readonly alarms: Partial<Record<ForwarderAlarmKey, CloudwatchMetricAlarm>>;
  /** The enabled delivery alarms of each log group, by log group name. */
  public readonly deliveryAlarms: ReadonlyMap<
    string,
    Partial<Record<DeliveryAlarmKey, CloudwatchMetricAlarm>>
  >;
  /** The widgets this forwarder contributes to a dashboard (its own, or a pipeline's). */
  public readonly dashboardWidgets: readonly DashboardSection[];
  /** The forwarder's own dashboard, unless `dashboard: false`. */
  public readonly dashboard: WafLogDashboard | undefined;

  constructor(scope: Construct, id: string, input: WafLogForwarderProps) {
    super(scope, id);
    const props = parseWith(wafLogForwarderPropsSchema, input, "WafLogForwarder props");
    this.props = props;
    const names = forwarderResourceNames(props.name);
    const { archive } = props;
    const destination =
      archive instanceof WafLogArchive
        ? { ...archive.destination, bucketRegion: archive.props.region }
        : {
            ...archive,
            bucketArn: archive.bucketArn ?? `arn:${partitionOf(props.region)}:s3:::${archive.bucketName}`,
          };
    const archiveKeyPattern =
      destination.kmsKeyArn !== undefined && KMS_KEYS_OF_ACCOUNT_PATTERN.test(destination.kmsKeyArn)
        ? destination.kmsKeyArn
        : undefined;
    const bucketRegion = destination.bucketRegion ?? props.region;
    const kmsKeyArns = [
      ...new Set([archiveKeyPattern === undefined ? destination.kmsKeyArn : undefined, props.kmsKeyArn]),
    ].filter((arn): arn is string => arn !== undefined);

    this.failureStore = new FailureStore(this, "FailureStore", {
      bucketName:
        props.failureStore.bucketName ?? failureStoreBucketName(props.name, props.accountId, props.region),
      retentionDays: props.failureStore.retentionDays,
      noncurrentVersionExpirationDays: props.failureStore.noncurrentVersionExpirationDays,
      kmsKeyArn: props.kmsKeyArn,
    });

    this.processor = new WafLogProcessor(this, "Processor", {
      functionName: names.processorFunction,
      roleName: names.processorRole,
      logGroupName: names.processorLogGroup,
      accountId: props.accountId,
      failureStoreBucketArn: this.failureStore.bucket.arn,
      legacyFailureQueue: props.keepFailureQueue
        ? {
            queueName: names.failureQueue,
            retentionDays: props.failureRetentionDays,
            kmsKeyArn: props.kmsKeyArn,
          }
        : undefined,
      bundlePath: props.bundlePath,
      archiveFileName: props.archiveFileName,
      bucketName: destination.bucketName,
      bucketArn: destination.bucketArn,
      bucketRegion,
      keyPrefix: destination.keyPrefix ?? "",
      environmentName: props.environmentName ?? props.name,
      gzipLevel: props.processor.gzipLevel,
      redactHeaders: props.processor.redactHeaders ?? [],
      memoryMb: props.processor.memoryMb,
      timeoutSeconds: props.processor.timeoutSeconds,
      architecture: props.processor.architecture,
      runtime: props.processor.runtime,
      logRetentionDays: props.processor.logRetentionDays,
      maximumRetryAttempts: props.maximumRetryAttempts,
      maximumEventAgeSeconds: props.maximumEventAgeSeconds,
      kmsKeyArns,
      ...(archiveKeyPattern === undefined
        ? {}
        : { archiveKeysThroughS3: { resource: archiveKeyPattern, region: bucketRegion } }),
    });
    if (archive instanceof WafLogArchive) archive.grantWrite(this.processor.role);

    this.logGroupsPermission = new LambdaPermission(this, "LogGroupsPermission", {
      action: "lambda:InvokeFunction",
      functionName: this.processor.function.functionName,
      principal: "logs.amazonaws.com",
      sourceArn: logGroupsPermissionSourceArn(props.region, props.accountId),
      sourceAccount: props.accountId,
    });

    const created = new Map(props.createdLogGroups.map((group) => [group.nameInput, group]));
    const listed = props.logGroupNames ?? [];
    this.subscriptions = listed.map(
      (logGroupName) =>
        new WafLogSubscription(this, logGroupConstructId(logGroupName), {
          logGroupName,
          functionArn: this.processor.function.arn,
          permission: this.logGroupsPermission,
          filterName: names.subscriptionFilter,
          logGroup: created.get(logGroupName),
          forgetLegacyPermission: props.forgetLegacyPermissions,
        }),
    );

    const { discovery } = props;
    if (discovery === undefined) {
      this.discoveredLogGroups = undefined;
      this.discoveredSubscriptionFilters = undefined;
      this.subscribedLogGroupNames = [...listed];
    } else {
      this.discoveredLogGroups = new DataAwsCloudwatchLogGroups(this, "DiscoveredLogGroups", {
        logGroupNamePrefix: discovery.prefix,
      });
      const found = this.discoveredLogGroups.logGroupNames;
      this.subscribedLogGroupNames =
        discovery.exclude.length === 0 ? found : Fn.tolist(Fn.setsubtract(found, discovery.exclude));
      const each = TerraformIterator.fromList(this.subscribedLogGroupNames);
      this.discoveredSubscriptionFilters = new CloudwatchLogSubscriptionFilter(
        this,
        "DiscoveredSubscriptionFilter",
        {
          forEach: each,
          name: names.subscriptionFilter,
          logGroupName: each.value as string,
          // The empty pattern forwards every log event.
          filterPattern: "",
          destinationArn: this.processor.function.arn,
          dependsOn: [this.logGroupsPermission],
        },
      );
    }

    this.alarms = metricAlarms.createMetricAlarms(this, forwarderAlarmDefinitions(props), props.alarmTopic);
    const deliveryGroup = new Construct(this, "DeliveryAlarms");
    // Per listed log group; discovered log groups are known only at plan time and get none (docs/estate.md).
    this.deliveryAlarms = new Map(
      listed.map((logGroupName) => [
        logGroupName,
        metricAlarms.createMetricAlarms(
          deliveryGroup,
          deliveryAlarmDefinitions(props, logGroupName),
          props.alarmTopic,
          logGroupConstructId(logGroupName),
        ),
      ]),
    );

    this.dashboardWidgets = forwarderDashboardSections({
      props,
      failureStoreBucketName: this.failureStore.bucket.bucketInput ?? "",
      alarmNames: [
        ...Object.values(this.alarms).map((alarm) => alarm!.alarmNameInput ?? ""),
        ...[...this.deliveryAlarms.values()].flatMap((alarms) =>
          Object.values(alarms).map((alarm) => alarm!.alarmNameInput ?? ""),
        ),
      ],
    });
    this.dashboard = props.dashboard
      ? new WafLogDashboard(this, "Dashboard", {
          dashboardName: names.forwarderDashboard,
          region: props.region,
          title: `WAF log forwarder ${props.environmentName ?? props.name} (${props.accountId}, ${props.region})`,
          sections: this.dashboardWidgets,
        })
      : undefined;
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
  const store = `the failure store (s3://${props.failureStore.bucketName ?? failureStoreBucketName(props.name, props.accountId, props.region)}/${failureRecordPrefix(names.processorFunction)})`;
  const logGroup = names.processorLogGroup;
  const on = (enabled: boolean) => alarms.enabled && enabled;
  return {
    failureRecords: on(alarms.failureRecords.enabled)
      ? {
          alarmName: alarmNames.failureRecords,
          namespace: "AWS/Lambda",
          metricName: "AsyncEventsDropped",
          dimensions: fn,
          statistic: "Sum",
          periodSeconds: FAILURE_RECORDS_PERIOD_SECONDS,
          evaluationPeriods: FAILURE_RECORDS_HOLD_PERIODS,
          datapointsToAlarm: 1,
          comparisonOperator: "GreaterThanThreshold",
          threshold: alarms.failureRecords.threshold,
          treatMissingData: "notBreaching",
          description: `Lambda gave up on events of the processor ${names.processorFunction} (retries exhausted or older than the maximum event age) and wrote their on-failure records, with the whole event, to ${store}: those WAF log events are not in the archive yet. Find the cause in the log group ${logGroup} (or in the records' responsePayload), fix it, then run "${redrive} --dry-run" and "${redrive}". This alarm stays on for an hour after the last event given up.`,
        }
      : undefined,
    failureQueueMessages:
      props.keepFailureQueue && on(alarms.failureQueueMessages.enabled)
        ? metricAlarms.aboveThreshold({
            alarmName: alarmNames.failureQueueMessages,
            threshold: alarms.failureQueueMessages.threshold,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: failureQueue },
            description: `The legacy failure queue ${failureQueue} (on-failure destination before the failure store) holds events the processor gave up on: those WAF log events are not in S3. Run "${redrive} --dry-run" and "${redrive}" to process them again; once it is empty, remove it with keepFailureQueue: false.`,
          })
        : undefined,
    processorErrors: on(alarms.processorErrors.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.processorErrors,
          threshold: alarms.processorErrors.threshold,
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: fn,
          description: `Invocations of the processor ${names.processorFunction} failed in the last 5 minutes. Lambda retries each failed event twice, then writes it to ${store}, so nothing is lost yet. Read the errors in the log group ${logGroup}; once the cause is fixed, run "${redrive}".`,
        })
      : undefined,
    processorThrottles: on(alarms.processorThrottles.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.processorThrottles,
          threshold: alarms.processorThrottles.threshold,
          namespace: "AWS/Lambda",
          metricName: "Throttles",
          dimensions: fn,
          description: `Invocations of the processor ${names.processorFunction} were throttled in the last 5 minutes (the account's or the function's concurrency limit). Lambda retries throttled events until their maximum event age, then writes them to ${store}. Free or raise the Lambda concurrency quota, then run "${redrive}" for anything in the failure store.`,
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
          description: `Lambda could not write on-failure records of the processor ${names.processorFunction} to ${store} in the last 5 minutes and dropped them: those WAF log events are lost (not in the archive, not in the failure store, so the redrive cannot bring them back). Check that the processor role may s3:PutObject and s3:ListBucket on the failure store (and, with a customer-managed key, kms:GenerateDataKey on it, also in the key policy) and that the bucket exists. Fix the cause before more events fail. To recover the lost events, find the "subscription event failed" lines of that time in the log group ${logGroup}: each names the WAF log group and log stream, whose log events stay there until the log group's retention ends.`,
        })
      : undefined,
  };
}

/** Period of the failure-records alarm, in seconds: Lambda publishes its metrics per minute. */
export const FAILURE_RECORDS_PERIOD_SECONDS = 60;

/**
 * Periods the failure-records alarm looks back (1 breaching data point of these sets it off): it stays
 * in ALARM for an hour after the last event given up, long enough for an operator to see it.
 */
export const FAILURE_RECORDS_HOLD_PERIODS = 60;

/** Period of the delivery alarms, in seconds. CloudWatch Logs publishes its metrics every minute. */
export const DELIVERY_ALARM_PERIOD_SECONDS = 300;

/**
 * The `DestinationType` value of the subscription metrics for a Lambda destination. AWS documents the
 * dimension ("AWS Lambda, Amazon Kinesis Data Streams, or Amazon Data Firehose") but not its values;
 * the skipped-log-events alarm also reads the metric without this dimension, see
 * {@link deliveryAlarmDefinitions}.
 */
export const LAMBDA_DESTINATION_TYPE = "Lambda";

/** `'<value>'` for a Metrics Insights query (a single quote inside doubled, as SQL does). */
function insightsString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The delivery alarms of one WAF log group; `undefined` for one turned off.
 *
 * CloudWatch Logs publishes `ForwardedLogEvents`, `DeliveryErrors` and `DeliveryThrottling` with the
 * dimensions `LogGroupName`, `DestinationType` and `FilterName`, as AWS documents them
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html),
 * while aws-cdk-lib's generated metric list (`logs-canned-metrics.generated.ts`, from CloudWatch's own
 * metric metadata) gives them `LogGroupName` only; `IncomingLogEvents` has `LogGroupName` in both. The
 * alarms hold under either:
 * - delivery errors and throttling: a Metrics Insights query `SELECT SUM(…) FROM "AWS/Logs" WHERE
 *   LogGroupName = '<group>'`, which adds up every series of that log group whatever its other
 *   dimensions. It counts every subscription filter of the log group (at most two; the other one's
 *   errors are worth knowing too), and fires above the threshold;
 * - skipped log events: metric math `100 × (in − fwd) / in` with `in` = `IncomingLogEvents` and `fwd`
 *   the larger of `ForwardedLogEvents` with all three dimensions (this filter, destination type
 *   {@link LAMBDA_DESTINATION_TYPE}) and `ForwardedLogEvents` by log group only divided by the number of
 *   subscription filters on the group (missing series count as 0). A window the subscription filter was
 *   disabled in shows as a share of log events not forwarded.
 */
function deliveryAlarmDefinitions(
  props: ResolvedWafLogForwarderProps,
  logGroupName: string,
): Record<DeliveryAlarmKey, AlarmDefinition | undefined> {
  const { alarms } = props;
  const names = forwarderResourceNames(props.name);
  const alarmNames = deliveryAlarmNames(props.name, logGroupName);
  const on = (enabled: boolean) => alarms.enabled && enabled;
  const filters = 1 + (props.otherSubscriptionFilters[logGroupName] ?? 0);
  const insights = (metric: string) =>
    `SELECT SUM(${metric}) FROM "AWS/Logs" WHERE LogGroupName = ${insightsString(logGroupName)}`;
  const runbook = 'docs/alarms-encryption.md, "Runbook"';
  const subscriptionMetric = (metricName: string, dimensions: Record<string, string>) => ({
    namespace: "AWS/Logs",
    metricName,
    dimensions,
    statistic: "Sum" as const,
    periodSeconds: DELIVERY_ALARM_PERIOD_SECONDS,
  });
  return {
    deliveryErrors: on(alarms.deliveryErrors.enabled)
      ? {
          alarmName: alarmNames.deliveryErrors,
          queries: [
            {
              id: "errors",
              expression: insights("DeliveryErrors"),
              periodSeconds: DELIVERY_ALARM_PERIOD_SECONDS,
              label: `DeliveryErrors of ${logGroupName}`,
              returnData: true,
            },
          ],
          comparisonOperator: "GreaterThanThreshold",
          threshold: alarms.deliveryErrors.threshold,
          treatMissingData: "notBreaching",
          description: `CloudWatch Logs got errors delivering log events of ${logGroupName} to a subscription destination (the processor ${names.processorFunction} through the subscription filter ${names.subscriptionFilter}, or another filter of the log group). After a non-retryable error (access denied, function not found) CloudWatch Logs disables the subscription filter for up to 10 minutes and skips the log events of that window. Check the processor's resource policy (lambda:InvokeFunction for logs.amazonaws.com) and that the function exists; the skipped log events are still in ${logGroupName}: replay that window (${runbook}).`,
        }
      : undefined,
    deliveryThrottling: on(alarms.deliveryThrottling.enabled)
      ? {
          alarmName: alarmNames.deliveryThrottling,
          queries: [
            {
              id: "throttling",
              expression: insights("DeliveryThrottling"),
              periodSeconds: DELIVERY_ALARM_PERIOD_SECONDS,
              label: `DeliveryThrottling of ${logGroupName}`,
              returnData: true,
            },
          ],
          comparisonOperator: "GreaterThanThreshold",
          threshold: alarms.deliveryThrottling.threshold,
          treatMissingData: "notBreaching",
          description: `CloudWatch Logs was throttled delivering log events of ${logGroupName} to a subscription destination (Lambda concurrency of ${names.processorFunction}). CloudWatch Logs retries throttled deliveries for a while; sustained throttling loses log events. Free or raise the Lambda concurrency quota (${runbook}).`,
        }
      : undefined,
    skippedLogEvents: on(alarms.skippedLogEvents.enabled)
      ? {
          alarmName: alarmNames.skippedLogEvents,
          queries: [
            {
              id: "incoming",
              metric: subscriptionMetric("IncomingLogEvents", { LogGroupName: logGroupName }),
            },
            {
              id: "forwardedByFilter",
              metric: subscriptionMetric("ForwardedLogEvents", {
                LogGroupName: logGroupName,
                DestinationType: LAMBDA_DESTINATION_TYPE,
                FilterName: names.subscriptionFilter,
              }),
            },
            {
              id: "forwardedByGroup",
              metric: subscriptionMetric("ForwardedLogEvents", { LogGroupName: logGroupName }),
            },
            {
              id: "skippedPercent",
              expression: `IF(incoming > 0, 100 * (incoming - MAX([FILL(forwardedByFilter, 0), FILL(forwardedByGroup, 0) / ${filters}])) / incoming, 0)`,
              label: `% of log events of ${logGroupName} not forwarded`,
              returnData: true,
            },
          ],
          comparisonOperator: "GreaterThanThreshold",
          threshold: alarms.skippedLogEvents.thresholdPercent,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: "notBreaching",
          description: `More than ${alarms.skippedLogEvents.thresholdPercent} % of the log events that arrived in ${logGroupName} were not forwarded to the processor ${names.processorFunction} in 2 of the last 3 five-minute periods. A subscription filter that CloudWatch Logs disabled after a delivery error skips every log event of its window; a deleted subscription filter forwards nothing. Check that ${logGroupName} still has the subscription filter ${names.subscriptionFilter} and look at the delivery-errors alarm; then replay the skipped window from the log group (${runbook}).`,
        }
      : undefined,
  };
}

/**
 * Names of the processor's EMF metrics (namespace {@link METRICS_NAMESPACE}, dimension `Environment`)
 * that the dashboard shows, as `functions/waf-log-processor/index.ts` publishes them.
 */
export const PROCESSOR_DASHBOARD_METRICS = [
  "LogEventsIn",
  "LinesWritten",
  "ObjectsWritten",
  "DuplicateDeliveries",
] as const;

/** What {@link forwarderDashboardSections} needs. */
interface ForwarderDashboardInput {
  readonly props: ResolvedWafLogForwarderProps;
  readonly failureStoreBucketName: string;
  /** Every alarm of the forwarder (its own and the delivery alarms). */
  readonly alarmNames: readonly string[];
}

/**
 * Most "log events in vs forwarded" graphs a dashboard gets: up to this many log groups each get a graph
 * of their own; more share graphs, so the dashboard stays readable and within CloudWatch's 500 widgets
 * and 2,500 metrics per dashboard (`DASHBOARD_MAX_WIDGETS` in `waf-log-dashboard.ts`).
 */
export const MAX_LOG_GROUP_GRAPHS = 24;

/** Log groups per "in vs forwarded" graph for `count` log groups: 1, or as many as keep the graphs ≤ {@link MAX_LOG_GROUP_GRAPHS}. */
export function logGroupsPerGraph(count: number): number {
  return Math.max(1, Math.ceil(count / MAX_LOG_GROUP_GRAPHS));
}

/** `SEARCH(…)` of an `AWS/Logs` metric of one log group, whatever its other dimensions (dashboards only). */
function logsSearch(metricName: string, logGroupName: string, id: string, label: string): unknown[] {
  return [
    {
      expression: `SEARCH('Namespace="AWS/Logs" MetricName="${metricName}" LogGroupName="${logGroupName}"', 'Sum', 300)`,
      id,
      label,
    },
  ];
}

/**
 * The forwarder's part of a dashboard: per log group the log events in against forwarded, delivery
 * errors and throttling; the processor's invocations, errors, throttles, duration and asynchronous
 * events; the records and objects it wrote (its EMF metrics); the failure store; every alarm's state.
 */
function forwarderDashboardSections(input: ForwarderDashboardInput): DashboardSection[] {
  const { props } = input;
  const { region } = props;
  const names = forwarderResourceNames(props.name);
  const fn = { FunctionName: names.processorFunction };
  const lambda = (metricName: string, options: Record<string, unknown> = {}) =>
    metric("AWS/Lambda", metricName, fn, options);
  const environment = { Environment: props.environmentName ?? props.name };
  // Listed log groups only: discovered ones are known at plan time, not at synth.
  const listed = props.logGroupNames ?? [];
  const perGraph = logGroupsPerGraph(listed.length);
  const logGroups: DashboardWidget[] = [];
  for (let start = 0; start < listed.length; start += perGraph) {
    const part = listed.slice(start, start + perGraph);
    // One log group per graph: short labels; several: each label names its log group.
    const label = (group: string, what: string) => (perGraph === 1 ? what : `${group} ${what}`);
    const title =
      part.length === 1 ? part[0]! : `${part[0]} … ${part[part.length - 1]} (${part.length} log groups)`;
    logGroups.push(
      graph(
        `${title}: log events in vs forwarded`,
        region,
        part.flatMap((logGroupName, offset) => {
          const index = start + offset;
          return [
            metric(
              "AWS/Logs",
              "IncomingLogEvents",
              { LogGroupName: logGroupName },
              { label: label(logGroupName, "in") },
            ),
            logsSearch("ForwardedLogEvents", logGroupName, `fwd${index}`, label(logGroupName, "forwarded")),
            logsSearch("DeliveryErrors", logGroupName, `err${index}`, label(logGroupName, "delivery errors")),
            logsSearch(
              "DeliveryThrottling",
              logGroupName,
              `thr${index}`,
              label(logGroupName, "delivery throttling"),
            ),
          ];
        }),
      ),
    );
  }
  const failureStore = [
    graph("Events given up (failure records written) and lost deliveries", region, [
      lambda("AsyncEventsDropped", { label: "given up: records in the failure store" }),
      lambda("DestinationDeliveryFailures", { label: "record not delivered: lost" }),
    ]),
    graph(
      "Objects in the failure store (daily)",
      region,
      [
        metric(
          "AWS/S3",
          "NumberOfObjects",
          { BucketName: input.failureStoreBucketName, StorageType: "AllStorageTypes" },
          { label: "objects" },
        ),
      ],
      { stat: "Average", periodSeconds: 86_400 },
    ),
    ...(props.keepFailureQueue
      ? [
          graph(
            "Legacy failure queue (drain with the redrive)",
            region,
            [metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: names.failureQueue })],
            { stat: "Maximum" },
          ),
        ]
      : []),
  ];
  return [
    {
      title: "WAF log groups: log events in vs forwarded, delivery errors and throttling",
      widgets: logGroups,
    },
    {
      title: `Processor ${names.processorFunction}`,
      widgets: [
        graph("Invocations", region, [
          lambda("Invocations"),
          lambda("AsyncEventsReceived", { label: "events received" }),
        ]),
        graph("Errors and throttles", region, [lambda("Errors"), lambda("Throttles")]),
        graph("Duration (ms)", region, [
          lambda("Duration", { stat: "Average" }),
          lambda("Duration", { stat: "Maximum" }),
        ]),
        graph("Age of the oldest waiting event (ms)", region, [lambda("AsyncEventAge", { stat: "Maximum" })]),
        graph(
          "Records and objects written",
          region,
          PROCESSOR_DASHBOARD_METRICS.map((name) => metric(METRICS_NAMESPACE, name, environment)),
        ),
      ],
    },
    { title: "Failure store", widgets: failureStore },
    { title: "Forwarder alarms", widgets: alarmWidgets("Alarms", region, props.accountId, input.alarmNames) },
  ];
}
