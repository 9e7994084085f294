import { SecurityRule } from "../security-rule";
import { type Element, isExpression } from "../terraform-elements";
import { insecureTransportDenials, resourcePolicies } from "../tls-only-statement";
import { attachedToQueue } from "./attached-to-queue";

/**
 * WLP-SQS-1: every `aws_sqs_queue` has a queue policy (an `aws_sqs_queue_policy`, or the queue's own
 * `policy` argument) with a statement that denies `sqs:*` to every principal when
 * `aws:SecureTransport` is `false`, on the queue (its ARN, or `*`).
 * Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html
 */
export class SqsQueueTlsOnly extends SecurityRule {
  readonly id = "WLP-SQS-1";
  readonly description = "Every SQS queue denies requests without TLS";

  check(element: Element): string[] {
    if (element.type !== "aws_sqs_queue") return [];
    const policies = resourcePolicies(element, attachedToQueue(element, "aws_sqs_queue_policy"));
    if (policies.length === 0) return [`${element.address} has no queue policy`];

    const { denials, problems } = insecureTransportDenials(element, policies, "sqs");
    if (denials.some((s) => s.resources.some((r) => r === "*" || isQueueArn(r, element)))) return [];
    return [
      ...problems,
      `no queue policy of ${element.address} denies sqs:* to every principal when aws:SecureTransport is false on the queue`,
    ];
  }
}

/** A reference to the queue's ARN, or the literal ARN of a queue with a literal `name`. */
function isQueueArn(arn: string, queue: Element): boolean {
  if (arn === `\${${queue.address}.arn}`) return true;
  const name = queue.config.name;
  if (typeof name !== "string" || isExpression(name)) return false;
  return /^arn:aws(-cn|-us-gov)?:sqs:[a-z0-9-]+:\d{12}:/.test(arn) && arn.endsWith(`:${name}`);
}
