import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueueRedrivePolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-policy";
import { Fn } from "cdktf";
import { describe, expect, it } from "vitest";
import { SqsNotificationQueueHasDeadLetterQueue } from "../../../src/rules/sqs/sqs-notification-queue-dead-letter-queue";
import { compliantBucket, compliantQueue, errorsOf, newStack } from "./rule-test-kit";

const REQUIREMENT = "[WLP-SQS-3] Every queue that receives S3 event notifications has a dead-letter queue";

function notify(stack: ReturnType<typeof newStack>, queueArn: string) {
  const bucket = compliantBucket(stack, "archive");
  new S3BucketNotification(stack, "notification", {
    bucket: bucket.id,
    queue: [{ queueArn, events: ["s3:ObjectCreated:*"], filterPrefix: "raw/", filterSuffix: ".jsonl.gz" }],
  });
}

describe("SqsNotificationQueueHasDeadLetterQueue (WLP-SQS-3)", () => {
  it("accepts a notification queue with a redrive policy to a dead-letter queue", () => {
    const stack = newStack();
    const dlq = compliantQueue(stack, "dlq");
    const queue = compliantQueue(stack, "notifications", {
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
    });
    notify(stack, queue.arn);

    expect(errorsOf(stack, new SqsNotificationQueueHasDeadLetterQueue())).toEqual([]);
  });

  it("accepts a redrive policy given as an aws_sqs_queue_redrive_policy written with Fn.jsonencode", () => {
    const stack = newStack();
    const dlq = compliantQueue(stack, "dlq");
    const queue = compliantQueue(stack, "notifications");
    new SqsQueueRedrivePolicy(stack, "redrive", {
      queueUrl: queue.id,
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
    });
    notify(stack, queue.arn);

    expect(errorsOf(stack, new SqsNotificationQueueHasDeadLetterQueue())).toEqual([]);
  });

  it("does not require a dead-letter queue of a queue that receives no notifications", () => {
    const stack = newStack();
    compliantQueue(stack, "failures");

    expect(errorsOf(stack, new SqsNotificationQueueHasDeadLetterQueue())).toEqual([]);
  });

  it("rejects a notification queue without a redrive policy", () => {
    const stack = newStack();
    const queue = compliantQueue(stack, "notifications");
    notify(stack, queue.arn);

    expect(errorsOf(stack, new SqsNotificationQueueHasDeadLetterQueue())).toEqual([
      `${REQUIREMENT}: aws_sqs_queue.notifications receives notifications from aws_s3_bucket_notification.notification but has no redrive policy`,
    ]);
  });

  it("rejects a redrive policy without maxReceiveCount", () => {
    const stack = newStack();
    const dlq = compliantQueue(stack, "dlq");
    const queue = compliantQueue(stack, "notifications", {
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    });
    notify(stack, queue.arn);

    expect(errorsOf(stack, new SqsNotificationQueueHasDeadLetterQueue())).toEqual([
      `${REQUIREMENT}: the redrive_policy of aws_sqs_queue.notifications has no maxReceiveCount`,
    ]);
  });

  it("rejects a notification to a queue outside the stack, whose dead-letter queue cannot be checked", () => {
    const stack = newStack();
    notify(stack, "arn:aws:sqs:eu-west-1:111122223333:elsewhere");

    expect(errorsOf(stack, new SqsNotificationQueueHasDeadLetterQueue())).toEqual([
      `${REQUIREMENT}: aws_s3_bucket_notification.notification sends to "arn:aws:sqs:eu-west-1:111122223333:elsewhere", which is not an aws_sqs_queue of this stack, so its dead-letter queue cannot be checked`,
    ]);
  });
});
