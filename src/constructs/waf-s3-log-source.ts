/**
 * The `s3` source: AWS WAF writes its own log files straight into an S3 bucket (no CloudWatch Logs, no
 * Lambda), and S3 notifies the archive's queue, which Cortex reads with the archive's reader role.
 *
 * The AWS rules this construct relies on, each checked at synth where it can be:
 * - The bucket name starts with `aws-waf-logs-`; the bucket is in the web ACL's account (the one
 *   unconditional statement of the WAF developer guide; see docs/choosing-a-source.md for the documents
 *   that disagree); WAF writes `AWSLogs/<account>/WAFLogs/<region>/<web ACL>/YYYY/MM/dd/HH/mm/*.log.gz`
 *   every 5 minutes, files up to 75 MB; SSE-S3 or a customer-managed key, never an AWS managed key; the
 *   bucket policy statements `AWSLogDeliveryWrite` and `AWSLogDeliveryAclCheck` for
 *   `delivery.logs.amazonaws.com`; with a customer-managed key, a key policy statement for it.
 *   https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html
 * - The confused-deputy conditions of log delivery (`aws:SourceAccount`, `aws:SourceArn`
 *   `arn:<partition>:logs:<source region>:<source account>:*`, the same account in both):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
 * - "The Amazon SQS queue must be in the same Region as your Amazon S3 bucket", and a bucket has one
 *   notification configuration:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 * - The queue's policy admits `s3.amazonaws.com` for the bucket (`aws:SourceArn`) and its owner
 *   (`aws:SourceAccount`), in whichever account the queue is:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 * - S3 sends `Object Created` events to EventBridge (default bus of the bucket's account and region) once
 *   the bucket's notification configuration turns EventBridge on; `detail.object.size` is in bytes:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html; numeric matching:
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * - `AWS/Events` `MatchedEvents` with dimension `RuleName` (default bus):
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html. That page does not say
 *   whether a rule without targets counts its matches, so the rule has a target (a queue that keeps each
 *   large file's bucket, key and size for 14 days).
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import {
  denyInsecureTransport,
  partitionOf,
  policyDocument,
  s3ServiceHost,
  type PolicyStatement,
} from "../iam-policy";
import { addSuppressions } from "../rules/suppressions";
import {
  CORTEX_RECOMMENDED_MAX_OBJECT_BYTES,
  LANDING_BUCKET_RULES,
  WAF_MAX_LOG_FILE_BYTES,
  WAF_S3_KEY_PREFIX,
  WAF_S3_OBJECT_SUFFIX,
  landingBucketNameProblem,
} from "../waf-s3-logs";
import { keyRegionProblem } from "./kms-key-arn";
import { LogArchiveBucket, lifecycleSchema, transitionMinimumObjectSizeSchema } from "./log-archive-bucket";
import * as metricAlarms from "./metric-alarms";
import { s3SourceAlarmNames, s3SourceResourceNames } from "./names";
import { PipelineKey, encryptionSchema, queueEncryption } from "./pipeline-key";
import { versioningSchema } from "./secure-bucket";
import { ROLE_ARN_PATTERN } from "./writer-grants";
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
import {
  loggingFilterBlock,
  loggingFilterSchema,
  parseWebAclArn,
  redactedFieldBlock,
  wafLoggingSettingsSchema,
  webAclArnSchema,
} from "./waf-logging";

/** Id of the queue configuration in the bucket's notification configuration (S3 puts it in each message). */
export const WAF_LOG_FILES_NOTIFICATION_ID = "waf-log-files";

/** Days the large-file queue keeps a message (the SQS maximum). */
export const LARGE_LOG_FILE_QUEUE_RETENTION_DAYS = 14;

/** An SQS queue ARN: `arn:<partition>:sqs:<region>:<account>:<name>`. */
export const QUEUE_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):sqs:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):([A-Za-z0-9_-]{1,80})$/;

const QUEUE_ARN_RULES = 'must be an SQS queue ARN like "arn:aws:sqs:eu-west-1:111122223333:name"';
const ROLE_ARN_RULES = 'must be an IAM role ARN like "arn:aws:iam::111122223333:role/name"';

/** A literal checked with `pattern`, or a Terraform reference (same stack) accepted unchecked. */
function arnOrReference(pattern: RegExp, rules: string) {
  return checkedString((value) => (pattern.test(value) ? undefined : rules), rules);
}

/**
 * The archive a landing bucket feeds: its notification queue (which S3 notifies) and the role Cortex
 * assumes (which reads the bucket). ARNs may be literals (another stack's resources, derived from the
 * configuration) or references (same stack).
 */
export const s3SourceArchiveSchema = z.strictObject(
  {
    /** AWS account of the archive (12 digits): the account of the reader role admitted by the bucket policy. */
    accountId: accountIdSchema,
    /** Region of the archive's queue: must be the bucket's region (S3 notifies only queues of its own Region). */
    region: regionSchema,
    /** ARN of the archive's notification queue. */
    notificationQueueArn: arnOrReference(QUEUE_ARN_PATTERN, QUEUE_ARN_RULES),
    /** ARN of the archive's Cortex reader role (may not exist yet: admitted by condition, never named as principal). */
    readerRoleArn: arnOrReference(ROLE_ARN_PATTERN, ROLE_ARN_RULES),
  },
  {
    error: allowed(
      'must be an object like {"accountId", "region", "notificationQueueArn", "readerRoleArn"} (the archive\'s queue and reader role)',
    ),
  },
);

/** The alarm and rule on log files larger than Cortex recommends. */
export const largeLogFilesSchema = z
  .strictObject(
    {
      /** Whether the EventBridge rule, its queue and the alarm exist. @default true */
      enabled: metricAlarms.alarmEnabledSchema,
      /** Files larger than this many bytes are reported (1 – 78643200, WAF's 75 MB). @default 52428800 (50 MB) */
      thresholdBytes: wholeNumber(
        1,
        WAF_MAX_LOG_FILE_BYTES,
        `must be a whole number of bytes from 1 to ${WAF_MAX_LOG_FILE_BYTES} (WAF writes files of at most 75 MB)`,
      ).default(CORTEX_RECOMMENDED_MAX_OBJECT_BYTES),
    },
    { error: allowed('must be an object like {"enabled": true, "thresholdBytes": 52428800}') },
  )
  .prefault({});

/** Props of {@link WafS3LogSource}: the schema is the one definition of their rules and defaults. */
export const wafS3LogSourcePropsSchema = z
  .strictObject({
    /** Prefix of the names of the rule, queue, key alias and alarm (≤ 40 of `[A-Za-z0-9_-]`). */
    name: resourceNameSchema,
    /** AWS account of the bucket and of the web ACLs that log to it (12 digits). */
    accountId: accountIdSchema,
    /** AWS region of the bucket: the archive's region (its queue is notified). */
    region: regionSchema,
    /** Name of the bucket WAF logs to: `aws-waf-logs-…` (S3 naming rules; globally unique). */
    bucketName: checkedString(landingBucketNameProblem, LANDING_BUCKET_RULES),
    /**
     * Regions whose web ACLs (of `accountId`) may deliver logs to the bucket: each becomes an
     * `aws:SourceArn` `arn:<partition>:logs:<region>:<account>:*` of the delivery statements. CloudFront
     * web ACLs deliver from `us-east-1`. The regions of `webAcls` are added. @default [region]
     */
    webAclRegions: z
      .array(regionSchema, { error: allowed('must be a list of region names like ["us-east-1"]') })
      .superRefine(distinct((region) => region, "region"))
      .optional(),
    /**
     * Web ACLs whose logging configuration this construct creates, sending to the bucket (in `accountId`
     * and `region`; `global` CloudFront web ACLs only when `region` is `us-east-1`). A web ACL has one
     * logging configuration: creating this one replaces any other destination. @default []
     */
    webAcls: z
      .array(z.strictObject({ arn: webAclArnSchema }), { error: allowed('must be a list of {"arn": …}') })
      .max(100, { error: "must list at most 100 web ACLs" })
      .superRefine(distinct((target) => target.arn, "web ACL"))
      .default([]),
    /** Fields WAF replaces with `XXX` in the records of `webAcls`. @default the `authorization` and `cookie` headers */
    redactedFields: wafLoggingSettingsSchema.shape.redactedFields,
    /** Which records WAF writes for `webAcls`. @default undefined (every record) */
    loggingFilter: loggingFilterSchema.optional(),
    /** Storage-class transitions and expiration of WAF's files (rule on `AWSLogs/`). @default 30 / 90 / 365 / 2555 days */
    lifecycle: lifecycleSchema,
    /** Which objects lifecycle transitions skip by size. @default "all_storage_classes_128K" */
    transitionDefaultMinimumObjectSize: transitionMinimumObjectSizeSchema,
    /**
     * S3 Versioning of the bucket, like the archive's: a file WAF's delivery overwrites or anyone deletes
     * stays as a noncurrent version for `noncurrentVersionExpirationDays`. @default on, 30 days
     */
    versioning: versioningSchema(30),
    /** Days after which incomplete multipart uploads under `AWSLogs/` are aborted (1–365). @default 7 */
    abortIncompleteMultipartUploadDays: wholeNumber(
      1,
      365,
      "must be a whole number of days from 1 to 365",
    ).default(7),
    /**
     * Encryption at rest of the bucket: SSE-S3 (`sse`), a key this construct creates (`kms`), or a given
     * customer-managed key of the bucket's region whose policy you manage (WAF does not support AWS
     * managed keys). @default {"type": "sse"}
     */
    encryption: encryptionSchema,
    /** The archive whose queue S3 notifies and whose reader role reads the files. */
    archive: s3SourceArchiveSchema,
    /** The EventBridge rule, queue and alarm on files larger than Cortex recommends. @default on, 52428800 bytes */
    largeLogFiles: largeLogFilesSchema,
    /** Where the alarm sends state changes. @default undefined (no actions) */
    alarmTopic: metricAlarms.alarmTopicSchema,
  })
  .superRefine((props, ctx) => {
    // Runs even when fields failed (zod reports them): read them defensively.
    const region = typeof props.region === "string" ? props.region : undefined;
    const accountId = typeof props.accountId === "string" ? props.accountId : undefined;
    const archive = props.archive as Partial<z.output<typeof s3SourceArchiveSchema>> | undefined;
    if (region !== undefined && typeof archive?.region === "string" && archive.region !== region) {
      ctx.addIssue({
        code: "custom",
        path: ["archive", "region"],
        message: `must be the bucket's region ${region}: S3 sends event notifications only to an SQS queue in the bucket's own Region (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html), got ${JSON.stringify(archive.region)}; create the bucket in the archive's region, or use a cloudwatch source`,
      });
    }
    const queueArn = typeof archive?.notificationQueueArn === "string" ? archive.notificationQueueArn : "";
    const queue = Token.isUnresolved(queueArn) ? null : QUEUE_ARN_PATTERN.exec(queueArn);
    if (queue && region !== undefined && queue[2] !== region) {
      ctx.addIssue({
        code: "custom",
        path: ["archive", "notificationQueueArn"],
        message: `must be a queue in the bucket's region ${region} (S3 notifies only queues of its own Region), got a queue in ${queue[2]}`,
      });
    }
    if (queue && typeof archive?.accountId === "string" && queue[3] !== archive.accountId) {
      ctx.addIssue({
        code: "custom",
        path: ["archive", "notificationQueueArn"],
        message: `must be a queue of the archive's account ${archive.accountId}, got a queue of ${queue[3]}`,
      });
    }
    const roleArn = typeof archive?.readerRoleArn === "string" ? archive.readerRoleArn : "";
    const role = Token.isUnresolved(roleArn) ? null : ROLE_ARN_PATTERN.exec(roleArn);
    if (role && typeof archive?.accountId === "string" && role[2] !== archive.accountId) {
      ctx.addIssue({
        code: "custom",
        path: ["archive", "readerRoleArn"],
        message: `must be a role of the archive's account ${archive.accountId}, got a role of ${role[2]}`,
      });
    }
    const encryption = props.encryption as { type?: string; keyArn?: unknown } | undefined;
    if (encryption?.type === "kms" && typeof encryption.keyArn === "string" && region !== undefined) {
      const problem = keyRegionProblem(encryption.keyArn, region);
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", path: ["encryption", "keyArn"], message: problem });
    }
    const webAcls = Array.isArray(props.webAcls) ? props.webAcls : [];
    webAcls.forEach((target, index) => {
      const acl = typeof target?.arn === "string" ? parseWebAclArn(target.arn) : undefined;
      if (acl === undefined || region === undefined || accountId === undefined) return;
      const shown = JSON.stringify(target.arn);
      if (acl.partition !== partitionOf(region)) {
        ctx.addIssue({
          code: "custom",
          path: ["webAcls", index, "arn"],
          message: `must be in partition "${partitionOf(region)}" of the bucket's region ${region}, got ${shown}`,
        });
      }
      if (acl.accountId !== accountId) {
        ctx.addIssue({
          code: "custom",
          path: ["webAcls", index, "arn"],
          message: `must be a web ACL of the bucket's account ${accountId} (the WAF developer guide documents S3 logging to a bucket of the web ACL's own account), got account ${acl.accountId} in ${shown}`,
        });
      }
      if (acl.region !== region) {
        ctx.addIssue({
          code: "custom",
          path: ["webAcls", index, "arn"],
          message: `must be a web ACL of the region ${region} this construct deploys to (a logging configuration is created in the web ACL's region; for a web ACL elsewhere, set its logging destination to the bucket's ARN from a stack there and list its region in webAclRegions), got region ${acl.region} in ${shown}`,
        });
      }
    });
  });

/** What {@link WafS3LogSource} accepts (fields with defaults optional). */
export type WafS3LogSourceProps = z.input<typeof wafS3LogSourcePropsSchema>;

/** {@link WafS3LogSourceProps} with every default applied. */
export type ResolvedWafS3LogSourceProps = z.output<typeof wafS3LogSourcePropsSchema>;

/**
 * The bucket policy statements WAF's log delivery needs, as the WAF developer guide documents them:
 * `AWSLogDeliveryWrite` (`s3:PutObject` under `AWSLogs/<account>/`, only with the ACL
 * `bucket-owner-full-control`) and `AWSLogDeliveryAclCheck` (`s3:GetBucketAcl` and `s3:ListBucket`, the
 * latter to avoid the `AccessDenied` entries the guide mentions), both only for deliveries on behalf of
 * `accountId` from its log delivery sources in `regions`.
 * https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html
 *
 * @param bucketArn ARN of the bucket (or a reference to it)
 * @param regions regions of the web ACLs, at least one
 */
export function logDeliveryBucketStatements(
  bucketArn: string,
  accountId: string,
  regions: readonly string[],
): PolicyStatement[] {
  const condition = {
    StringEquals: { "aws:SourceAccount": accountId },
    ArnLike: { "aws:SourceArn": logDeliverySourceArns(accountId, regions) },
  };
  return [
    {
      Sid: "AWSLogDeliveryWrite",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucketArn}/${WAF_S3_KEY_PREFIX}${accountId}/*`,
      Condition: {
        ...condition,
        StringEquals: { ...condition.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    },
    {
      Sid: "AWSLogDeliveryAclCheck",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: bucketArn,
      Condition: condition,
    },
  ];
}

/** `arn:<partition>:logs:<region>:<account>:*` for each region: the log delivery sources of `accountId`. */
export function logDeliverySourceArns(accountId: string, regions: readonly string[]): string[] {
  return regions.map((region) => `arn:${partitionOf(region)}:logs:${region}:${accountId}:*`);
}

/**
 * A bucket or key policy statement that lets exactly the role `roleArn` of `accountId` do `actions`,
 * without naming the role as principal (it may not exist yet, and S3 and KMS reject such policies):
 * `Principal` the account root, `ArnEquals aws:PrincipalArn` the role, plus `extraConditions`.
 */
function roleByConditionStatement(
  sid: string,
  accountId: string,
  partition: string,
  roleArn: string,
  actions: readonly string[],
  resource: string,
  extraConditions: Readonly<Record<string, string>> = {},
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: actions.length === 1 ? actions[0]! : actions,
    Resource: resource,
    Condition: {
      ArnEquals: { "aws:PrincipalArn": roleArn },
      StringEquals: { "aws:PrincipalAccount": accountId, ...extraConditions },
    },
  };
}

/**
 * The EventBridge pattern of `Object Created` events of `bucketName` for WAF log files (key prefix
 * `AWSLogs/`, suffix `.log.gz`) larger than `thresholdBytes`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function largeLogFilePattern(bucketName: string, thresholdBytes: number) {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: {
      bucket: { name: [bucketName] },
      object: {
        key: [{ prefix: WAF_S3_KEY_PREFIX }],
        size: [{ numeric: [">", thresholdBytes] }],
      },
    },
  };
}

/**
 * An `s3` source: the `aws-waf-logs-…` bucket a web ACL logs to, in the web ACL's account and the
 * archive's region, feeding the archive's queue and reader role.
 *
 * - The bucket ({@link LogArchiveBucket} with prefix `AWSLogs/`): never force-destroyed, no public access,
 *   bucket-owner-enforced ownership (WAF's `bucket-owner-full-control` writes are accepted), default
 *   encryption (SSE-S3, or SSE-KMS with an S3 Bucket Key), TLS only, versioning (like the archive's),
 *   lifecycle on WAF's key layout (with noncurrent-version expiration).
 * - Its policy: TLS only; `AWSLogDeliveryWrite` and `AWSLogDeliveryAclCheck` for
 *   `delivery.logs.amazonaws.com` ({@link logDeliveryBucketStatements}); the archive's reader role
 *   `s3:GetObject` on `AWSLogs/*`, admitted by `aws:PrincipalArn` (the role may be another stack's).
 * - With `encryption: "kms"`, a key ({@link PipelineKey}) whose policy lets the account administer it,
 *   lets `delivery.logs.amazonaws.com` `kms:GenerateDataKey*` and `kms:Decrypt` (multipart uploads) for
 *   this account's log deliveries, and lets
 *   the reader role `kms:Decrypt` through S3 only (`kms:ViaService`).
 * - The bucket's one notification configuration: `s3:ObjectCreated:*` of `AWSLogs/…/*.log.gz` to the
 *   archive's queue, and (with `largeLogFiles`) EventBridge on.
 * - With `largeLogFiles`: an EventBridge rule on files above the threshold, a queue as its target (the
 *   files' bucket, key and size, 14 days), and an alarm on the rule's `MatchedEvents`.
 * - One logging configuration per entry of `webAcls`, sending to the bucket.
 *
 * The archive's side (its queue policy admitting this bucket, its key policy for S3 when its queue is
 * encrypted with its key, and the reader role's own IAM policy) is added by
 * `WafLogArchive.admitS3Source`, in the archive's stack. Apply the archive first: S3 checks the queue
 * policy when the notification configuration is created.
 *
 * @throws ValidationError listing every invalid prop, with its path
 */
export class WafS3LogSource extends Construct {
  /** The props with every default applied. */
  public readonly props: ResolvedWafS3LogSourceProps;
  /** The bucket WAF logs to, its ownership, public access block, encryption, policy and lifecycle. */
  public readonly landingBucket: LogArchiveBucket;
  /** The key the source creates for `encryption: {"type": "kms"}` without a `keyArn`. */
  public readonly key: PipelineKey | undefined;
  /** The key policy of {@link key}. */
  public readonly keyPolicy: KmsKeyPolicy | undefined;
  /** ARN of the customer-managed key (created or given) that encrypts the bucket; undefined for SSE-S3. */
  public readonly kmsKeyArn: string | undefined;
  /** The bucket's one notification configuration. */
  public readonly bucketNotification: S3BucketNotification;
  /** The rule on files larger than `largeLogFiles.thresholdBytes`, when enabled. */
  public readonly largeLogFileRule: CloudwatchEventRule | undefined;
  /** The rule's target queue, when enabled. */
  public readonly largeLogFileQueue: SqsQueue | undefined;
  /** The target queue's policy, when enabled. */
  public readonly largeLogFileQueuePolicy: SqsQueuePolicy | undefined;
  /** The alarms, by key. */
  public readonly alarms: ReturnType<typeof metricAlarms.createMetricAlarms<"largeLogFiles">>;
  /** One logging configuration per entry of `webAcls`. */
  public readonly loggingConfigurations: readonly Wafv2WebAclLoggingConfiguration[];
  /** Regions whose web ACLs may deliver to the bucket (`webAclRegions`, with the regions of `webAcls`). */
  public readonly deliveryRegions: readonly string[];

  constructor(scope: Construct, id: string, input: WafS3LogSourceProps) {
    super(scope, id);
    const props = parseWith(wafS3LogSourcePropsSchema, input, "WafS3LogSource props");
    this.props = props;
    const { accountId, region, archive, encryption } = props;
    const partition = partitionOf(region);
    const names = s3SourceResourceNames(props.name);
    this.deliveryRegions = [
      ...new Set([
        ...(props.webAclRegions ?? [region]),
        ...props.webAcls.map((target) => parseWebAclArn(target.arn)!.region),
      ]),
    ];

    this.key =
      encryption.type === "kms" && encryption.keyArn === undefined
        ? new PipelineKey(this, "Key", {
            aliasName: names.keyAlias,
            description: `Encrypts the AWS WAF log files of ${props.bucketName}`,
          })
        : undefined;
    this.kmsKeyArn = encryption.type === "kms" ? (encryption.keyArn ?? this.key?.key.arn) : undefined;

    const bucketArn = `arn:${partition}:s3:::${props.bucketName}`;
    this.landingBucket = new LogArchiveBucket(this, "LandingBucket", {
      bucketName: props.bucketName,
      keyPrefix: WAF_S3_KEY_PREFIX,
      lifecycle: props.lifecycle,
      transitionDefaultMinimumObjectSize: props.transitionDefaultMinimumObjectSize,
      abortIncompleteMultipartUploadDays: props.abortIncompleteMultipartUploadDays,
      kmsKeyArn: this.kmsKeyArn,
      versioning: props.versioning,
      objectLock: undefined,
      writers: undefined,
      additionalStatements: [
        ...logDeliveryBucketStatements(bucketArn, accountId, this.deliveryRegions),
        roleByConditionStatement(
          "CortexReaderGetsWafLogFiles",
          archive.accountId,
          partition,
          archive.readerRoleArn,
          ["s3:GetObject"],
          `${bucketArn}/${WAF_S3_KEY_PREFIX}*`,
        ),
      ],
    });
    const { bucket } = this.landingBucket;

    if (this.key !== undefined) {
      this.keyPolicy = new KmsKeyPolicy(this, "KeyPolicy", {
        keyId: this.key.key.keyId,
        policy: policyDocument([
          {
            Sid: "AccountAdministersKey",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          {
            // logging-s3.html ("Allow AWS WAF to use the key": kms:GenerateDataKey*) with the
            // confused-deputy conditions of AWS-logs-and-resource-policy.html, whose grant also lists
            // kms:Decrypt: S3 needs it for a multipart upload with SSE-KMS, and WAF's files reach 75 MB
            // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
            Sid: "LogDeliveryEncryptsWafLogFiles",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: {
              StringEquals: { "aws:SourceAccount": accountId },
              ArnLike: { "aws:SourceArn": logDeliverySourceArns(accountId, this.deliveryRegions) },
            },
          },
          roleByConditionStatement(
            "CortexReaderDecryptsThroughS3",
            archive.accountId,
            partition,
            archive.readerRoleArn,
            ["kms:Decrypt"],
            "*",
            { "kms:ViaService": s3ServiceHost(region) },
          ),
        ]),
      });
      addSuppressions(this.keyPolicy, [
        {
          id: "WLP-IAM-1",
          appliesTo: ["kms:*"],
          reason:
            "The account root administers its own key: the default key policy statement, without which nobody can manage the key",
        },
        {
          id: "WLP-IAM-1",
          appliesTo: ["kms:GenerateDataKey*"],
          reason:
            "The AWS WAF developer guide documents kms:GenerateDataKey* for delivery.logs.amazonaws.com; limited to this account's log deliveries by aws:SourceAccount and aws:SourceArn",
        },
      ]);
    }

    const large = props.largeLogFiles;
    this.bucketNotification = new S3BucketNotification(this, "BucketNotification", {
      bucket: bucket.id,
      queue: [
        {
          id: WAF_LOG_FILES_NOTIFICATION_ID,
          queueArn: archive.notificationQueueArn,
          events: ["s3:ObjectCreated:*"],
          filterPrefix: WAF_S3_KEY_PREFIX,
          filterSuffix: WAF_S3_OBJECT_SUFFIX,
        },
      ],
      ...(large.enabled ? { eventbridge: true } : {}),
    });
    if (!Token.isUnresolved(archive.notificationQueueArn)) {
      addSuppressions(this.bucketNotification, [
        {
          id: "WLP-SQS-3",
          reason:
            "The archive's notification queue is in the archive's stack (another account or state), where the same rule checks its dead-letter queue",
        },
      ]);
    }

    if (large.enabled) {
      const group = new Construct(this, "LargeLogFiles");
      this.largeLogFileRule = new CloudwatchEventRule(group, "Rule", {
        name: names.largeLogFileRule,
        description: `AWS WAF log files in ${props.bucketName} larger than ${large.thresholdBytes} bytes (Cortex recommends at most 50 MB compressed)`,
        eventPattern: JSON.stringify(largeLogFilePattern(props.bucketName, large.thresholdBytes)),
      });
      this.largeLogFileQueue = new SqsQueue(group, "Queue", {
        name: names.largeLogFileQueue,
        messageRetentionSeconds: LARGE_LOG_FILE_QUEUE_RETENTION_DAYS * 86_400,
        ...queueEncryption(undefined),
      });
      // EventBridge sends to an SQS queue when the queue policy admits events.amazonaws.com for the rule:
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
      this.largeLogFileQueuePolicy = new SqsQueuePolicy(group, "QueuePolicy", {
        queueUrl: this.largeLogFileQueue.url,
        policy: policyDocument([
          {
            Sid: "EventBridgeSendsLargeLogFileEvents",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: this.largeLogFileQueue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": this.largeLogFileRule.arn } },
          },
          denyInsecureTransport("sqs:*", [this.largeLogFileQueue.arn]),
        ]),
      });
      new CloudwatchEventTarget(group, "Target", {
        rule: this.largeLogFileRule.name,
        arn: this.largeLogFileQueue.arn,
        dependsOn: [this.largeLogFileQueuePolicy],
      });
    }

    const alarmNames = s3SourceAlarmNames(props.name);
    this.alarms = metricAlarms.createMetricAlarms(
      this,
      {
        largeLogFiles: large.enabled
          ? metricAlarms.aboveThreshold({
              alarmName: alarmNames.largeLogFiles,
              namespace: "AWS/Events",
              metricName: "MatchedEvents",
              dimensions: { RuleName: names.largeLogFileRule },
              threshold: 0,
              description: `AWS WAF wrote a log file larger than ${large.thresholdBytes} bytes into ${props.bucketName}. Cortex recommends files of at most 50 MB compressed; what its Amazon S3 collector does with a larger one is not documented (see docs/choosing-a-source.md). The queue ${names.largeLogFileQueue} holds each such file's key and size for ${LARGE_LOG_FILE_QUEUE_RETENTION_DAYS} days: check in Cortex that its records arrived. WAF closes a file at 75 MB or after 5 minutes, so large files mean heavy traffic on one web ACL: a logging filter (keep only some actions) makes them smaller.`,
            })
          : undefined,
      },
      props.alarmTopic,
    );

    const redacted = props.redactedFields.map(redactedFieldBlock);
    const loggingFilter =
      props.loggingFilter === undefined ? undefined : loggingFilterBlock(props.loggingFilter);
    this.loggingConfigurations = props.webAcls.map((target) => {
      const acl = parseWebAclArn(target.arn)!;
      return new Wafv2WebAclLoggingConfiguration(this, `LoggingConfiguration-${acl.scope}-${acl.name}`, {
        resourceArn: target.arn,
        logDestinationConfigs: [bucket.arn],
        redactedFields: redacted,
        ...(loggingFilter === undefined ? {} : { loggingFilter }),
        // WAF adds its own bucket policy when none allows delivery; ours must be there first.
        dependsOn: [this.landingBucket.policy, ...(this.keyPolicy === undefined ? [] : [this.keyPolicy])],
      });
    });
  }
}
