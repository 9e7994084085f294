import { SecurityRule } from "../security-rule";
import { type Element, blocks, elementsOfType, isRecord, refersTo } from "../terraform-elements";
import { attachedToQueue } from "./attached-to-queue";

/**
 * WLP-SQS-3: every `aws_sqs_queue` that an `aws_s3_bucket_notification` sends to has a redrive policy
 * (the queue's `redrive_policy` or an `aws_sqs_queue_redrive_policy`) with a `deadLetterTargetArn`
 * other than the queue itself and a `maxReceiveCount` ≥ 1, so a notification Cortex cannot consume
 * ends up in a dead-letter queue instead of being retried forever or expiring unseen.
 * A notification that sends to a queue outside the stack is reported too: its dead-letter queue cannot be checked.
 * Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export class SqsNotificationQueueHasDeadLetterQueue extends SecurityRule {
  readonly id = "WLP-SQS-3";
  readonly description = "Every queue that receives S3 event notifications has a dead-letter queue";

  check(element: Element): string[] {
    if (element.type === "aws_s3_bucket_notification") return this.checkTargets(element);
    if (element.type !== "aws_sqs_queue") return [];
    const notifications = elementsOfType(element.construct, "aws_s3_bucket_notification").filter((n) =>
      blocks(n.config, "queue").some((q) => refersTo(q.queue_arn, element, ["arn"])),
    );
    if (notifications.length === 0) return [];

    const policies = [
      { where: `the redrive_policy of ${element.address}`, value: element.config.redrive_policy },
      ...attachedToQueue(element, "aws_sqs_queue_redrive_policy").map((r) => ({
        where: `${r.address} of ${element.address}`,
        value: r.config.redrive_policy,
      })),
    ].filter((p) => p.value !== undefined);
    const receivers = notifications.map((n) => n.address).join(", ");
    if (policies.length === 0) {
      return [`${element.address} receives notifications from ${receivers} but has no redrive policy`];
    }
    const problems = policies.map(({ where, value }) => redrivePolicyProblem(where, value, element));
    return problems.some((p) => p === undefined) ? [] : (problems as string[]);
  }

  /** Queue targets of a bucket notification that are not queues of this stack. */
  private checkTargets(notification: Element): string[] {
    const queues = elementsOfType(notification.construct, "aws_sqs_queue");
    return blocks(notification.config, "queue")
      .filter((q) => !queues.some((queue) => refersTo(q.queue_arn, queue, ["arn"])))
      .map(
        (q) =>
          `${notification.address} sends to ${JSON.stringify(q.queue_arn)}, which is not an aws_sqs_queue of this stack, so its dead-letter queue cannot be checked`,
      );
  }
}

/** What is wrong with one redrive policy value, or `undefined` when it names a dead-letter queue. */
function redrivePolicyProblem(where: string, value: unknown, queue: Element): string | undefined {
  let policy: unknown;
  try {
    policy = typeof value === "string" ? JSON.parse(value) : value;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return `${where} cannot be read: ${error.message}`;
  }
  if (!isRecord(policy)) return `${where} is not an object`;
  const target = policy.deadLetterTargetArn;
  const count = Number(policy.maxReceiveCount);
  if (typeof target !== "string" || target === "") return `${where} has no deadLetterTargetArn`;
  if (refersTo(target, queue, ["arn"])) return `${where} names the queue itself as its dead-letter queue`;
  if (policy.maxReceiveCount === undefined) return `${where} has no maxReceiveCount`;
  if (!Number.isInteger(count) || count < 1) {
    return `${where} has maxReceiveCount ${JSON.stringify(policy.maxReceiveCount)}; expected an integer ≥ 1`;
  }
  return undefined;
}
