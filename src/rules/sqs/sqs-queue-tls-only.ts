import {
  type PolicyStatement,
  PolicyReadError,
  deniesInsecureTransport,
  policyStatements,
} from "../policy-document";
import { SecurityRule } from "../security-rule";
import { type Element, isExpression } from "../terraform-elements";
import { attachedToQueue } from "./attached-to-queue";

/**
 * WLP-SQS-1: every `aws_sqs_queue` has a queue policy (an `aws_sqs_queue_policy`, or the queue's own
 * `policy` argument) with a statement that denies `sqs:*` to every principal when
 * `aws:SecureTransport` is `false`, on the queue (its ARN, or `*`).
 * Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html
 */
export class SqsQueueTlsOnly extends SecurityRule {
  readonly id = "WLP-SQS-1";
  readonly requirement = "Every SQS queue denies requests without TLS";

  protected check(element: Element): string[] {
    if (element.type !== "aws_sqs_queue") return [];
    const policies = attachedToQueue(element, "aws_sqs_queue_policy").map((p) => ({
      where: `${p.address} of ${element.address}`,
      value: p.config.policy,
    }));
    if (element.config.policy !== undefined) {
      policies.push({ where: `the policy argument of ${element.address}`, value: element.config.policy });
    }
    if (policies.length === 0) return [`${element.address} has no queue policy`];

    const problems: string[] = [];
    for (const { where, value } of policies) {
      let statements: PolicyStatement[];
      try {
        statements = policyStatements(value, element.construct);
      } catch (error) {
        if (!(error instanceof PolicyReadError)) throw error;
        problems.push(`${where} cannot be read: ${error.message}`);
        continue;
      }
      const denies = statements.some(
        (s) =>
          deniesInsecureTransport(s, "sqs") && s.resources.some((r) => r === "*" || isQueueArn(r, element)),
      );
      if (denies) return [];
    }
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
