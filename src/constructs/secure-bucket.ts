/**
 * The parts every bucket of this project has, created in one scope with fixed construct ids (so the
 * Terraform addresses of an existing bucket stay what they were): the bucket (never force-destroyed),
 * owner-enforced object ownership (no ACLs), all four public access block flags, default encryption
 * (SSE-S3, or SSE-KMS with a customer-managed key and an S3 Bucket Key), a bucket policy that denies
 * every request without TLS, and versioning.
 *
 * Sources: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { Construct } from "constructs";
import { z } from "zod";
import { denyInsecureTransport, policyDocument, type PolicyStatement } from "../iam-policy";
import { allowed, wholeNumber } from "./validation";

/** Longest noncurrent-version retention accepted, in days (ten years). */
export const MAX_NONCURRENT_VERSION_DAYS = 3650;

/**
 * S3 Versioning of a bucket: every overwrite or delete keeps the previous version as a noncurrent
 * version, which a lifecycle rule removes after `noncurrentVersionExpirationDays`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html).
 */
export const versioningSchema = (defaultNoncurrentDays: number) =>
  z
    .strictObject(
      {
        /**
         * Whether the bucket is versioned. `false` on a bucket that was versioned suspends versioning
         * (S3 cannot turn it off). @default true
         */
        enabled: z.boolean({ error: allowed("must be true or false") }).default(true),
        /** Days a version is kept after it stopped being current (1–3650). */
        noncurrentVersionExpirationDays: wholeNumber(
          1,
          MAX_NONCURRENT_VERSION_DAYS,
          `must be a whole number of days from 1 to ${MAX_NONCURRENT_VERSION_DAYS}`,
        ).default(defaultNoncurrentDays),
      },
      { error: allowed('must be an object like {"enabled": true, "noncurrentVersionExpirationDays": 30}') },
    )
    .prefault({});

/** Versioning with every default applied. */
export type Versioning = z.output<ReturnType<typeof versioningSchema>>;

/** What {@link secureBucket} needs. */
export interface SecureBucketProps {
  /** Name of the bucket (S3 naming rules, globally unique). */
  readonly bucketName: string;
  /** SSE-KMS with this customer-managed key (and an S3 Bucket Key); SSE-S3 when undefined. */
  readonly kmsKeyArn: string | undefined;
  /** Whether S3 Versioning is enabled. */
  readonly versioned: boolean;
  /** Statements added to the bucket policy after the TLS-only denial. @default none */
  readonly policyStatements?: (bucket: S3Bucket) => readonly PolicyStatement[];
}

/** What {@link secureBucket} creates. */
export interface SecureBucketParts {
  readonly bucket: S3Bucket;
  readonly ownershipControls: S3BucketOwnershipControls;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  readonly policy: S3BucketPolicy;
  /** Undefined when the bucket is not versioned. */
  readonly versioning: S3BucketVersioningA | undefined;
}

/**
 * Creates, in `scope`, the bucket and its protections (see the module doc) with the construct ids
 * `Bucket`, `OwnershipControls`, `PublicAccessBlock`, `Encryption`, `Policy` and `Versioning`.
 * The bucket never sets `object_lock_enabled`: on `aws_s3_bucket` that argument forces a new bucket
 * (AWS provider 5.100.0); Object Lock is enabled with `aws_s3_bucket_object_lock_configuration`.
 */
export function secureBucket(scope: Construct, props: SecureBucketProps): SecureBucketParts {
  const bucket = new S3Bucket(scope, "Bucket", { bucket: props.bucketName, forceDestroy: false });

  const ownershipControls = new S3BucketOwnershipControls(scope, "OwnershipControls", {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });

  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "PublicAccessBlock", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });

  const encryption = new S3BucketServerSideEncryptionConfigurationA(scope, "Encryption", {
    bucket: bucket.id,
    rule: [
      props.kmsKeyArn === undefined
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
        : {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
            // One data key per bucket and period instead of one KMS request per object.
            bucketKeyEnabled: true,
          },
    ],
  });

  const policy = new S3BucketPolicy(scope, "Policy", {
    bucket: bucket.id,
    policy: policyDocument([
      denyInsecureTransport("s3:*", [bucket.arn, `${bucket.arn}/*`]),
      ...(props.policyStatements?.(bucket) ?? []),
    ]),
    // S3 rejects concurrent changes to one bucket's policy and public access block.
    dependsOn: [publicAccessBlock],
  });

  const versioning = props.versioned
    ? new S3BucketVersioningA(scope, "Versioning", {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      })
    : undefined;

  return { bucket, ownershipControls, publicAccessBlock, encryption, policy, versioning };
}
