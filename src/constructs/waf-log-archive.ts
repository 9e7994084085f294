import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Token, dependable } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import {
  BUCKET_NAME_RULES,
  DEFAULT_KEY_PREFIX,
  KEY_PREFIX_RULES,
  bucketNameProblem,
  keyPrefixProblem,
} from "../../functions/waf-log-processor/environment";
import { CortexReaderRole } from "./cortex-reader-role";
import {
  ARCHIVE_KMS_KEY_RULES,
  archiveKmsKeyArnProblem,
  keyRegionProblem,
  kmsKeyRegion,
} from "./kms-key-arn";
import type { WafS3LogSource } from "./waf-s3-log-source";
import { LANDING_BUCKET_RULES, landingBucketNameProblem } from "../waf-s3-logs";
import { EXTERNAL_ID_RULES, externalIdProblem } from "./external-id";
import {
  LogArchiveBucket,
  lifecycleSchema,
  objectLockSchema,
  transitionMinimumObjectSizeSchema,
} from "./log-archive-bucket";
import * as metricAlarms from "./metric-alarms";
import type { AlarmDefinition } from "./metric-alarms";
import { archiveAlarmNames, archiveResourceNames } from "./names";
import { type DashboardSection, WafLogDashboard, alarmWidgets, graph, metric } from "./waf-log-dashboard";
import { NotificationQueues, queueSchema } from "./notification-queues";
import { PipelineKey, encryptionSchema } from "./pipeline-key";
import { PipelineKeyPolicy } from "./pipeline-key-policy";
import { versioningSchema } from "./secure-bucket";
import { addSuppressions } from "../rules/suppressions";
import {
  type ConditionalWriters,
  ROLE_ARN_PATTERN,
  organizationIdSchema,
  roleArnListSchema,
} from "./writer-grants";
import { partitionOf } from "../iam-policy";
import {
  ACCOUNT_ID_PATTERN,
  ValidationError,
  accountIdSchema,
  allowed,
  checkedString,
  parseWith,
  regionSchema,
  resourceNameSchema,
  wholeNumber,
} from "./validation";

/** AWS account of Palo Alto Cortex XDR / XSIAM that assumes the reader role (commercial tenants). */
export const CORTEX_ACCOUNT_ID = "006742885340";

/** AWS account of Cortex XDR / XSIAM for FedRAMP tenants. */
export const CORTEX_FEDRAMP_ACCOUNT_ID = "685269782068";

/**
 * What is wrong with `accountId` as the account Cortex assumes the reader role from, or `undefined`:
 * only Cortex's own accounts (commercial and FedRAMP) are accepted unless `custom` says that another
 * account is meant. A typo here would hand the role to whoever owns that account.
 *
 * @param field how the message names the switch, e.g. `customCortexAccount` or `cortex.customAccount`
 * @returns a phrase starting with "must", with the value
 */
export function cortexAccountProblem(accountId: string, custom: boolean, field: string): string | undefined {
  if (custom || accountId === CORTEX_ACCOUNT_ID || accountId === CORTEX_FEDRAMP_ACCOUNT_ID) return undefined;
  return `must be the account Cortex assumes roles from, ${CORTEX_ACCOUNT_ID} (commercial) or ${CORTEX_FEDRAMP_ACCOUNT_ID} (FedRAMP); set ${field}: true if another account is really meant, got ${JSON.stringify(accountId)}`;
}

/** A bucket name checked against the S3 naming rules (a Terraform reference is accepted unchecked). */
export const bucketNameSchema = checkedString((name) => {
  const problem = bucketNameProblem(name);
  return problem === undefined ? undefined : `${BUCKET_NAME_RULES}: ${problem}`;
}, BUCKET_NAME_RULES);

/** A key prefix as the processor accepts it (see `keyPrefixProblem`). @default "raw/" */
export const keyPrefixSchema = checkedString(keyPrefixProblem, KEY_PREFIX_RULES).default(DEFAULT_KEY_PREFIX);

/** The archive's CloudWatch alarms: what fails on the Cortex side of the bucket. */
export const archiveAlarmsObject = z.strictObject({
  /** `false` turns every alarm of the archive off. @default true */
  enabled: metricAlarms.alarmEnabledSchema,
  /** Dead-letter queue has visible messages: notifications Cortex failed to consume. @default on, threshold 0 */
  deadLetterQueueMessages: metricAlarms.countAlarmSchema("messages"),
  /** Notification queue `ApproximateAgeOfOldestMessage`: Cortex stopped reading. @default on, 1800 s */
  notificationQueueAge: metricAlarms.messageAgeAlarmSchema,
});

/** {@link archiveAlarmsObject}, every field optional. */
export const archiveAlarmsSchema = archiveAlarmsObject.prefault({});

/**
 * Props of {@link WafLogArchive}. This schema is the one place their rules and defaults are written;
 * the configuration file's schema (`src/config.ts`) is built from its fields.
 */
export const wafLogArchivePropsSchema = z
  .strictObject({
    /** Prefix of every resource name (≤ 40 of `[A-Za-z0-9_-]`), e.g. `waf-log-pipeline-prod` → `waf-log-pipeline-prod-notifications`. */
    name: resourceNameSchema,
    /** AWS account of the archive (12 digits): the only `aws:SourceAccount` S3 may notify for. */
    accountId: accountIdSchema,
    /** AWS region of the archive, e.g. `eu-west-1`. */
    region: regionSchema,
    /** Name of the log bucket (S3 naming rules; globally unique). */
    bucketName: bucketNameSchema,
    /** Key prefix of the log objects: the only place writers may write and Cortex may read. @default "raw/" */
    keyPrefix: keyPrefixSchema,
    /** Storage-class transitions and expiration of the log objects. @default 30 / 90 / 365 / 2555 days */
    lifecycle: lifecycleSchema,
    /** Which objects lifecycle transitions skip by size. @default "all_storage_classes_128K" */
    transitionDefaultMinimumObjectSize: transitionMinimumObjectSizeSchema,
    /** Days after which incomplete multipart uploads under the prefix are aborted (1–365). @default 7 */
    abortIncompleteMultipartUploadDays: wholeNumber(
      1,
      365,
      "must be a whole number of days from 1 to 365",
    ).default(7),
    /** Notification queue and dead-letter queue. @default 900 s visibility, 3 receives, 14 days */
    queue: queueSchema,
    /**
     * AWS account Cortex assumes the reader role from: Cortex's commercial or FedRAMP account, or any
     * account with `customCortexAccount: true`. @default "006742885340" (FedRAMP: "685269782068")
     */
    cortexAccountId: accountIdSchema.default(CORTEX_ACCOUNT_ID),
    /** `true` when `cortexAccountId` is deliberately an account other than Cortex's own. @default false */
    customCortexAccount: z.boolean({ error: allowed("must be true or false") }).default(false),
    /**
     * The external ID Cortex presents (`sts:ExternalId`): a reference to a sensitive variable (checked by
     * Terraform preconditions at plan time), or a literal, checked here by the same rules
     * (see `externalIdProblem`).
     */
    externalId: z
      .string({
        error: `is required: a reference to the sensitive external ID variable, or a value that ${EXTERNAL_ID_RULES}`,
      })
      .superRefine((value, ctx) => {
        // The value is a secret: the message says what is wrong, never what it is. A reference (a token,
        // or a `${…}` expression, which no literal external ID can contain) is checked at plan time.
        if (Token.isUnresolved(value) || value.includes("${")) return;
        const problem = externalIdProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      }),
    /** How error messages name the external ID, e.g. the variable `cortex_external_id`. @default "externalId" */
    externalIdName: z.string().min(1).default("externalId"),
    /** Encryption at rest of the bucket and queues. @default {"type": "sse"} */
    encryption: encryptionSchema,
    /** S3 Versioning of the log bucket, and days noncurrent versions are kept. @default on, 30 days */
    versioning: versioningSchema(30),
    /**
     * S3 Object Lock (WORM) on the log bucket: `mode` GOVERNANCE or COMPLIANCE and a default retention in
     * days. Needs versioning; cannot be turned off once applied. @default undefined (off)
     */
    objectLock: objectLockSchema.optional(),
    /** Whether the archive creates its own CloudWatch dashboard (`WafLogPipeline` makes one for both). @default true */
    dashboard: z.boolean({ error: allowed("must be true or false") }).default(true),
    /** Which archive alarms exist and their thresholds. @default every alarm on */
    alarms: archiveAlarmsSchema,
    /** Where the alarms send state changes. @default undefined (no actions) */
    alarmTopic: metricAlarms.alarmTopicSchema,
    /**
     * ARNs of the roles of writers in other stacks (forwarders in other accounts or regions), which may
     * not exist yet: the bucket policy and the created key's policy admit exactly these roles by
     * condition (`aws:PrincipalArn`, `aws:PrincipalAccount`), never by naming them as principals, so the
     * stacks apply in any order. A writer of this stack uses {@link WafLogArchive.grantWrite}. @default []
     */
    writerRoleArns: roleArnListSchema.default([]),
    /** AWS Organizations id the writers' accounts must belong to (`aws:PrincipalOrgID`). @default undefined (not checked) */
    writerOrganizationId: organizationIdSchema.optional(),
  })
  .superRefine((props, ctx) => {
    if (props.writerOrganizationId !== undefined && (props.writerRoleArns ?? []).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["writerOrganizationId"],
        message: "applies only to writerRoleArns: list the writers' roles, or remove it",
      });
    }
    if (typeof props.region === "string") {
      const partition = partitionOf(props.region);
      (Array.isArray(props.writerRoleArns) ? props.writerRoleArns : []).forEach((arn, index) => {
        const rolePartition = ROLE_ARN_PATTERN.exec(arn)?.[1];
        if (rolePartition !== undefined && rolePartition !== partition) {
          ctx.addIssue({
            code: "custom",
            path: ["writerRoleArns", index],
            message: `must be a role in the archive's partition ${partition} (no AWS policy admits a principal of another partition), got ${JSON.stringify(arn)}`,
          });
        }
      });
    }
    // Runs even when fields failed (zod reports them): read them defensively.
    const encryption = props.encryption as Partial<typeof props.encryption> | undefined;
    if (encryption?.type === "kms" && typeof encryption.keyArn === "string") {
      const problem = keyRegionProblem(encryption.keyArn, props.region);
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", path: ["encryption", "keyArn"], message: problem });
    }
    if (typeof props.cortexAccountId === "string" && ACCOUNT_ID_PATTERN.test(props.cortexAccountId)) {
      const problem = cortexAccountProblem(
        props.cortexAccountId,
        props.customCortexAccount === true,
        "customCortexAccount",
      );
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", path: ["cortexAccountId"], message: problem });
    }
    if (props.objectLock !== undefined && props.versioning?.enabled === false) {
      ctx.addIssue({
        code: "custom",
        path: ["objectLock"],
        message:
          "needs versioning.enabled: S3 enables Object Lock only on a versioned bucket (remove objectLock or turn versioning on)",
      });
    }
  });

/** What {@link WafLogArchive} accepts (fields with defaults optional). */
export type WafLogArchiveProps = z.input<typeof wafLogArchivePropsSchema>;

/** {@link WafLogArchiveProps} with every default applied. */
export type ResolvedWafLogArchiveProps = z.output<typeof wafLogArchivePropsSchema>;

/**
 * Where a forwarder writes: the archive's bucket, key prefix and key, as plain names and ARNs, so a
 * forwarder in another stack (or account, or region) can take it without the {@link WafLogArchive}.
 */
export const archiveDestinationSchema = z
  .strictObject({
    /** Name of the log bucket. */
    bucketName: bucketNameSchema,
    /** ARN of the log bucket. @default `arn:<partition of the forwarder's region>:s3:::<bucketName>` */
    bucketArn: z.string().optional(),
    /**
     * Region of the log bucket, when it is not the forwarder's: the processor sends its requests to S3 in
     * that region (a request to another region's endpoint gets `301 PermanentRedirect`). @default the forwarder's region
     */
    bucketRegion: regionSchema.optional(),
    /** Key prefix the objects go under. @default "raw/" */
    keyPrefix: keyPrefixSchema,
    /**
     * The customer-managed key that encrypts the bucket, when it is not SSE-S3: its ARN, or
     * `arn:<partition>:kms:<region>:<account>:key/*` when another stack creates it (the processor may then
     * use keys of that account and region only through S3, `kms:ViaService`). In the bucket's region
     * (S3 uses only keys of its own region). @default undefined
     */
    kmsKeyArn: checkedString(archiveKmsKeyArnProblem, ARCHIVE_KMS_KEY_RULES).optional(),
  })
  .superRefine((destination, ctx) => {
    const keyRegion =
      typeof destination.kmsKeyArn === "string" ? kmsKeyRegion(destination.kmsKeyArn) : undefined;
    if (
      keyRegion !== undefined &&
      typeof destination.bucketRegion === "string" &&
      keyRegion !== destination.bucketRegion
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["kmsKeyArn"],
        message: `must be a key in ${destination.bucketRegion}, the bucket's region (S3 uses only keys in its own Region), got a key in ${keyRegion}`,
      });
    }
  });

/** An archive given as names and ARNs. */
export type ArchiveDestination = z.input<typeof archiveDestinationSchema>;

/**
 * A WAF landing bucket (an `s3` source, see {@link WafS3LogSource}) the archive serves, as names and ARNs,
 * so the archive's stack can admit a bucket another stack (or account) creates.
 */
export const s3SourceGrantSchema = z.strictObject({
  /** Name of the `aws-waf-logs-…` bucket. */
  bucketName: checkedString(landingBucketNameProblem, LANDING_BUCKET_RULES),
  /** Account that owns the bucket (12 digits): the `aws:SourceAccount` of its notifications. */
  accountId: accountIdSchema,
  /**
   * The customer-managed key of the bucket, when it is not SSE-S3: its ARN, or
   * `arn:<partition>:kms:<region>:<account>:key/*` when another stack creates it (the reader role may then
   * decrypt with keys of that account and region through S3 only). @default undefined
   */
  kmsKeyArn: checkedString(archiveKmsKeyArnProblem, ARCHIVE_KMS_KEY_RULES).optional(),
});

/** What {@link WafLogArchive.admitS3Source} accepts besides a {@link WafS3LogSource}. */
export type S3SourceGrant = z.input<typeof s3SourceGrantSchema>;

/**
 * One archive for WAF logs, the side Cortex reads: the log bucket (encryption, no public access,
 * TLS only, lifecycle; see {@link LogArchiveBucket}), the queue S3 notifies of every new object and its
 * dead-letter queue ({@link NotificationQueues}), the role Cortex assumes with the external ID
 * ({@link CortexReaderRole}), with `encryption: "kms"` a customer-managed key and its key policy
 * ({@link PipelineKey}, {@link PipelineKeyPolicy}), and the archive's alarms (dead-letter queue
 * messages, age of the oldest notification).
 *
 * Writers (forwarders) are admitted with {@link grantWrite}; nothing outside edits the archive's
 * policies. A forwarder elsewhere takes {@link destination} (names and ARNs).
 *
 * Resource names: see `archiveResourceNames` and `archiveAlarmNames` (`src/constructs/names.ts`).
 *
 * @throws ValidationError listing every invalid prop, with its path
 */
export class WafLogArchive extends Construct {
  /** The props with every default applied. */
  public readonly props: ResolvedWafLogArchiveProps;
  public readonly logArchiveBucket: LogArchiveBucket;
  public readonly notificationQueues: NotificationQueues;
  public readonly cortexReaderRole: CortexReaderRole;
  /** The key the archive creates for `encryption: {"type": "kms"}` without a `keyArn`. */
  public readonly pipelineKey: PipelineKey | undefined;
  /** The key policy of {@link pipelineKey}. */
  public readonly pipelineKeyPolicy: PipelineKeyPolicy | undefined;
  /** ARN of the customer-managed key (created or given) that encrypts the data; undefined for SSE. */
  public readonly kmsKeyArn: string | undefined;
  /** The enabled alarms, by key. */
  public readonly alarms: ReturnType<
    typeof metricAlarms.createMetricAlarms<keyof ReturnType<typeof archiveAlarmNames>>
  >;
  /** Where a forwarder writes, as references to this archive's resources. */
  public readonly destination: ArchiveDestination & { readonly bucketArn: string };
  /** The writers of other stacks the bucket and key policies admit by condition (`writerRoleArns`). */
  public readonly conditionalWriters: ConditionalWriters | undefined;
  /** The widgets this archive contributes to a dashboard (its own, or a pipeline's). */
  public readonly dashboardWidgets: readonly DashboardSection[];
  /** The archive's own dashboard, unless `dashboard: false`. */
  public readonly dashboard: WafLogDashboard | undefined;

  private readonly grantedWriterRoleArns: string[] = [];
  private readonly s3Sources: { bucketArn: string; accountId: string; kmsKeyArn?: string }[] = [];
  private cloudWatchAlarmsUseKey = false;

  constructor(scope: Construct, id: string, input: WafLogArchiveProps) {
    super(scope, id);
    const props = parseWith(wafLogArchivePropsSchema, input, "WafLogArchive props");
    this.props = props;
    this.conditionalWriters =
      props.writerRoleArns.length === 0
        ? undefined
        : {
            roleArns: props.writerRoleArns,
            ...(props.writerOrganizationId === undefined
              ? {}
              : { organizationId: props.writerOrganizationId }),
          };
    const names = archiveResourceNames(props.name);
    const { encryption } = props;

    this.pipelineKey =
      encryption.type === "kms" && encryption.keyArn === undefined
        ? new PipelineKey(this, "PipelineKey", {
            aliasName: names.keyAlias,
            description: `Encrypts the WAF log objects, queues and alarm topic of ${props.name}`,
          })
        : undefined;
    this.kmsKeyArn = encryption.type === "kms" ? (encryption.keyArn ?? this.pipelineKey?.key.arn) : undefined;
    const { kmsKeyArn } = this;

    this.logArchiveBucket = new LogArchiveBucket(this, "LogArchiveBucket", {
      kmsKeyArn,
      bucketName: props.bucketName,
      keyPrefix: props.keyPrefix,
      lifecycle: props.lifecycle,
      transitionDefaultMinimumObjectSize: props.transitionDefaultMinimumObjectSize,
      abortIncompleteMultipartUploadDays: props.abortIncompleteMultipartUploadDays,
      writers: this.conditionalWriters,
      versioning: props.versioning,
      objectLock: props.objectLock,
    });
    const { bucket } = this.logArchiveBucket;
    if (!props.versioning.enabled) {
      addSuppressions(this.logArchiveBucket, [
        {
          id: "WLP-S3-4",
          reason:
            "versioning of the log bucket is turned off in the archive's props (versioning.enabled: false)",
        },
      ]);
    }

    this.notificationQueues = new NotificationQueues(this, "NotificationQueues", {
      kmsKeyArn,
      queueName: names.notificationQueue,
      deadLetterQueueName: names.deadLetterQueue,
      bucketName: bucket.id,
      bucketArn: bucket.arn,
      accountId: props.accountId,
      keyPrefix: props.keyPrefix,
      queue: props.queue,
      otherSourceBuckets: () => this.s3Sources,
    });

    this.cortexReaderRole = new CortexReaderRole(this, "CortexReaderRole", {
      roleName: names.cortexReaderRole,
      cortexAccountId: props.cortexAccountId,
      externalId: props.externalId,
      externalIdName: props.externalIdName,
      region: props.region,
      bucketArn: bucket.arn,
      keyPrefix: props.keyPrefix,
      queueArn: this.notificationQueues.queue.arn,
      kmsKeyArn,
      s3Sources: () => this.s3Sources,
    });

    if (this.pipelineKey !== undefined) {
      this.pipelineKeyPolicy = new PipelineKeyPolicy(this, "PipelineKeyPolicy", {
        keyId: this.pipelineKey.key.keyId,
        accountId: props.accountId,
        region: props.region,
        cortexReaderRoleArn: this.cortexReaderRole.role.arn,
        logBucketArn: bucket.arn,
        writerRoleArns: () => this.grantedWriterRoleArns,
        conditionalWriters: this.conditionalWriters,
        allowCloudWatchAlarms: () => this.cloudWatchAlarmsUseKey,
        s3SourceBuckets: () => this.s3Sources,
      });
      // S3 sends a test event to the (encrypted) queue when the notification is configured.
      const notification = this.notificationQueues.bucketNotification;
      notification.dependsOn = [...(notification.dependsOn ?? []), dependable(this.pipelineKeyPolicy.policy)];
    }

    this.alarms = metricAlarms.createMetricAlarms(this, archiveAlarmDefinitions(props), props.alarmTopic);
    this.dashboardWidgets = archiveDashboardSections(
      props,
      Object.values(this.alarms).map((alarm) => alarm!.alarmNameInput ?? ""),
    );
    this.dashboard = props.dashboard
      ? new WafLogDashboard(this, "Dashboard", {
          dashboardName: names.archiveDashboard,
          region: props.region,
          title: `WAF log archive ${props.name} (${props.accountId}, ${props.region})`,
          sections: this.dashboardWidgets,
        })
      : undefined;
    this.destination = {
      bucketName: bucket.id,
      bucketArn: bucket.arn,
      keyPrefix: props.keyPrefix,
      ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }),
    };
  }

  /**
   * Lets `role` write log objects into the archive: with a key the archive created, its key policy
   * admits the role (`kms:GenerateDataKey`, `kms:Decrypt`). The role's own policy must allow
   * `s3:PutObject` under the key prefix (a {@link WafLogForwarder} given this archive does both).
   * For a role of this stack (and so of this account); writers of other stacks are `writerRoleArns`.
   */
  public grantWrite(role: IamRole): void {
    this.grantedWriterRoleArns.push(role.arn);
  }

  /**
   * Serves the WAF landing bucket of an `s3` source ({@link WafS3LogSource}): the notification queue's
   * policy admits S3 for that bucket (`aws:SourceArn`) and its owner (`aws:SourceAccount`); with a key the
   * archive created, its policy lets S3 encrypt that bucket's notifications; the reader role may
   * `s3:GetObject` under the bucket's `AWSLogs/` and, with `kmsKeyArn`, `kms:Decrypt` through S3. The
   * bucket's own policy admits the reader role (the source does that). A source of this stack also waits
   * for the queue policy (and key policy): S3 checks them when the notification configuration is created.
   * A source of another stack: apply the archive's stack first.
   *
   * The bucket must be in the archive's region: S3 notifies only a queue of the bucket's own Region
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
   * With a key you gave (`encryption.keyArn`), add the statement S3 needs to its policy yourself
   * (docs/choosing-a-source.md).
   *
   * @throws ValidationError for a bad bucket name, account or key, or a source or key in another region
   */
  public admitS3Source(source: WafS3LogSource | S3SourceGrant): void {
    const partition = partitionOf(this.props.region);
    if ("bucketNotification" in source) {
      if (source.props.region !== this.props.region) {
        throw new ValidationError("WafLogArchive.admitS3Source", [
          {
            path: "region",
            message: `must be the archive's region ${this.props.region} (S3 notifies only a queue of the bucket's own Region), got ${source.props.region}`,
          },
        ]);
      }
      this.s3Sources.push({
        bucketArn: `arn:${partition}:s3:::${source.props.bucketName}`,
        accountId: source.props.accountId,
        ...(source.kmsKeyArn === undefined ? {} : { kmsKeyArn: source.kmsKeyArn }),
      });
      const waitFor = [
        this.notificationQueues.queuePolicy,
        ...(this.pipelineKeyPolicy === undefined ? [] : [this.pipelineKeyPolicy.policy]),
      ];
      const notification = source.bucketNotification;
      notification.dependsOn = [
        ...(notification.dependsOn ?? []),
        ...waitFor.map((element) => dependable(element)),
      ];
      return;
    }
    const grant = parseWith(s3SourceGrantSchema, source, "WafLogArchive.admitS3Source");
    const keyRegion = grant.kmsKeyArn === undefined ? undefined : kmsKeyRegion(grant.kmsKeyArn);
    if (keyRegion !== undefined && keyRegion !== this.props.region) {
      throw new ValidationError("WafLogArchive.admitS3Source", [
        {
          path: "kmsKeyArn",
          message: `must be a key in ${this.props.region}, the region of the bucket (S3 uses only keys of its own Region), got a key in ${keyRegion}`,
        },
      ]);
    }
    this.s3Sources.push({
      bucketArn: `arn:${partition}:s3:::${grant.bucketName}`,
      accountId: grant.accountId,
      ...(grant.kmsKeyArn === undefined ? {} : { kmsKeyArn: grant.kmsKeyArn }),
    });
  }

  /**
   * Lets CloudWatch alarms of the archive's account publish to an SNS topic encrypted with the archive's
   * key (a created key's policy then admits `cloudwatch.amazonaws.com` for this account).
   */
  public grantAlarmPublishing(): void {
    this.cloudWatchAlarmsUseKey = true;
  }
}

/** The metric, condition and description of each archive alarm; `undefined` for one turned off. */
function archiveAlarmDefinitions(
  props: ResolvedWafLogArchiveProps,
): Record<keyof ReturnType<typeof archiveAlarmNames>, AlarmDefinition | undefined> {
  const { alarms } = props;
  const names = archiveResourceNames(props.name);
  const alarmNames = archiveAlarmNames(props.name);
  const on = (enabled: boolean) => alarms.enabled && enabled;
  return {
    deadLetterQueueMessages: on(alarms.deadLetterQueueMessages.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.deadLetterQueueMessages,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: names.deadLetterQueue },
          threshold: alarms.deadLetterQueueMessages.threshold,
          description: `The dead-letter queue ${names.deadLetterQueue} holds S3 event notifications that Cortex received ${props.queue.maxReceiveCount} times from ${names.notificationQueue} without deleting them: Cortex failed to consume them. The objects are still in the bucket. Check the Amazon S3 collector in Cortex and the reader role's access (S3, KMS), then move the messages back with the SQS console's "Start DLQ redrive" (or aws sqs start-message-move-task).`,
        })
      : undefined,
    notificationQueueAge: on(alarms.notificationQueueAge.enabled)
      ? metricAlarms.aboveThreshold({
          alarmName: alarmNames.notificationQueueAge,
          namespace: "AWS/SQS",
          metricName: "ApproximateAgeOfOldestMessage",
          dimensions: { QueueName: names.notificationQueue },
          threshold: alarms.notificationQueueAge.thresholdSeconds,
          description: `The oldest message on ${names.notificationQueue} is older than ${alarms.notificationQueueAge.thresholdSeconds} seconds: Cortex stopped reading the queue. Check that the Amazon S3 collector in Cortex is enabled and healthy, and that its role ARN, external ID and the reader role (incl. KMS access) are unchanged. Messages not read within the queue's retention are lost.`,
        })
      : undefined,
  };
}

/**
 * The archive's part of a dashboard: the notification queue Cortex reads (age of the oldest message,
 * messages waiting, sent and deleted), the dead-letter queue's depth, the bucket's size (daily), and
 * every alarm's state.
 */
function archiveDashboardSections(
  props: ResolvedWafLogArchiveProps,
  alarmNames: readonly string[],
): DashboardSection[] {
  const { region } = props;
  const names = archiveResourceNames(props.name);
  const queue = (queueName: string, metricName: string, label: string) =>
    metric("AWS/SQS", metricName, { QueueName: queueName }, { label });
  const bucket = (metricName: string, storageType: string) =>
    metric("AWS/S3", metricName, { BucketName: props.bucketName, StorageType: storageType });
  return [
    {
      title: `Archive: notifications to Cortex (${names.notificationQueue}) and the bucket`,
      widgets: [
        graph(
          "Age of the oldest notification (s): Cortex reading?",
          region,
          [queue(names.notificationQueue, "ApproximateAgeOfOldestMessage", "oldest")],
          { stat: "Maximum" },
        ),
        graph("Notifications sent by S3 and deleted by Cortex", region, [
          queue(names.notificationQueue, "NumberOfMessagesSent", "sent"),
          queue(names.notificationQueue, "NumberOfMessagesDeleted", "deleted"),
        ]),
        graph(
          "Dead-letter queue depth",
          region,
          [
            queue(names.deadLetterQueue, "ApproximateNumberOfMessagesVisible", "dead letters"),
            queue(names.notificationQueue, "ApproximateNumberOfMessagesVisible", "waiting"),
          ],
          { stat: "Maximum" },
        ),
        graph("Objects in the log bucket (daily)", region, [bucket("NumberOfObjects", "AllStorageTypes")], {
          stat: "Average",
          periodSeconds: 86_400,
        }),
        graph("Bytes in S3 Standard (daily)", region, [bucket("BucketSizeBytes", "StandardStorage")], {
          stat: "Average",
          periodSeconds: 86_400,
        }),
      ],
    },
    { title: "Archive alarms", widgets: alarmWidgets("Alarms", region, props.accountId, alarmNames) },
  ];
}
