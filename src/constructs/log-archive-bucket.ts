import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import type { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import type { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import type { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import type { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { z } from "zod";
import type { PolicyStatement } from "../iam-policy";
import { secureBucket, type Versioning } from "./secure-bucket";
import { allowed, wholeNumber } from "./validation";
import { type ConditionalWriters, conditionalWriterStatement } from "./writer-grants";

/** A whole number of days ≥ min, or null to turn a lifecycle tier off. */
function days(min: number, text: string) {
  const error = allowed(text);
  return z.int({ error }).min(min, { error }).max(1_000_000, { error }).nullable();
}

/**
 * S3 storage-class transitions and expiration of the log objects, in days after creation (`null`
 * turns a tier off), with the rules S3 checks only at apply time (see {@link lifecycleProblems}).
 */
export const lifecycleSchema = z
  .strictObject({
    /** Days until STANDARD_IA (≥ 30), or `null` to skip this tier. @default 30 */
    infrequentAccessDays: days(
      30,
      "must be a whole number of days ≥ 30 (S3 moves objects to STANDARD_IA only after 30 days), or null to skip this tier",
    ).default(30),
    /** Days until GLACIER (Flexible Retrieval), or `null` to skip this tier. @default 90 */
    glacierDays: days(1, "must be a whole number of days ≥ 1, or null to skip this tier").default(90),
    /** Days until DEEP_ARCHIVE (≥ 90 days after GLACIER), or `null` to skip this tier. @default 365 */
    deepArchiveDays: days(1, "must be a whole number of days ≥ 1, or null to skip this tier").default(365),
    /** Days until the objects are deleted (≥ 7, after the last transition), or `null` to keep them. @default 2555 */
    expirationDays: days(
      7,
      "must be a whole number of days ≥ 7 (Cortex may need a week to catch up), or null to keep objects forever",
    ).default(2555),
  })
  .superRefine((lifecycle, ctx) => {
    for (const issue of lifecycleProblems(lifecycle)) ctx.addIssue({ code: "custom", ...issue });
  })
  .prefault({});

/** The lifecycle with every default applied. */
export type Lifecycle = z.output<typeof lifecycleSchema>;

/**
 * The lifecycle rules S3 enforces only when the configuration is applied
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html):
 * transitions on strictly increasing days; 30 days in STANDARD_IA before the next transition;
 * 90 days in GLACIER before DEEP_ARCHIVE; expiration after the last transition.
 * Values that are not numbers are skipped here (the field schemas report them).
 *
 * @returns one issue per broken rule, with the path relative to the `lifecycle` object
 */
export function lifecycleProblems(lifecycle: { readonly [K in keyof Lifecycle]?: unknown }): {
  path: string[];
  message: string;
}[] {
  const tiers = [
    { field: "infrequentAccessDays", minimumStay: 30, storageClass: "STANDARD_IA" },
    { field: "glacierDays", minimumStay: 90, storageClass: "GLACIER" },
    { field: "deepArchiveDays", minimumStay: 0, storageClass: "DEEP_ARCHIVE" },
  ] as const;
  const problems: { path: string[]; message: string }[] = [];
  let previous: { field: string; days: number; minimumStay: number; storageClass: string } | undefined;
  for (const tier of tiers) {
    const value = lifecycle[tier.field];
    if (typeof value !== "number") continue; // null (tier off), or reported by the field schema
    if (previous !== undefined) {
      if (value <= previous.days) {
        problems.push({
          path: [tier.field],
          message: `must be greater than lifecycle.${previous.field} (${previous.days}): transitions happen on strictly increasing days, got ${value}`,
        });
      } else if (value < previous.days + previous.minimumStay) {
        problems.push({
          path: [tier.field],
          message: `must be at least ${previous.minimumStay} days after lifecycle.${previous.field} (${previous.days}), i.e. ≥ ${previous.days + previous.minimumStay}: S3 keeps objects ${previous.minimumStay} days in ${previous.storageClass} before moving them to ${tier.storageClass}, got ${value}`,
        });
      }
    }
    previous = { ...tier, days: value };
  }
  const expiration = lifecycle.expirationDays;
  if (typeof expiration === "number" && previous !== undefined && expiration <= previous.days) {
    problems.push({
      path: ["expirationDays"],
      message: `must be greater than the last transition, lifecycle.${previous.field} (${previous.days}), got ${expiration}`,
    });
  }
  return problems;
}

/**
 * Which objects S3 lifecycle transitions skip by size
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html#lc-small-objects):
 * `all_storage_classes_128K` keeps objects under 128 KB in STANDARD until they expire;
 * `varies_by_storage_class` moves them too (GLACIER and DEEP_ARCHIVE add 40 KB of billed overhead per
 * object and STANDARD_IA bills at least 128 KB, so moving small objects usually costs more).
 */
export const transitionMinimumObjectSizeSchema = z
  .enum(["all_storage_classes_128K", "varies_by_storage_class"], {
    error: allowed('must be "all_storage_classes_128K" or "varies_by_storage_class"'),
  })
  .default("all_storage_classes_128K");

/** Id of the lifecycle rule for the log objects (part of the bucket's lifecycle configuration). */
export const LOG_OBJECTS_RULE_ID = "waf-log-objects";

/** Object Lock retention modes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes). */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;

/** Longest default Object Lock retention accepted, in days (100 years, the S3 maximum). */
export const MAX_OBJECT_LOCK_DAYS = 36_500;

/**
 * S3 Object Lock on the log bucket: every new object version is write-once-read-many for
 * `retentionDays` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
 * `GOVERNANCE`: users with `s3:BypassGovernanceRetention` can still delete or shorten; `COMPLIANCE`:
 * nobody can, not even the account root, until the retention ends. Once enabled, Object Lock cannot be
 * turned off for the bucket, and it needs versioning.
 */
export const objectLockSchema = z.strictObject(
  {
    /** `GOVERNANCE` or `COMPLIANCE`. */
    mode: z.enum(OBJECT_LOCK_MODES, { error: allowed('must be "GOVERNANCE" or "COMPLIANCE"') }),
    /** Default retention of each new object version, in days (1–36500). */
    retentionDays: wholeNumber(
      1,
      MAX_OBJECT_LOCK_DAYS,
      `must be a whole number of days from 1 to ${MAX_OBJECT_LOCK_DAYS}`,
    ),
  },
  { error: allowed('must be an object like {"mode": "GOVERNANCE", "retentionDays": 365}') },
);

/** Object Lock settings. */
export type ObjectLock = z.output<typeof objectLockSchema>;

/** What {@link LogArchiveBucket} needs; {@link WafLogArchive} validates it. */
export interface LogArchiveBucketProps {
  readonly bucketName: string;
  readonly keyPrefix: string;
  readonly lifecycle: Lifecycle;
  readonly transitionDefaultMinimumObjectSize: z.output<typeof transitionMinimumObjectSizeSchema>;
  readonly abortIncompleteMultipartUploadDays: number;
  /** SSE-KMS with this customer-managed key (and an S3 Bucket Key); SSE-S3 when undefined. */
  readonly kmsKeyArn: string | undefined;
  /**
   * Writers in other stacks (accounts or regions), admitted by condition to `s3:PutObject` under the key
   * prefix (see `conditionalWriterStatement`). Undefined: none; writers of the same account need only
   * their own IAM policy.
   */
  readonly writers: ConditionalWriters | undefined;
  /**
   * More statements of the bucket policy, after the TLS and writer statements (a WAF landing bucket's
   * log delivery and reader statements, see `WafS3LogSource`). @default [] (none)
   */
  readonly additionalStatements?: readonly PolicyStatement[];
  /** S3 Versioning and how long noncurrent versions are kept. */
  readonly versioning: Versioning;
  /** S3 Object Lock with a default retention; none when undefined. Needs versioning. */
  readonly objectLock: ObjectLock | undefined;
}

/** Sid of the bucket policy statement that admits writers of other stacks. */
export const CONDITIONAL_WRITERS_SID = "ConfiguredWritersPutLogObjects";

/**
 * The bucket that archives WAF log objects, part of {@link WafLogArchive}: never force-destroyed, no
 * public access, owner-enforced object ownership (ACLs disabled: the bucket owner owns every object,
 * whoever writes it, and writers send no ACL), default encryption, a policy that denies requests
 * without TLS (see {@link secureBucket}; with `writers`, it also admits the writers of other stacks by
 * condition), versioning (on by default) and a lifecycle rule on the log prefix (transitions,
 * expiration, noncurrent versions, abort incomplete multipart uploads), and optionally S3 Object Lock.
 * Object ownership: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 *
 * Object Lock is an `aws_s3_bucket_object_lock_configuration`, never `object_lock_enabled` on the
 * bucket: in AWS provider 5.100.0 that argument forces a new bucket, while the configuration resource
 * enables Object Lock on an existing versioned bucket in place (S3 allows it since November 2023:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html#object-lock-configure-existing-bucket;
 * provider documentation of `aws_s3_bucket_object_lock_configuration`: "can be used to enable Object
 * Lock for new and existing buckets", hashicorp/terraform-provider-aws#35374, merged in January 2024,
 * long before 5.100.0). A test plans it against a state that already holds the bucket: no replacement.
 */
export class LogArchiveBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly policy: S3BucketPolicy;
  /** Undefined when `versioning.enabled` is false. */
  public readonly versioning: S3BucketVersioningA | undefined;
  public readonly lifecycleConfiguration: S3BucketLifecycleConfiguration;
  /** Undefined without `objectLock`. */
  public readonly objectLockConfiguration: S3BucketObjectLockConfigurationA | undefined;

  constructor(scope: Construct, id: string, props: LogArchiveBucketProps) {
    super(scope, id);
    const parts = secureBucket(this, {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      versioned: props.versioning.enabled,
      ...(props.writers === undefined && props.additionalStatements === undefined
        ? {}
        : {
            policyStatements: (bucket: S3Bucket) => [
              ...(props.writers === undefined
                ? []
                : [
                    conditionalWriterStatement(
                      CONDITIONAL_WRITERS_SID,
                      props.writers,
                      ["s3:PutObject"],
                      `${bucket.arn}/${props.keyPrefix}*`,
                    ),
                  ]),
              ...(props.additionalStatements ?? []),
            ],
          }),
    });
    this.bucket = parts.bucket;
    this.ownershipControls = parts.ownershipControls;
    this.publicAccessBlock = parts.publicAccessBlock;
    this.encryption = parts.encryption;
    this.policy = parts.policy;
    this.versioning = parts.versioning;

    const { infrequentAccessDays, glacierDays, deepArchiveDays, expirationDays } = props.lifecycle;
    const transitions = [
      { days: infrequentAccessDays, storageClass: "STANDARD_IA" },
      { days: glacierDays, storageClass: "GLACIER" },
      { days: deepArchiveDays, storageClass: "DEEP_ARCHIVE" },
    ].filter((transition): transition is { days: number; storageClass: string } => transition.days !== null);

    this.lifecycleConfiguration = new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      transitionDefaultMinimumObjectSize: props.transitionDefaultMinimumObjectSize,
      rule: [
        {
          id: LOG_OBJECTS_RULE_ID,
          status: "Enabled",
          filter: [{ prefix: props.keyPrefix }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays }],
          transition: transitions,
          ...(expirationDays === null ? {} : { expiration: [{ days: expirationDays }] }),
          ...(props.versioning.enabled
            ? {
                noncurrentVersionExpiration: [
                  { noncurrentDays: props.versioning.noncurrentVersionExpirationDays },
                ],
              }
            : {}),
        },
      ],
      // S3 accepts noncurrent-version actions once versioning is configured.
      ...(this.versioning === undefined ? {} : { dependsOn: [this.versioning] }),
    });

    this.objectLockConfiguration =
      props.objectLock === undefined
        ? undefined
        : new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
            bucket: this.bucket.id,
            objectLockEnabled: "Enabled",
            rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.retentionDays } },
            // S3 enables Object Lock only on a versioned bucket.
            ...(this.versioning === undefined ? {} : { dependsOn: [this.versioning] }),
          });
  }
}
