import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { WafLogProcessor } from "../../../src/constructs/waf-log-processor";
import {
  addressOf,
  blockOf,
  buildStack,
  policyOf,
  ref,
  synthesizeStack,
  testBundlePath,
  type Synthesized,
} from "../../helpers/stack";

describe("WafLogProcessor", () => {
  let synthesized: Synthesized;
  let processor: WafLogProcessor;
  beforeAll(() => {
    synthesized = synthesizeStack();
    processor = synthesized.stack.pipeline.forwarder.processor;
  });

  it("copies the bundle into the stack directory as a file asset", () => {
    const stack = buildStack();
    const outdir = Testing.fullSynth(stack);
    const copied = join(outdir, "stacks", stack.node.id, stack.pipeline.forwarder.processor.bundle.path);
    expect(readFileSync(copied, "utf8")).toBe(readFileSync(testBundlePath(), "utf8"));
  });

  it("zips the asset with archive_file and a fixed file mode into a relative path", () => {
    expect(synthesized.json).toHaveDataSourceWithProperties(DataArchiveFile, {
      type: "zip",
      source_file: processor.bundle.path,
      output_path: "waf-log-processor.zip",
      output_file_mode: "0644",
    });
    expect(processor.bundle.path).toMatch(/^assets\/[^/]+\/[0-9A-F]+\/index\.cjs$/);
  });

  it("deploys the zip with its hash and handler index.handler", () => {
    expect(blockOf(synthesized.tf, processor.function)).toMatchObject({
      function_name: "waf-log-pipeline-dev-processor",
      handler: "index.handler",
      filename: ref(processor.archive, "output_path"),
      source_code_hash: ref(processor.archive, "output_base64sha256"),
      role: ref(processor.role, "arn"),
    });
  });

  it("runs nodejs22.x on arm64 with 256 MB and 300 seconds by default", () => {
    expect(blockOf(synthesized.tf, processor.function)).toMatchObject({
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      memory_size: 256,
      timeout: 300,
    });
  });

  it("passes the bucket, its region, prefix, gzip level, environment and Powertools settings in its environment", () => {
    expect(blockOf(synthesized.tf, processor.function).environment).toEqual({
      variables: {
        S3_BUCKET: ref(synthesized.stack.pipeline.archive.logArchiveBucket.bucket, "id"),
        S3_BUCKET_REGION: "us-east-1",
        S3_PREFIX: "raw/",
        GZIP_LEVEL: "6",
        ENVIRONMENT_NAME: "dev",
        POWERTOOLS_SERVICE_NAME: "waf-log-processor",
        POWERTOOLS_METRICS_NAMESPACE: "WafLogPipeline",
      },
    });
  });

  it("creates its own log group with retention before the function", () => {
    expect(blockOf(synthesized.tf, processor.logGroup)).toMatchObject({
      name: "/aws/lambda/waf-log-pipeline-dev-processor",
      retention_in_days: 30,
    });
    expect(blockOf(synthesized.tf, processor.function).depends_on).toContain(addressOf(processor.logGroup));
  });

  it("has a role that only lambda.amazonaws.com can assume", () => {
    const block = blockOf(synthesized.tf, processor.role);
    expect(block.name).toBe("waf-log-pipeline-dev-processor");
    expect(policyOf(block, "assume_role_policy").Statement).toEqual([
      {
        Sid: "LambdaAssumeRole",
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
  });

  it("may only put objects under the prefix, write its own log group, write failure records to its own account's store and send to the kept failure queue", () => {
    const block = blockOf(synthesized.tf, processor.rolePolicy);
    const store = synthesized.stack.pipeline.forwarder.failureStore.bucket;
    expect(block.role).toBe(ref(processor.role, "id"));
    expect(policyOf(block).Statement).toEqual([
      {
        Sid: "PutLogObjects",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `${ref(synthesized.stack.pipeline.archive.logArchiveBucket.bucket, "arn")}/raw/*`,
      },
      {
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${ref(processor.logGroup, "arn")}:*`,
      },
      {
        Sid: "WriteFailureRecords",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:ListBucket"],
        Resource: [ref(store, "arn"), `${ref(store, "arn")}/*`],
        Condition: { StringEquals: { "s3:ResourceAccount": "111122223333" } },
      },
      {
        Sid: "SendToFailureQueue",
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: ref(processor.failureQueue!, "arn"),
      },
    ]);
  });

  it("has no queue grant once the failure queue is removed", () => {
    const { stack, tf } = synthesizeStack({ keepFailureQueue: false });
    const removed = stack.pipeline.forwarder.processor;

    expect(removed.failureQueue).toBeUndefined();
    expect(policyOf(blockOf(tf, removed.rolePolicy)).Statement.map((s) => s.Sid)).toEqual([
      "PutLogObjects",
      "WriteOwnLogGroup",
      "WriteFailureRecords",
    ]);
  });

  it("keeps the legacy failure queue 14 days, SSE-SQS, with its address, until it is removed", () => {
    expect(blockOf(synthesized.tf, processor.failureQueue!)).toMatchObject({
      name: "waf-log-pipeline-dev-processor-failures",
      message_retention_seconds: 14 * 86_400,
      sqs_managed_sse_enabled: true,
    });
    expect(addressOf(processor.failureQueue!)).toBe("aws_sqs_queue.Processor_FailureQueue_2902D141");
  });

  it("denies failure queue requests without TLS", () => {
    const block = blockOf(synthesized.tf, processor.failureQueuePolicy!);
    expect(block.queue_url).toBe(ref(processor.failureQueue!, "url"));
    expect(policyOf(block).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: [ref(processor.failureQueue!, "arn")],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("retries a failed event twice, then writes it whole to the failure store (S3), not to a queue capped at 256 KiB", () => {
    expect(synthesized.json).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: ref(processor.function, "function_name"),
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21_600,
      destination_config: {
        on_failure: { destination: ref(synthesized.stack.pipeline.forwarder.failureStore.bucket, "arn") },
      },
    });
  });

  it("sets the destination only after the role may write to it (Lambda checks it then)", () => {
    expect(blockOf(synthesized.tf, processor.eventInvokeConfig).depends_on).toEqual([
      addressOf(processor.rolePolicy),
    ]);
  });

  it("takes memory, timeout, architecture, gzip level and log retention from the configuration", () => {
    const { stack, tf } = synthesizeStack({
      processor: {
        memoryMb: 1024,
        timeoutSeconds: 60,
        architecture: "x86_64",
        gzipLevel: 9,
        logRetentionDays: 90,
      },
    });
    const custom = stack.pipeline.forwarder.processor;
    expect(blockOf(tf, custom.function)).toMatchObject({
      memory_size: 1024,
      timeout: 60,
      architectures: ["x86_64"],
      environment: { variables: expect.objectContaining({ GZIP_LEVEL: "9" }) },
    });
    expect(blockOf(tf, custom.logGroup).retention_in_days).toBe(90);
  });
});
