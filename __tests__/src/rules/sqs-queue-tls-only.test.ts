import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Fn } from "cdktf";
import { describe, expect, it } from "vitest";
import { SqsQueueTlsOnly } from "../../../src/rules/sqs/sqs-queue-tls-only";
import { compliantQueue, denyInsecureQueuePolicy, errorsOf, newStack } from "./rule-test-kit";

describe("SqsQueueTlsOnly (WLP-SQS-1)", () => {
  it("accepts a queue whose queue policy denies requests without TLS", () => {
    const stack = newStack();
    compliantQueue(stack, "notifications");

    expect(errorsOf(stack, new SqsQueueTlsOnly())).toEqual([]);
  });

  it("accepts a TLS-only policy given in the queue's own policy argument, written with Fn.jsonencode", () => {
    const stack = newStack();
    const queue = compliantQueue(stack, "notifications", {}, { policy: false });
    queue.policy = Fn.jsonencode(denyInsecureQueuePolicy(queue));

    expect(errorsOf(stack, new SqsQueueTlsOnly())).toEqual([]);
  });

  it("rejects a queue without a queue policy", () => {
    const stack = newStack();
    compliantQueue(stack, "failures", {}, { policy: false });

    expect(errorsOf(stack, new SqsQueueTlsOnly())).toEqual([
      "[WLP-SQS-1] Every SQS queue denies requests without TLS: aws_sqs_queue.failures has no queue policy",
    ]);
  });

  it("rejects a queue policy without the TLS statement", () => {
    const stack = newStack();
    const queue = compliantQueue(stack, "notifications", {}, { policy: false });
    const policy = denyInsecureQueuePolicy(queue);
    policy.Statement[0]!.Condition = { Bool: { "aws:SecureTransport": "true" } };
    new SqsQueuePolicy(stack, "policy", { queueUrl: queue.url, policy: JSON.stringify(policy) });

    expect(errorsOf(stack, new SqsQueueTlsOnly())).toEqual([
      "[WLP-SQS-1] Every SQS queue denies requests without TLS: no queue policy of aws_sqs_queue.notifications denies sqs:* to every principal when aws:SecureTransport is false on the queue",
    ]);
  });
});

describe("SqsQueueTlsOnly (WLP-SQS-1) with literal ARNs", () => {
  it("accepts a TLS-only statement on the literal ARN of a queue with a literal name", () => {
    const stack = newStack();
    const queue = compliantQueue(stack, "notifications", {}, { policy: false });
    const policy = denyInsecureQueuePolicy(queue);
    policy.Statement[0]!.Resource = "arn:aws:sqs:eu-west-1:111122223333:notifications";
    new SqsQueuePolicy(stack, "policy", { queueUrl: queue.url, policy: JSON.stringify(policy) });

    expect(errorsOf(stack, new SqsQueueTlsOnly())).toEqual([]);
  });
});
