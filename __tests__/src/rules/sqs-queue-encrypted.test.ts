import { describe, expect, it } from "vitest";
import { SqsQueueEncrypted } from "../../../src/rules/sqs/sqs-queue-encrypted";
import { compliantQueue, errorsOf, newStack } from "./rule-test-kit";

const REQUIREMENT =
  "[WLP-SQS-2] Every SQS queue is encrypted with SSE-SQS or a customer-managed KMS key, never an AWS-managed key";

describe("SqsQueueEncrypted (WLP-SQS-2)", () => {
  it("accepts SSE-SQS", () => {
    const stack = newStack();
    compliantQueue(stack, "notifications");

    expect(errorsOf(stack, new SqsQueueEncrypted())).toEqual([]);
  });

  it("accepts a customer-managed key", () => {
    const stack = newStack();
    compliantQueue(stack, "notifications", {
      sqsManagedSseEnabled: undefined,
      kmsMasterKeyId: "alias/waf-log-pipeline-dev",
    });

    expect(errorsOf(stack, new SqsQueueEncrypted())).toEqual([]);
  });

  it("rejects the AWS-managed key alias/aws/sqs", () => {
    const stack = newStack();
    compliantQueue(stack, "notifications", {
      sqsManagedSseEnabled: undefined,
      kmsMasterKeyId: "alias/aws/sqs",
    });

    expect(errorsOf(stack, new SqsQueueEncrypted())).toEqual([
      `${REQUIREMENT}: aws_sqs_queue.notifications uses the AWS-managed key alias/aws/sqs, which S3 and other accounts cannot use`,
    ]);
  });

  it("rejects the AWS-managed key given as an alias ARN", () => {
    const stack = newStack();
    const key = "arn:aws:kms:eu-west-1:111122223333:alias/aws/sqs";
    compliantQueue(stack, "notifications", { sqsManagedSseEnabled: undefined, kmsMasterKeyId: key });

    expect(errorsOf(stack, new SqsQueueEncrypted())).toEqual([
      `${REQUIREMENT}: aws_sqs_queue.notifications uses the AWS-managed key ${key}, which S3 and other accounts cannot use`,
    ]);
  });

  it("rejects a queue that does not say how it is encrypted", () => {
    const stack = newStack();
    compliantQueue(stack, "failures", { sqsManagedSseEnabled: false });

    expect(errorsOf(stack, new SqsQueueEncrypted())).toEqual([
      `${REQUIREMENT}: aws_sqs_queue.failures sets neither sqs_managed_sse_enabled = true nor a kms_master_key_id`,
    ]);
  });
});
