import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { checkWholeNumber, throwIfInvalid } from "./props-error";

/**
 * Seconds SQS reuses a data key before asking KMS for a new one (`kms_data_key_reuse_period_seconds`,
 * 60–86400, AWS default 300). One hour cuts the KMS requests (and their cost) of S3, the processor
 * and Cortex twelvefold; each data key still encrypts only this pipeline's messages.
 * Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html#sqs-sse-key-terms
 */
export const DATA_KEY_REUSE_PERIOD_SECONDS = 3600;

/**
 * The encryption arguments of an `aws_sqs_queue`: SSE-SQS when `kmsKeyArn` is undefined, else the
 * customer-managed key with a data key reuse period of {@link DATA_KEY_REUSE_PERIOD_SECONDS}.
 * (The two are exclusive: SQS rejects `sqs_managed_sse_enabled` together with a key.)
 */
export function queueEncryption(
  kmsKeyArn: string | undefined,
): { sqsManagedSseEnabled: true } | { kmsMasterKeyId: string; kmsDataKeyReusePeriodSeconds: number } {
  return kmsKeyArn === undefined
    ? { sqsManagedSseEnabled: true }
    : { kmsMasterKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: DATA_KEY_REUSE_PERIOD_SECONDS };
}

export interface PipelineKeyProps {
  /** Alias of the key, `alias/<name>` (not `alias/aws/…`, which AWS reserves). */
  readonly aliasName: string;
  /** Description shown in the KMS console. @default "Encrypts the WAF log objects, queues and alarm topic of the WAF log pipeline" */
  readonly description?: string;
  /** Days KMS waits before deleting the key after a destroy (7–30). @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * The customer-managed KMS key of one environment (`encryption: "kms"`): a symmetric encryption key
 * with automatic yearly rotation and an alias. The bucket (SSE-KMS with an S3 Bucket Key), every queue
 * and the alarm topic use it. Its key policy is a separate resource ({@link PipelineKeyPolicy}) because
 * it names the roles, which are created after the resources that the key encrypts.
 * Until that policy is applied, KMS gives the key its default policy (the account administers it).
 */
export class PipelineKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: PipelineKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    const problems: string[] = [];
    if (!/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(props.aliasName) || props.aliasName.startsWith("alias/aws/")) {
      problems.push(
        `props.aliasName: must be "alias/" followed by 1–250 letters, digits, / _ -, and not start with "alias/aws/" (reserved for AWS-managed keys), got ${JSON.stringify(props.aliasName)}`,
      );
    }
    checkWholeNumber(problems, "deletionWindowDays", deletionWindowDays, 7, 30, "days");
    throwIfInvalid("PipelineKey", problems);

    this.key = new KmsKey(this, "Key", {
      description:
        props.description ?? "Encrypts the WAF log objects, queues and alarm topic of the WAF log pipeline",
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
    });

    this.alias = new KmsAlias(this, "Alias", { name: props.aliasName, targetKeyId: this.key.keyId });
  }
}
