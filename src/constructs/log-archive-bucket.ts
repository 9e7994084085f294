import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Construct } from "constructs";
import { bucketNameProblem, lifecycleProblems, type LifecycleConfig } from "../config";
import { denyInsecureTransport, policyDocument } from "../iam-policy";
import { checkKeyPrefix, checkWholeNumber, throwIfInvalid } from "./props-error";

/**
 * Which objects S3 lifecycle transitions skip by size
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html#lc-small-objects):
 * `all_storage_classes_128K` keeps objects under 128 KB in STANDARD until they expire;
 * `varies_by_storage_class` moves them too (GLACIER and DEEP_ARCHIVE add 40 KB of billed overhead per
 * object and STANDARD_IA bills at least 128 KB, so moving small objects usually costs more).
 */
export type TransitionMinimumObjectSize = "all_storage_classes_128K" | "varies_by_storage_class";

export interface LogArchiveBucketProps {
  /** Globally unique bucket name (S3 naming rules). */
  readonly bucketName: string;
  /** Key prefix of the log objects, ending in `/`; every lifecycle rule filters on it. */
  readonly keyPrefix: string;
  /** Storage-class transitions and expiration of the log objects, in days (`null` turns a tier off). */
  readonly lifecycle: LifecycleConfig;
  /** Which objects transitions skip by size. @default "all_storage_classes_128K" */
  readonly transitionDefaultMinimumObjectSize?: TransitionMinimumObjectSize;
  /** Days after which incomplete multipart uploads under the prefix are aborted (1–365). @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** ARN of a customer-managed KMS key for SSE-KMS (with an S3 Bucket Key); SSE-S3 when undefined. @default undefined */
  readonly kmsKeyArn?: string;
}

/** Id of the lifecycle rule for the log objects (part of the bucket's lifecycle configuration). */
export const LOG_OBJECTS_RULE_ID = "waf-log-objects";

/**
 * The bucket that archives WAF log objects: never force-destroyed, no public access, owner-enforced
 * object ownership (no ACLs), SSE-S3 default encryption, a policy that denies requests without TLS,
 * and a lifecycle rule on the log prefix (transitions, expiration, abort incomplete multipart uploads).
 */
export class LogArchiveBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly policy: S3BucketPolicy;
  public readonly lifecycleConfiguration: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: LogArchiveBucketProps) {
    super(scope, id);
    const abortDays = props.abortIncompleteMultipartUploadDays ?? 7;
    const problems: string[] = [];
    const nameProblem = bucketNameProblem(props.bucketName);
    if (nameProblem !== undefined) {
      problems.push(`props.bucketName: ${nameProblem}, got ${JSON.stringify(props.bucketName)}`);
    }
    checkKeyPrefix(problems, "keyPrefix", props.keyPrefix);
    if (props.lifecycle.infrequentAccessDays !== null && props.lifecycle.infrequentAccessDays < 30) {
      problems.push(
        `props.lifecycle.infrequentAccessDays: must be ≥ 30, got ${props.lifecycle.infrequentAccessDays}`,
      );
    }
    if (props.lifecycle.expirationDays !== null && props.lifecycle.expirationDays < 7) {
      problems.push(`props.lifecycle.expirationDays: must be ≥ 7, got ${props.lifecycle.expirationDays}`);
    }
    for (const problem of lifecycleProblems(props.lifecycle)) {
      problems.push(`props.lifecycle.${problem.path.join(".")}: ${problem.message}`);
    }
    checkWholeNumber(problems, "abortIncompleteMultipartUploadDays", abortDays, 1, 365, "days");
    throwIfInvalid("LogArchiveBucket", problems);

    this.bucket = new S3Bucket(this, "Bucket", { bucket: props.bucketName, forceDestroy: false });

    this.ownershipControls = new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [
        props.kmsKeyArn === undefined
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.kmsKeyArn,
              },
              // One data key per bucket and period instead of one KMS request per object.
              bucketKeyEnabled: true,
            },
      ],
    });

    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: policyDocument([denyInsecureTransport("s3:*", [this.bucket.arn, `${this.bucket.arn}/*`])]),
      // S3 rejects concurrent changes to one bucket's policy and public access block.
      dependsOn: [this.publicAccessBlock],
    });

    const { infrequentAccessDays, glacierDays, deepArchiveDays, expirationDays } = props.lifecycle;
    const transitions = [
      { days: infrequentAccessDays, storageClass: "STANDARD_IA" },
      { days: glacierDays, storageClass: "GLACIER" },
      { days: deepArchiveDays, storageClass: "DEEP_ARCHIVE" },
    ].filter((transition): transition is { days: number; storageClass: string } => transition.days !== null);

    this.lifecycleConfiguration = new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      transitionDefaultMinimumObjectSize:
        props.transitionDefaultMinimumObjectSize ?? "all_storage_classes_128K",
      rule: [
        {
          id: LOG_OBJECTS_RULE_ID,
          status: "Enabled",
          filter: [{ prefix: props.keyPrefix }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
          transition: transitions,
          ...(expirationDays === null ? {} : { expiration: [{ days: expirationDays }] }),
        },
      ],
    });
  }
}
