import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { SqsQueueRedrivePolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-policy";
import { Construct } from "constructs";
import { denyInsecureTransport, policyDocument } from "../iam-policy";
import { queueEncryption } from "./pipeline-key";
import { checkKeyPrefix, checkWholeNumber, throwIfInvalid } from "./props-error";

const SECONDS_PER_DAY = 86_400;

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
  /** Only objects whose key ends with this suffix are notified. @default ".jsonl.gz" */
  readonly keySuffix?: string;
  /** Seconds a received message stays invisible to other consumers (0–43200). @default 900 */
  readonly visibilityTimeoutSeconds?: number;
  /** Days the queue keeps a message (1–14). @default 7 */
  readonly retentionDays?: number;
  /** Receives before a message moves to the dead-letter queue (1–1000). @default 3 */
  readonly maxReceiveCount?: number;
  /** Days the dead-letter queue keeps a message (must exceed `retentionDays`, ≤ 14). @default 14 */
  readonly deadLetterRetentionDays?: number;
  /** ARN of a customer-managed KMS key for both queues (its policy must let S3 use it); SSE-SQS when undefined. @default undefined */
  readonly kmsKeyArn?: string;
}

/**
 * The SQS queue that S3 notifies of every new log object (`s3:ObjectCreated:*` under the prefix with
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
    const keySuffix = props.keySuffix ?? ".jsonl.gz";
    const visibilityTimeoutSeconds = props.visibilityTimeoutSeconds ?? 900;
    const retentionDays = props.retentionDays ?? 7;
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    const deadLetterRetentionDays = props.deadLetterRetentionDays ?? 14;

    const problems: string[] = [];
    if (!/^\d{12}$/.test(props.accountId)) {
      problems.push(
        `props.accountId: must be a 12-digit AWS account id, got ${JSON.stringify(props.accountId)}`,
      );
    }
    checkKeyPrefix(problems, "keyPrefix", props.keyPrefix);
    if (keySuffix === "") problems.push('props.keySuffix: must not be empty, got ""');
    checkWholeNumber(problems, "visibilityTimeoutSeconds", visibilityTimeoutSeconds, 0, 43_200, "seconds");
    checkWholeNumber(problems, "retentionDays", retentionDays, 1, 14, "days");
    checkWholeNumber(problems, "maxReceiveCount", maxReceiveCount, 1, 1000);
    checkWholeNumber(problems, "deadLetterRetentionDays", deadLetterRetentionDays, 1, 14, "days");
    if (deadLetterRetentionDays <= retentionDays) {
      problems.push(
        `props.deadLetterRetentionDays: must be greater than props.retentionDays (${retentionDays}): a message keeps its original enqueue time in the dead-letter queue, got ${deadLetterRetentionDays}`,
      );
    }
    throwIfInvalid("NotificationQueues", problems);

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

    this.queuePolicy = new SqsQueuePolicy(this, "QueuePolicy", {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: "AllowS3EventNotifications",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: this.queue.arn,
          Condition: {
            ArnEquals: { "aws:SourceArn": props.bucketArn },
            StringEquals: { "aws:SourceAccount": props.accountId },
          },
        },
        denyInsecureTransport("sqs:*", [this.queue.arn]),
      ]),
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
          filterSuffix: keySuffix,
        },
      ],
      dependsOn: [this.queuePolicy],
    });
  }
}
