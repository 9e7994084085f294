import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { describe, expect, it } from "vitest";
import { S3BucketVersioned } from "../../../src/rules/s3/s3-bucket-versioned";
import { compliantBucket, errorsOf, newStack } from "./rule-test-kit";

describe("S3BucketVersioned (WLP-S3-4)", () => {
  it("accepts a bucket whose versioning is Enabled", () => {
    const stack = newStack();
    compliantBucket(stack, "archive");

    expect(errorsOf(stack, new S3BucketVersioned())).toEqual([]);
  });

  it("rejects a bucket without versioning", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { versioning: false });

    expect(errorsOf(stack, new S3BucketVersioned())).toEqual([
      "[WLP-S3-4] Every S3 bucket has versioning enabled: aws_s3_bucket.archive has no aws_s3_bucket_versioning with status Enabled",
    ]);
  });

  it("rejects suspended versioning", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { versioning: false });
    new S3BucketVersioningA(stack, "suspended", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Suspended" },
    });

    expect(errorsOf(stack, new S3BucketVersioned())).toEqual([
      '[WLP-S3-4] Every S3 bucket has versioning enabled: aws_s3_bucket_versioning.suspended of aws_s3_bucket.archive sets status "Suspended"; expected "Enabled"',
    ]);
  });

  it("finds versioning that names the bucket literally", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { versioning: false });
    new S3BucketVersioningA(stack, "by-name", {
      bucket: "archive-bucket",
      versioningConfiguration: { status: "Enabled" },
    });

    expect(errorsOf(stack, new S3BucketVersioned())).toEqual([]);
  });
});
