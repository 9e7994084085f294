/**
 * True when `keyId` names an AWS-managed KMS key by alias (`alias/aws/s3`, `alias/aws/sqs`, or the
 * alias ARN `arn:aws:kms:<region>:<account>:alias/aws/...`). Their key policies cannot be changed, so
 * S3 cannot use `alias/aws/sqs` to send event notifications and no other account (Cortex) can be
 * granted `kms:Decrypt` on them.
 * Source: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
export function isAwsManagedKeyAlias(keyId: string): boolean {
  return /(^|:)alias\/aws\//.test(keyId);
}
