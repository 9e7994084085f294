import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { beforeAll, describe, expect, it } from "vitest";
import { NotificationQueues } from "../../../src/constructs/notification-queues";
import {
  addressOf,
  blockOf,
  policyOf,
  ref,
  resourcesOfType,
  synthesizeStack,
  type Synthesized,
} from "../../helpers/stack";

describe("NotificationQueues", () => {
  let synthesized: Synthesized;
  let queues: NotificationQueues;
  beforeAll(() => {
    synthesized = synthesizeStack();
    queues = synthesized.stack.pipeline.archive.notificationQueues;
  });

  it("keeps notifications 7 days with a 900-second visibility timeout and SSE-SQS", () => {
    expect(blockOf(synthesized.tf, queues.queue)).toMatchObject({
      name: "waf-log-pipeline-dev-notifications",
      visibility_timeout_seconds: 900,
      message_retention_seconds: 7 * 86_400,
      sqs_managed_sse_enabled: true,
    });
  });

  it("keeps dead letters 14 days with SSE-SQS", () => {
    expect(blockOf(synthesized.tf, queues.deadLetterQueue)).toMatchObject({
      name: "waf-log-pipeline-dev-notifications-dlq",
      message_retention_seconds: 14 * 86_400,
      sqs_managed_sse_enabled: true,
    });
  });

  it("uses no KMS key on any queue, so never alias/aws/sqs", () => {
    const queueBlocks = Object.values(resourcesOfType(synthesized.tf, "aws_sqs_queue"));
    expect(queueBlocks).toHaveLength(3);
    for (const block of queueBlocks) {
      expect(block.kms_master_key_id).toBeUndefined();
      expect(block.sqs_managed_sse_enabled).toBe(true);
    }
    expect(synthesized.json).not.toContain("alias/aws/sqs");
  });

  it("moves a message to the dead-letter queue after 3 receives", () => {
    const block = blockOf(synthesized.tf, queues.redrivePolicy);
    expect(block.queue_url).toBe(ref(queues.queue, "url"));
    expect(JSON.parse(block.redrive_policy as string)).toEqual({
      deadLetterTargetArn: ref(queues.deadLetterQueue, "arn"),
      maxReceiveCount: 3,
    });
  });

  it("lets only the notification queue redrive into the dead-letter queue", () => {
    const block = blockOf(synthesized.tf, queues.redriveAllowPolicy);
    expect(block.queue_url).toBe(ref(queues.deadLetterQueue, "url"));
    expect(JSON.parse(block.redrive_allow_policy as string)).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [ref(queues.queue, "arn")],
    });
  });

  it("lets S3 send only for this bucket and account, denies requests without TLS, and allows nothing else", () => {
    const bucket = synthesized.stack.pipeline.archive.logArchiveBucket.bucket;
    const block = blockOf(synthesized.tf, queues.queuePolicy);
    expect(block.queue_url).toBe(ref(queues.queue, "url"));
    expect(policyOf(block)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowS3EventNotifications",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: ref(queues.queue, "arn"),
          Condition: {
            ArnEquals: { "aws:SourceArn": ref(bucket, "arn") },
            StringEquals: { "aws:SourceAccount": "111122223333" },
          },
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: [ref(queues.queue, "arn")],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  it("denies dead-letter queue requests without TLS", () => {
    const block = blockOf(synthesized.tf, queues.deadLetterQueuePolicy);
    expect(block.queue_url).toBe(ref(queues.deadLetterQueue, "url"));
    expect(policyOf(block).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: [ref(queues.deadLetterQueue, "arn")],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("has exactly one bucket notification", () => {
    expect(Object.keys(resourcesOfType(synthesized.tf, "aws_s3_bucket_notification"))).toHaveLength(1);
  });

  it("notifies the queue of new objects under the prefix ending in .jsonl.gz", () => {
    expect(synthesized.json).toHaveResourceWithProperties(S3BucketNotification, {
      bucket: ref(synthesized.stack.pipeline.archive.logArchiveBucket.bucket, "id"),
      queue: [
        {
          id: "waf-log-objects",
          queue_arn: ref(queues.queue, "arn"),
          events: ["s3:ObjectCreated:*"],
          filter_prefix: "raw/",
          filter_suffix: ".jsonl.gz",
        },
      ],
    });
  });

  it("creates the bucket notification after the queue policy", () => {
    expect(blockOf(synthesized.tf, queues.bucketNotification).depends_on).toEqual([
      addressOf(queues.queuePolicy),
    ]);
  });

  it("takes the queue settings from the configuration", () => {
    const { stack, tf } = synthesizeStack({
      s3Prefix: "logs/",
      queue: { visibilityTimeoutSeconds: 120, maxReceiveCount: 5, deadLetterRetentionDays: 10 },
    });
    const custom = stack.pipeline.archive.notificationQueues;
    expect(blockOf(tf, custom.queue).visibility_timeout_seconds).toBe(120);
    expect(JSON.parse(blockOf(tf, custom.redrivePolicy).redrive_policy as string).maxReceiveCount).toBe(5);
    expect(blockOf(tf, custom.deadLetterQueue).message_retention_seconds).toBe(10 * 86_400);
    expect(
      (blockOf(tf, custom.bucketNotification).queue as { filter_prefix: string }[])[0]?.filter_prefix,
    ).toBe("logs/");
  });
});
