import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { describe, expect, it } from "vitest";
import { S3BucketEncrypted } from "../../../src/rules/s3/s3-bucket-encrypted";
import { compliantBucket, errorsOf, newStack } from "./rule-test-kit";

const REQUIREMENT =
  "[WLP-S3-3] Every S3 bucket has default encryption with SSE-S3 or a customer-managed KMS key, never an AWS-managed key";

function bucketWithDefault(sseAlgorithm: string, kmsMasterKeyId?: string) {
  const stack = newStack();
  const bucket = compliantBucket(stack, "archive", { encryption: false });
  new S3BucketServerSideEncryptionConfigurationA(stack, "encryption", {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm, kmsMasterKeyId }, bucketKeyEnabled: true }],
  });
  return stack;
}

describe("S3BucketEncrypted (WLP-S3-3)", () => {
  it("accepts SSE-S3", () => {
    expect(errorsOf(bucketWithDefault("AES256"), new S3BucketEncrypted())).toEqual([]);
  });

  it("accepts SSE-KMS with a customer-managed key", () => {
    const stack = bucketWithDefault(
      "aws:kms",
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    );

    expect(errorsOf(stack, new S3BucketEncrypted())).toEqual([]);
  });

  it("rejects a bucket without default encryption", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { encryption: false });

    expect(errorsOf(stack, new S3BucketEncrypted())).toEqual([
      `${REQUIREMENT}: aws_s3_bucket.archive has no default encryption configuration`,
    ]);
  });

  it("rejects the AWS-managed key alias/aws/s3", () => {
    expect(errorsOf(bucketWithDefault("aws:kms", "alias/aws/s3"), new S3BucketEncrypted())).toEqual([
      `${REQUIREMENT}: aws_s3_bucket_server_side_encryption_configuration.encryption of aws_s3_bucket.archive uses the AWS-managed key alias/aws/s3`,
    ]);
  });

  it("rejects SSE-KMS without a key, which means the AWS-managed key", () => {
    expect(errorsOf(bucketWithDefault("aws:kms"), new S3BucketEncrypted())).toEqual([
      `${REQUIREMENT}: aws_s3_bucket_server_side_encryption_configuration.encryption of aws_s3_bucket.archive uses aws:kms without kms_master_key_id, i.e. the AWS-managed key aws/s3`,
    ]);
  });
});
