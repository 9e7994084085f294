import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Fn } from "cdktf";
import { describe, expect, it } from "vitest";
import { S3BucketTlsOnly } from "../../../src/rules/s3/s3-bucket-tls-only";
import { compliantBucket, denyInsecureBucketPolicy, errorsOf, newStack } from "./rule-test-kit";

describe("S3BucketTlsOnly (WLP-S3-2)", () => {
  it("accepts a JSON bucket policy that denies requests without TLS on the bucket and its objects", () => {
    const stack = newStack();
    compliantBucket(stack, "archive");

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([]);
  });

  it("accepts the same policy written with Fn.jsonencode", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { policy: false });
    new S3BucketPolicy(stack, "policy", {
      bucket: bucket.id,
      policy: Fn.jsonencode(denyInsecureBucketPolicy(bucket)),
    });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([]);
  });

  it("accepts the same policy written as an aws_iam_policy_document", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { policy: false });
    const document = new DataAwsIamPolicyDocument(stack, "tls-only", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(stack, "policy", { bucket: bucket.id, policy: document.json });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([]);
  });

  it("rejects a bucket without a bucket policy", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { policy: false });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([
      "[WLP-S3-2] Every S3 bucket denies requests without TLS: aws_s3_bucket.archive has no bucket policy",
    ]);
  });

  it("rejects a policy that denies requests without TLS on the bucket but not on its objects", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { policy: false });
    const policy = denyInsecureBucketPolicy(bucket);
    policy.Statement[0]!.Resource = [bucket.arn];
    new S3BucketPolicy(stack, "policy", { bucket: bucket.id, policy: JSON.stringify(policy) });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([
      "[WLP-S3-2] Every S3 bucket denies requests without TLS: no bucket policy of aws_s3_bucket.archive denies s3:* to every principal when aws:SecureTransport is false on its objects",
    ]);
  });

  it("rejects a policy whose TLS statement allows instead of denies", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { policy: false });
    const policy = denyInsecureBucketPolicy(bucket);
    policy.Statement[0]!.Effect = "Allow";
    new S3BucketPolicy(stack, "policy", { bucket: bucket.id, policy: JSON.stringify(policy) });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([
      "[WLP-S3-2] Every S3 bucket denies requests without TLS: no bucket policy of aws_s3_bucket.archive denies s3:* to every principal when aws:SecureTransport is false on the bucket and its objects",
    ]);
  });

  it("reports a policy it cannot read", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { policy: false });
    new S3BucketPolicy(stack, "policy", { bucket: bucket.id, policy: Fn.file("policy.json") });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([
      '[WLP-S3-2] Every S3 bucket denies requests without TLS: aws_s3_bucket_policy.policy of aws_s3_bucket.archive cannot be read: expected a JSON policy document (JSON.stringify or Fn.jsonencode) or a reference to an aws_iam_policy_document, found "${file(\\"policy.json\\")}"',
      "[WLP-S3-2] Every S3 bucket denies requests without TLS: no bucket policy of aws_s3_bucket.archive denies s3:* to every principal when aws:SecureTransport is false on the bucket and its objects",
    ]);
  });
});

describe("S3BucketTlsOnly (WLP-S3-2) with literal ARNs", () => {
  it("accepts a TLS-only statement on the literal ARNs of a bucket with a literal name, in any partition", () => {
    const stack = newStack();
    const bucket = compliantBucket(stack, "archive", { policy: false });
    const policy = denyInsecureBucketPolicy(bucket);
    policy.Statement[0]!.Resource = ["arn:aws-cn:s3:::archive-bucket", "arn:aws-cn:s3:::archive-bucket/*"];
    new S3BucketPolicy(stack, "policy", { bucket: bucket.id, policy: JSON.stringify(policy) });

    expect(errorsOf(stack, new S3BucketTlsOnly())).toEqual([]);
  });
});
