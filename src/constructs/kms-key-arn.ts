/**
 * Customer-managed KMS keys as the constructs accept them: a key ARN, never an alias, never an
 * AWS-managed key. AWS-managed keys (`alias/aws/s3`, `alias/aws/sqs`, …) are rejected because their
 * key policies cannot be changed, so S3 cannot encrypt event notifications with `alias/aws/sqs` (it
 * drops them) and the Cortex reader role cannot be granted `kms:Decrypt` on `alias/aws/s3` objects.
 * Source: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
import { isAwsManagedKeyAlias } from "../rules/kms-keys";

/** `arn:<partition>:kms:<region>:<account>:key/<key id>`; the id is a UUID or a multi-Region `mrk-` id. */
export const KMS_KEY_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** What a key ARN must look like, for messages. */
export const KMS_KEY_ARN_RULES = "must be the ARN of a customer-managed KMS key";

/** Why each AWS-managed key cannot be used here, by alias. */
const AWS_MANAGED_KEY_REASONS: Readonly<Record<string, string>> = {
  "alias/aws/sqs":
    "S3 cannot use it to encrypt event notifications for the queue, so it silently drops them, and its key policy cannot be changed",
  "alias/aws/s3":
    "its key policy cannot be changed, so the Cortex reader role cannot be allowed kms:Decrypt on the objects (and the queues cannot use it)",
};

/**
 * What is wrong with `keyArn` as the key of the pipeline's data, or `undefined` when it is the ARN of
 * a key (not an alias). Region and account are not compared here (see {@link keyRegionProblem}).
 *
 * @returns a phrase starting with "must", without the value
 */
export function kmsKeyArnProblem(keyArn: string): string | undefined {
  if (isAwsManagedKeyAlias(keyArn)) {
    const alias = keyArn.slice(keyArn.indexOf("alias/aws/"));
    const reason =
      AWS_MANAGED_KEY_REASONS[alias] ??
      "its key policy cannot be changed, so S3 and the Cortex reader role cannot be allowed to use it";
    return `must not name an AWS-managed key: ${alias} cannot be used because ${reason}. Use "kms" to let the stack create a customer-managed key, or the ARN of your own key`;
  }
  if (!KMS_KEY_ARN_PATTERN.test(keyArn)) {
    return `must be the ARN of a customer-managed KMS key, like "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" (not an alias or key id: the IAM policies grant on the key ARN)`;
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
  return `must be a key in ${region}, the region of the bucket and queues (S3 and SQS use only keys in their own Region), got a key in ${keyRegion}`;
}

/**
 * `arn:<partition>:kms:<region>:<account>:key/*`: every KMS key of one account and region, the way
 * IAM policies name keys they cannot name one by one
 * (https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html).
 */
export const KMS_KEYS_OF_ACCOUNT_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):key\/\*$/;

/** What an archive key ARN must look like, for messages. */
export const ARCHIVE_KMS_KEY_RULES =
  'must be the ARN of a customer-managed KMS key, or "arn:<partition>:kms:<region>:<account>:key/*" for a key another stack creates';

/**
 * What is wrong with `keyArn` as the archive key a forwarder may use, or `undefined`: the ARN of a
 * customer-managed key ({@link kmsKeyArnProblem}), or {@link KMS_KEYS_OF_ACCOUNT_PATTERN} for a key the
 * forwarder cannot name because another stack creates it.
 *
 * @returns a phrase starting with "must", without the value
 */
export function archiveKmsKeyArnProblem(keyArn: string): string | undefined {
  if (KMS_KEYS_OF_ACCOUNT_PATTERN.test(keyArn)) return undefined;
  const problem = kmsKeyArnProblem(keyArn);
  return problem === undefined
    ? undefined
    : `${problem}, or "arn:<partition>:kms:<region>:<account>:key/*" for a key another stack creates`;
}

/** The region of a key ARN or of a {@link KMS_KEYS_OF_ACCOUNT_PATTERN}, or `undefined` for neither. */
export function kmsKeyRegion(keyArn: string): string | undefined {
  return (KMS_KEY_ARN_PATTERN.exec(keyArn) ?? KMS_KEYS_OF_ACCOUNT_PATTERN.exec(keyArn))?.[2];
}
