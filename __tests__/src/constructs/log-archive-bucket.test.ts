import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { beforeAll, describe, expect, it } from "vitest";
import { LogArchiveBucket } from "../../../src/constructs/log-archive-bucket";
import {
  blockOf,
  policyOf,
  ref,
  resourcesOfType,
  synthesizeStack,
  type Synthesized,
} from "../../helpers/stack";

describe("LogArchiveBucket", () => {
  let synthesized: Synthesized;
  let bucket: LogArchiveBucket;
  beforeAll(() => {
    synthesized = synthesizeStack();
    bucket = synthesized.stack.pipeline.archive.logArchiveBucket;
  });

  it("names the bucket after the stack, account and region by default", () => {
    expect(blockOf(synthesized.tf, bucket.bucket).bucket).toBe("waf-log-pipeline-dev-111122223333-us-east-1");
  });

  it("never force-destroys the bucket", () => {
    expect(synthesized.json).toHaveResourceWithProperties(S3Bucket, { force_destroy: false });
  });

  it("turns on all four public access block flags", () => {
    expect(blockOf(synthesized.tf, bucket.publicAccessBlock)).toMatchObject({
      bucket: ref(bucket.bucket, "id"),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("enforces bucket-owner object ownership (no ACLs)", () => {
    expect(synthesized.json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      bucket: ref(bucket.bucket, "id"),
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  it("encrypts objects with SSE-S3 by default", () => {
    expect(synthesized.json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: ref(bucket.bucket, "id"),
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });

  it("denies every request without TLS, on the bucket and its objects", () => {
    const policy = policyOf(blockOf(synthesized.tf, bucket.policy));
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [ref(bucket.bucket, "arn"), `${ref(bucket.bucket, "arn")}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("applies the bucket policy after the public access block", () => {
    expect(blockOf(synthesized.tf, bucket.policy).depends_on).toEqual([
      `aws_s3_bucket_public_access_block.${synthesized.stack.getLogicalId(bucket.publicAccessBlock)}`,
    ]);
  });

  it("sets transition_default_minimum_object_size explicitly", () => {
    expect(
      blockOf(synthesized.tf, bucket.lifecycleConfiguration).transition_default_minimum_object_size,
    ).toBe("all_storage_classes_128K");
  });

  it("has one lifecycle rule with the default transitions, expiration and noncurrent-version expiration on the log prefix", () => {
    expect(blockOf(synthesized.tf, bucket.lifecycleConfiguration).rule).toEqual([
      {
        id: "waf-log-objects",
        status: "Enabled",
        filter: [{ prefix: "raw/" }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        transition: [
          { days: 30, storage_class: "STANDARD_IA" },
          { days: 90, storage_class: "GLACIER" },
          { days: 365, storage_class: "DEEP_ARCHIVE" },
        ],
        expiration: [{ days: 2555 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
  });

  it("versions the bucket and configures the lifecycle after versioning", () => {
    expect(blockOf(synthesized.tf, bucket.versioning!)).toEqual({
      bucket: ref(bucket.bucket, "id"),
      versioning_configuration: { status: "Enabled" },
    });
    expect(blockOf(synthesized.tf, bucket.lifecycleConfiguration).depends_on).toEqual([
      `aws_s3_bucket_versioning.${synthesized.stack.getLogicalId(bucket.versioning!)}`,
    ]);
  });

  it("has no versioning resource and no noncurrent-version rule when versioning is turned off", () => {
    const { stack, tf } = synthesizeStack({ versioning: { enabled: false } });
    const unversioned = stack.pipeline.archive.logArchiveBucket;
    expect(unversioned.versioning).toBeUndefined();
    expect(blockOf(tf, unversioned.lifecycleConfiguration).rule).toEqual([
      expect.not.objectContaining({ noncurrent_version_expiration: expect.anything() }),
    ]);
  });

  it("gives every lifecycle rule a prefix filter", () => {
    const rules = Object.values(
      resourcesOfType(synthesized.tf, "aws_s3_bucket_lifecycle_configuration"),
    ).flatMap((block) => block.rule as { filter?: { prefix?: string }[] }[]);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.filter?.[0]?.prefix).toMatch(/.+\/$/);
  });

  it("leaves out tiers turned off with null and keeps objects without expiration", () => {
    const { stack, tf } = synthesizeStack({
      s3Prefix: "waf/raw/",
      lifecycle: { infrequentAccessDays: null, deepArchiveDays: null, expirationDays: null },
    });
    expect(blockOf(tf, stack.pipeline.archive.logArchiveBucket.lifecycleConfiguration).rule).toEqual([
      {
        id: "waf-log-objects",
        status: "Enabled",
        filter: [{ prefix: "waf/raw/" }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        transition: [{ days: 90, storage_class: "GLACIER" }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
  });
});
