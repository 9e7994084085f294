// Small stacks for the security rule tests: compliant building blocks, and a way to run one rule and
// read the error annotations it adds.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SqsQueue, type SqsQueueConfig } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Aspects, TerraformStack, Testing } from "cdktf";
import { type SecurityRule, WafLogPipelineChecks } from "../../../src/rules";
import type { Construct } from "constructs";

/** A stack with an AWS provider in a fresh test app. */
export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

/** Adds a pack of only `rule` to the stack, runs the aspects as synth does, and returns every error annotation text. */
export function errorsOf(stack: TerraformStack, rule: SecurityRule): string[] {
  Aspects.of(stack).add(new WafLogPipelineChecks({ rules: [rule], log: () => {} }));
  return synthErrors(stack);
}

/** Adds every security check to the stack (a stack that has none yet), printing suppressions to `log`. */
export function addChecks(stack: TerraformStack, log: (line: string) => void = () => {}): void {
  Aspects.of(stack).add(new WafLogPipelineChecks({ log }));
}

/** Runs the stack's aspects as synth does and returns every error annotation text. */
export function synthErrors(stack: TerraformStack): string[] {
  Testing.synth(stack);
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data)));
}

/** A TLS-only bucket policy document for `bucket`, as a plain object. */
export function denyInsecureBucketPolicy(bucket: S3Bucket) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket.arn, `${bucket.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** A TLS-only queue policy document for `queue`, as a plain object. */
export function denyInsecureQueuePolicy(queue: SqsQueue) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "sqs:*",
        Resource: queue.arn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** Which parts of a compliant bucket to leave out. */
export interface BucketParts {
  readonly publicAccessBlock?: boolean;
  readonly encryption?: boolean;
  readonly policy?: boolean;
  readonly versioning?: boolean;
}

/** A bucket with all four public access block settings, SSE-S3, a TLS-only policy and versioning, unless told otherwise. */
export function compliantBucket(scope: Construct, id: string, parts: BucketParts = {}): S3Bucket {
  const bucket = new S3Bucket(scope, id, { bucket: `${id}-bucket` });
  if (parts.publicAccessBlock !== false) {
    new S3BucketPublicAccessBlock(scope, `${id}-public-access-block`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
  if (parts.encryption !== false) {
    new S3BucketServerSideEncryptionConfigurationA(scope, `${id}-encryption`, {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
  }
  if (parts.policy !== false) {
    new S3BucketPolicy(scope, `${id}-policy`, {
      bucket: bucket.id,
      policy: JSON.stringify(denyInsecureBucketPolicy(bucket)),
    });
  }
  if (parts.versioning !== false) {
    new S3BucketVersioningA(scope, `${id}-versioning`, {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
  }
  return bucket;
}

/** An SSE-SQS queue with a TLS-only queue policy (unless `policy: false`); `config` overrides queue arguments. */
export function compliantQueue(
  scope: Construct,
  id: string,
  config: Partial<SqsQueueConfig> = {},
  parts: { readonly policy?: boolean } = {},
): SqsQueue {
  const queue = new SqsQueue(scope, id, { name: id, sqsManagedSseEnabled: true, ...config });
  if (parts.policy !== false) {
    new SqsQueuePolicy(scope, `${id}-policy`, {
      queueUrl: queue.id,
      policy: JSON.stringify(denyInsecureQueuePolicy(queue)),
    });
  }
  return queue;
}
