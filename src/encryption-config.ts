/**
 * The `encryption` setting of an environment: how the log bucket, the three queues and the alarms'
 * SNS topic are encrypted at rest.
 *
 * - `"sse"` (default): SSE-S3 on the bucket, SSE-SQS on the queues, the topic unencrypted; no key to manage.
 * - `"kms"`: the stack creates one customer-managed KMS key per environment (rotation on) with a key
 *   policy that lets S3, the processor, the Cortex reader role and CloudWatch use it.
 * - `{"type": "kms", "keyArn": "arn:aws:kms:…:key/…"}`: an existing customer-managed key, whose key
 *   policy you manage (see `docs/alarms-encryption.md` for the statements it needs).
 *
 * AWS-managed keys (`alias/aws/s3`, `alias/aws/sqs`, …) are rejected: their key policies cannot be
 * changed, so S3 cannot encrypt event notifications with `alias/aws/sqs` (it drops them) and the
 * Cortex reader role cannot be granted `kms:Decrypt` on `alias/aws/s3` objects.
 * Source: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
import { z } from "zod";
import { allowed } from "./config-messages";
import { isAwsManagedKeyAlias } from "./rules/kms-keys";

/** Encryption at rest of one environment, with every default applied. */
export type EncryptionConfig =
  | {
      /** SSE-S3 (AES256) on the bucket and SSE-SQS on the queues. */
      readonly type: "sse";
    }
  | {
      /** A customer-managed KMS key on the bucket (bucket key on), every queue and the alarm topic. */
      readonly type: "kms";
      /** ARN of an existing customer-managed key; when absent the stack creates the key. @default undefined */
      readonly keyArn?: string;
    };

/** `arn:<partition>:kms:<region>:<account>:key/<key id>`; the id is a UUID or a multi-Region `mrk-` id. */
export const KMS_KEY_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Why each AWS-managed key cannot be used here, by alias. */
const AWS_MANAGED_KEY_REASONS: Readonly<Record<string, string>> = {
  "alias/aws/sqs":
    "S3 cannot use it to encrypt event notifications for the queue, so it silently drops them, and its key policy cannot be changed",
  "alias/aws/s3":
    "its key policy cannot be changed, so the Cortex reader role cannot be allowed kms:Decrypt on the objects (and the queues cannot use it)",
};

/**
 * What is wrong with `keyArn` as the pipeline's key, or `undefined` when it is the ARN of a key
 * (not an alias). Region and account are not compared here (see {@link keyRegionProblem}).
 */
export function keyArnProblem(keyArn: string): string | undefined {
  const shown = JSON.stringify(keyArn);
  if (isAwsManagedKeyAlias(keyArn)) {
    const alias = keyArn.slice(keyArn.indexOf("alias/aws/"));
    const reason =
      AWS_MANAGED_KEY_REASONS[alias] ??
      "its key policy cannot be changed, so S3 and the Cortex reader role cannot be allowed to use it";
    return `must not name an AWS-managed key: ${alias} cannot be used because ${reason}. Use "kms" to let the stack create a customer-managed key, or the ARN of your own key, got ${shown}`;
  }
  if (!KMS_KEY_ARN_PATTERN.test(keyArn)) {
    return `must be the ARN of a customer-managed KMS key, like "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" (not an alias or key id: the IAM policies grant on the key ARN), got ${shown}`;
  }
  return undefined;
}

/**
 * What is wrong with using `keyArn` in `region`, or `undefined`. S3 and SQS use only keys in their own
 * Region. A key ARN that does not match {@link KMS_KEY_ARN_PATTERN} gives `undefined` (its own problem).
 */
export function keyRegionProblem(keyArn: string, region: string): string | undefined {
  const keyRegion = KMS_KEY_ARN_PATTERN.exec(keyArn)?.[2];
  if (keyRegion === undefined || keyRegion === region) return undefined;
  return `must be a key in the environment's region ${region} (S3 and SQS use only keys in their own Region), got a key in ${keyRegion}`;
}

const ENCRYPTION_RULES =
  'must be "sse", "kms", or {"type": "kms", "keyArn": "arn:aws:kms:<region>:<account>:key/<id>"}';

const encryptionObjectSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("sse") }),
    z.strictObject({
      type: z.literal("kms"),
      keyArn: z
        .string({ error: allowed("must be the ARN of a customer-managed KMS key") })
        .superRefine((keyArn, ctx) => {
          const problem = keyArnProblem(keyArn);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional(),
    }),
  ],
  { error: allowed(ENCRYPTION_RULES) },
);

/**
 * The zod 4 schema of `encryption`; its output is an {@link EncryptionConfig}. The shorthands `"sse"`
 * and `"kms"` stand for `{"type": "sse"}` and `{"type": "kms"}`.
 */
export const encryptionSchema = z.preprocess(
  (value) => (value === "sse" || value === "kms" ? { type: value } : value),
  encryptionObjectSchema.default({ type: "sse" }),
) as z.ZodType<EncryptionConfig, unknown>;
