import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { SqsQueueRedrivePolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { denyInsecureTransport, policyDocument, type PolicyStatement } from "../iam-policy";
import { z } from "zod";
import { OBJECT_KEY_SUFFIX } from "../../functions/waf-log-processor/environment";
import { queueEncryption } from "./pipeline-key";
import { wholeNumber } from "./validation";

const SECONDS_PER_DAY = 86_400;

/** Days the notification queue keeps a message; the dead-letter queue must keep messages longer. */
export const NOTIFICATION_QUEUE_RETENTION_DAYS = 7;

/** The notification queue that Cortex reads and its dead-letter queue. */
export const queueSchema = z
  .strictObject({
    /** Seconds a received message stays invisible to other consumers (0–43200). @default 900 */
    visibilityTimeoutSeconds: wholeNumber(
      0,
      43_200,
      "must be a whole number of seconds from 0 to 43200",
    ).default(900),
    /** Receives before a message moves to the dead-letter queue (1–1000). @default 3 */
    maxReceiveCount: wholeNumber(1, 1000, "must be a whole number from 1 to 1000").default(3),
    /** Days the dead-letter queue keeps a message (8–14: longer than the queue's 7 days). @default 14 */
    deadLetterRetentionDays: wholeNumber(
      NOTIFICATION_QUEUE_RETENTION_DAYS + 1,
      14,
      `must be a whole number of days from ${NOTIFICATION_QUEUE_RETENTION_DAYS + 1} to 14 (longer than the notification queue's ${NOTIFICATION_QUEUE_RETENTION_DAYS} days: a message keeps its original enqueue time in the dead-letter queue)`,
    ).default(14),
  })
  .prefault({});

/** What {@link NotificationQueues} needs; {@link WafLogArchive} validates it. */
export interface NotificationQueuesProps {
  /** Name of the queue that receives the bucket's event notifications (Cortex reads it). */
  readonly queueName: string;
  /** Name of its dead-letter queue. */
  readonly deadLetterQueueName: string;
  /** Name (id) of the bucket whose notifications the queue receives. */
  readonly bucketName: string;
  /** ARN of that bucket: the only `aws:SourceArn` allowed to send. */
  readonly bucketArn: string;
  /** AWS account that owns the bucket: the only `aws:SourceAccount` allowed to send (12 digits). */
  readonly accountId: string;
  /** Only objects whose key starts with this prefix are notified, e.g. `raw/`. */
  readonly keyPrefix: string;
  /** Visibility timeout, receives before the dead-letter queue, and its retention. */
  readonly queue: z.output<typeof queueSchema>;
  /** ARN of a customer-managed KMS key for both queues (its policy must let S3 use it); SSE-SQS when undefined. */
  readonly kmsKeyArn: string | undefined;
  /**
   * Other buckets S3 may notify the queue for (WAF landing buckets of `s3` sources, in any account of the
   * queue's region), read when the stack is synthesized: one statement each, admitting
   * `s3.amazonaws.com` for that bucket (`aws:SourceArn`) and its owner (`aws:SourceAccount`).
   * @default none
   */
  readonly otherSourceBuckets?: () => readonly { readonly bucketArn: string; readonly accountId: string }[];
}

/**
 * Part of {@link WafLogArchive}: the SQS queue that S3 notifies of every new log object (`s3:ObjectCreated:*` under the prefix with
 * the suffix), its dead-letter queue with redrive and redrive-allow policies, the queue policy that lets
 * only this bucket in this account send, and the bucket's one notification configuration. Both queues
 * deny requests without TLS.
 *
 * Both queues use SSE-SQS: a queue encrypted with the AWS managed key `alias/aws/sqs` silently drops
 * S3 notifications, because S3 cannot use that key. The notification depends on the queue policy, or
 * S3 fails the first apply with "Unable to validate the following destination configurations".
 */
export class NotificationQueues extends Construct {
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  public readonly redrivePolicy: SqsQueueRedrivePolicy;
  public readonly redriveAllowPolicy: SqsQueueRedriveAllowPolicy;
  public readonly queuePolicy: SqsQueuePolicy;
  public readonly deadLetterQueuePolicy: SqsQueuePolicy;
  public readonly bucketNotification: S3BucketNotification;

  constructor(scope: Construct, id: string, props: NotificationQueuesProps) {
    super(scope, id);
    const { visibilityTimeoutSeconds, maxReceiveCount, deadLetterRetentionDays } = props.queue;
    const retentionDays = NOTIFICATION_QUEUE_RETENTION_DAYS;

    this.deadLetterQueue = new SqsQueue(this, "DeadLetterQueue", {
      name: props.deadLetterQueueName,
      messageRetentionSeconds: deadLetterRetentionDays * SECONDS_PER_DAY,
      ...queueEncryption(props.kmsKeyArn),
    });

    this.queue = new SqsQueue(this, "Queue", {
      name: props.queueName,
      visibilityTimeoutSeconds,
      messageRetentionSeconds: retentionDays * SECONDS_PER_DAY,
      ...queueEncryption(props.kmsKeyArn),
    });

    // Separate resources: inline policies on both queues would reference each other (a cycle).
    this.redrivePolicy = new SqsQueueRedrivePolicy(this, "RedrivePolicy", {
      queueUrl: this.queue.url,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount }),
    });

    this.redriveAllowPolicy = new SqsQueueRedriveAllowPolicy(this, "RedriveAllowPolicy", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });

    const s3Sends = (sid: string, bucketArn: string, accountId: string): PolicyStatement => ({
      Sid: sid,
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: this.queue.arn,
      Condition: {
        ArnEquals: { "aws:SourceArn": bucketArn },
        StringEquals: { "aws:SourceAccount": accountId },
      },
    });
    // Lazy: sources are admitted (WafLogArchive.admitS3Source) after the archive is constructed.
    this.queuePolicy = new SqsQueuePolicy(this, "QueuePolicy", {
      queueUrl: this.queue.url,
      policy: Lazy.stringValue({
        produce: () =>
          policyDocument([
            s3Sends("AllowS3EventNotifications", props.bucketArn, props.accountId),
            ...(props.otherSourceBuckets?.() ?? []).map((source, index) =>
              s3Sends(
                `AllowS3EventNotificationsOfWafS3Source${index + 1}`,
                source.bucketArn,
                source.accountId,
              ),
            ),
            denyInsecureTransport("sqs:*", [this.queue.arn]),
          ]),
      }),
    });

    this.deadLetterQueuePolicy = new SqsQueuePolicy(this, "DeadLetterQueuePolicy", {
      queueUrl: this.deadLetterQueue.url,
      policy: policyDocument([denyInsecureTransport("sqs:*", [this.deadLetterQueue.arn])]),
    });

    this.bucketNotification = new S3BucketNotification(this, "BucketNotification", {
      bucket: props.bucketName,
      queue: [
        {
          id: "waf-log-objects",
          queueArn: this.queue.arn,
          events: ["s3:ObjectCreated:*"],
          filterPrefix: props.keyPrefix,
          filterSuffix: OBJECT_KEY_SUFFIX,
        },
      ],
      dependsOn: [this.queuePolicy],
    });
  }
}
