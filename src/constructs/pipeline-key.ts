import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { z } from "zod";
import { KMS_KEY_ARN_RULES, kmsKeyArnProblem } from "./kms-key-arn";
import { allowed, checkedString } from "./validation";

const ENCRYPTION_RULES =
  'must be "sse", "kms", or {"type": "kms", "keyArn": "arn:aws:kms:<region>:<account>:key/<id>"}';

/**
 * Encryption at rest of the archive's bucket and queues (and of whatever else uses its key):
 * - `{"type": "sse"}` (default): SSE-S3 on the bucket, SSE-SQS on the queues; no key to manage.
 * - `{"type": "kms"}`: the archive creates a customer-managed key (rotation on, see {@link PipelineKey})
 *   with a key policy that lets S3, the writers, the Cortex reader role and CloudWatch use it.
 * - `{"type": "kms", "keyArn": …}`: an existing customer-managed key, whose key policy you manage
 *   (`docs/alarms-encryption.md` lists the statements it needs).
 * The shorthands `"sse"` and `"kms"` stand for `{"type": "sse"}` and `{"type": "kms"}`.
 */
export const encryptionSchema = z.preprocess(
  (value) => (value === "sse" || value === "kms" ? { type: value } : value),
  z
    .discriminatedUnion(
      "type",
      [
        z.strictObject({ type: z.literal("sse") }),
        z.strictObject({
          type: z.literal("kms"),
          /** ARN of an existing customer-managed key; when absent the archive creates the key. @default undefined */
          keyArn: checkedString(kmsKeyArnProblem, KMS_KEY_ARN_RULES).optional(),
        }),
      ],
      { error: allowed(ENCRYPTION_RULES) },
    )
    .default({ type: "sse" }),
);

/** Encryption at rest with every default applied. */
export type Encryption = z.output<typeof encryptionSchema>;

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

/** What {@link PipelineKey} needs; {@link WafLogArchive} validates it. */
export interface PipelineKeyProps {
  /** Alias of the key, `alias/<name>`. */
  readonly aliasName: string;
  /** Description shown in the KMS console. */
  readonly description: string;
}

/** Days KMS waits before deleting the key after a destroy (the longest window it allows). */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * Part of {@link WafLogArchive}: the customer-managed KMS key of `encryption: {"type": "kms"}`: a symmetric encryption key
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
    this.key = new KmsKey(this, "Key", {
      description: props.description,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
    });

    this.alias = new KmsAlias(this, "Alias", { name: props.aliasName, targetKeyId: this.key.keyId });
  }
}
