import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import type { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import type { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { z } from "zod";
import { BUCKET_NAME_RULES, bucketNameProblem } from "../../functions/waf-log-processor/environment";
import { FAILURE_RECORDS_PREFIX } from "./names";
import { MAX_NONCURRENT_VERSION_DAYS, secureBucket } from "./secure-bucket";
import { checkedString, wholeNumber } from "./validation";

/** Longest failure record retention accepted, in days (ten years). */
export const MAX_FAILURE_RETENTION_DAYS = 3650;

/**
 * The forwarder's failure store (its on-failure destination): how long on-failure records are kept,
 * and its bucket name. @default 30 days, noncurrent versions 7 days, `<name>-failures-<account>-<region>`
 */
export const failureStoreSchema = z
  .strictObject({
    /**
     * Name of the bucket. @default `<name>-failures-<accountId>-<region>` (lowercase, `_` as `-`);
     * required when that is not a valid bucket name (longer than 63 characters)
     */
    bucketName: checkedString((name) => {
      const problem = bucketNameProblem(name);
      return problem === undefined ? undefined : `${BUCKET_NAME_RULES}: ${problem}`;
    }, BUCKET_NAME_RULES).optional(),
    /**
     * Days an on-failure record is kept before S3 deletes it (1–3650): the time operators have to fix
     * the cause and run the redrive. @default 30
     */
    retentionDays: wholeNumber(
      1,
      MAX_FAILURE_RETENTION_DAYS,
      `must be a whole number of days from 1 to ${MAX_FAILURE_RETENTION_DAYS}`,
    ).default(30),
    /**
     * Days a record deleted by the redrive (or overwritten) stays recoverable as a noncurrent version
     * (1–3650). @default 7
     */
    noncurrentVersionExpirationDays: wholeNumber(
      1,
      MAX_NONCURRENT_VERSION_DAYS,
      `must be a whole number of days from 1 to ${MAX_NONCURRENT_VERSION_DAYS}`,
    ).default(7),
  })
  .prefault({});

/** Failure store settings with every default applied (`bucketName` may still be unset). */
export type FailureStoreSettings = z.output<typeof failureStoreSchema>;

/** Id of the failure store's lifecycle rule. */
export const FAILURE_RECORDS_RULE_ID = "failure-records";

/** What {@link FailureStore} needs; {@link WafLogForwarder} validates it. */
export interface FailureStoreProps {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Days a record is kept. */
  readonly retentionDays: number;
  /** Days a deleted record stays as a noncurrent version. */
  readonly noncurrentVersionExpirationDays: number;
  /** SSE-KMS with this customer-managed key, which must be in the bucket's region; SSE-S3 when undefined. */
  readonly kmsKeyArn: string | undefined;
}

/**
 * Part of {@link WafLogForwarder}: the S3 bucket that is the processor's on-failure destination. Lambda
 * writes there the whole on-failure record of each event it gave up on (the event, the condition, the
 * error), under its fixed prefix `aws/lambda/async/<function>/`; an SQS queue would drop records over
 * 256 KiB, an S3 object takes the whole 1 MB asynchronous payload
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 *
 * A bucket of its own, in the forwarder's account and region, not the archive's: a forwarder may run
 * in another account or region than the archive (a bucket's SSE-KMS key must be in the bucket's
 * region, https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html), the
 * records hold raw log events Cortex must never read, and they are kept days, not years.
 *
 * The bucket has the protections of every bucket here ({@link secureBucket}: no public access, no ACLs,
 * default encryption, TLS only, versioning) and one lifecycle rule on `aws/lambda/async/`: records
 * expire after `retentionDays`, a record the redrive deleted stays recoverable for
 * `noncurrentVersionExpirationDays`, and S3 then removes the expired delete markers
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html).
 */
export class FailureStore extends Construct {
  public readonly bucket: S3Bucket;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly policy: S3BucketPolicy;
  public readonly versioning: S3BucketVersioningA;
  public readonly lifecycleConfiguration: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: FailureStoreProps) {
    super(scope, id);
    const parts = secureBucket(this, {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      versioned: true,
    });
    this.bucket = parts.bucket;
    this.encryption = parts.encryption;
    this.policy = parts.policy;
    this.versioning = parts.versioning!;

    this.lifecycleConfiguration = new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      // Records stay in S3 Standard; set explicitly as S3's default changed in 2024.
      transitionDefaultMinimumObjectSize: "all_storage_classes_128K",
      rule: [
        {
          id: FAILURE_RECORDS_RULE_ID,
          status: "Enabled",
          filter: [{ prefix: FAILURE_RECORDS_PREFIX }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      dependsOn: [this.versioning],
    });
  }
}
