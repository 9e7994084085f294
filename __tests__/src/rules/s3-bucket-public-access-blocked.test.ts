import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { describe, expect, it } from "vitest";
import { S3BucketPublicAccessBlocked } from "../../../src/rules/s3/s3-bucket-public-access-blocked";
import { compliantBucket, errorsOf, newStack } from "./rule-test-kit";

describe("S3BucketPublicAccessBlocked (WLP-S3-1)", () => {
  it("accepts a bucket whose public access block sets all four settings", () => {
    const stack = newStack();
    compliantBucket(stack, "archive");

    expect(errorsOf(stack, new S3BucketPublicAccessBlocked())).toEqual([]);
  });

  it("rejects a bucket without a public access block", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { publicAccessBlock: false });

    expect(errorsOf(stack, new S3BucketPublicAccessBlocked())).toEqual([
      "[WLP-S3-1] Every S3 bucket blocks all public access: aws_s3_bucket.archive has no aws_s3_bucket_public_access_block",
    ]);
  });

  it("rejects a public access block that leaves settings off", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { publicAccessBlock: false });
    new S3BucketPublicAccessBlock(stack, "partial", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: false,
      ignorePublicAcls: true,
    });

    expect(errorsOf(stack, new S3BucketPublicAccessBlocked())).toEqual([
      "[WLP-S3-1] Every S3 bucket blocks all public access: aws_s3_bucket_public_access_block.partial of aws_s3_bucket.archive does not set block_public_policy, restrict_public_buckets to true",
    ]);
  });

  it("finds a public access block that names the bucket literally", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { publicAccessBlock: false });
    new S3BucketPublicAccessBlock(stack, "by-name", {
      bucket: "archive-bucket",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    expect(errorsOf(stack, new S3BucketPublicAccessBlocked())).toEqual([]);
  });
});
