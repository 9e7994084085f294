import { beforeAll, describe, expect, it } from "vitest";
import { addressOf, blockOf, policyOf, ref, resourcesOfType, synthesizeStack } from "../../helpers/stack";
import type { Synthesized } from "../../helpers/stack";
import { buildStack } from "../../helpers/stack";
import { synthErrors } from "../rules/rule-test-kit";

const EXISTING_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Every queue of a stack: notification queue, dead-letter queue, failure queue. */
function queueBlocks(synthesized: Synthesized) {
  const { stack, tf } = synthesized;
  return [
    stack.pipeline.archive.notificationQueues.queue,
    stack.pipeline.archive.notificationQueues.deadLetterQueue,
    stack.pipeline.forwarder.processor.failureQueue!,
  ].map((queue) => blockOf(tf, queue));
}

/** The statement with `sid` of the policy of `block`. */
function statement(block: Record<string, unknown>, sid: string) {
  return policyOf(block).Statement.find((s) => s.Sid === sid);
}

describe("encryption", () => {
  describe('"sse" (default)', () => {
    let synthesized: Synthesized;
    beforeAll(() => {
      synthesized = synthesizeStack();
    });

    it("creates no KMS key", () => {
      expect([
        resourcesOfType(synthesized.tf, "aws_kms_key"),
        synthesized.stack.pipeline.archive.kmsKeyArn,
      ]).toEqual([{}, undefined]);
    });

    it("encrypts the bucket and the failure store with SSE-S3", () => {
      for (const encryption of [
        synthesized.stack.pipeline.archive.logArchiveBucket.encryption,
        synthesized.stack.pipeline.forwarder.failureStore.encryption,
      ]) {
        expect(blockOf(synthesized.tf, encryption).rule).toEqual([
          { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
        ]);
      }
    });

    it("encrypts every queue with SSE-SQS", () => {
      for (const queue of queueBlocks(synthesized)) {
        expect([queue.sqs_managed_sse_enabled, queue.kms_master_key_id]).toEqual([true, undefined]);
      }
    });

    it("grants no KMS action to the roles", () => {
      const { stack, tf } = synthesized;
      const actions = [
        stack.pipeline.forwarder.processor.rolePolicy,
        stack.pipeline.archive.cortexReaderRole.policy,
      ]
        .flatMap((policy) => policyOf(blockOf(tf, policy)).Statement)
        .flatMap((s) => [s.Action].flat());
      expect(actions.filter((action) => action.startsWith("kms:"))).toEqual([]);
    });
  });

  describe('"kms" (the stack creates the key)', () => {
    let synthesized: Synthesized;
    let keyArn: string;
    beforeAll(() => {
      synthesized = synthesizeStack({ encryption: "kms", alarms: { email: ["secops@example.com"] } });
      keyArn = ref(synthesized.stack.pipeline.archive.pipelineKey!.key, "arn");
    });

    it("creates one symmetric key with rotation on and a 30-day deletion window", () => {
      expect(Object.values(resourcesOfType(synthesized.tf, "aws_kms_key"))).toEqual([
        {
          description: "Encrypts the WAF log objects, queues and alarm topic of waf-log-pipeline-dev",
          key_usage: "ENCRYPT_DECRYPT",
          customer_master_key_spec: "SYMMETRIC_DEFAULT",
          enable_key_rotation: true,
          deletion_window_in_days: 30,
        },
      ]);
    });

    it("names the key with the alias alias/waf-log-pipeline-<env>", () => {
      const key = synthesized.stack.pipeline.archive.pipelineKey!;
      expect(blockOf(synthesized.tf, key.alias)).toEqual({
        name: "alias/waf-log-pipeline-dev",
        target_key_id: ref(key.key, "key_id"),
      });
    });

    it("encrypts the bucket and the failure store (same region) with SSE-KMS under the key, with an S3 Bucket Key", () => {
      for (const encryption of [
        synthesized.stack.pipeline.archive.logArchiveBucket.encryption,
        synthesized.stack.pipeline.forwarder.failureStore.encryption,
      ]) {
        expect(blockOf(synthesized.tf, encryption).rule).toEqual([
          {
            apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: keyArn },
            bucket_key_enabled: true,
          },
        ]);
      }
    });

    it("encrypts all three queues with the key and reuses data keys for an hour", () => {
      for (const queue of queueBlocks(synthesized)) {
        expect([
          queue.kms_master_key_id,
          queue.kms_data_key_reuse_period_seconds,
          queue.sqs_managed_sse_enabled,
        ]).toEqual([keyArn, 3600, undefined]);
      }
    });

    it("has a key policy for the account, S3, the processor, Cortex and CloudWatch", () => {
      const { stack, tf } = synthesized;
      const block = blockOf(tf, stack.pipeline.archive.pipelineKeyPolicy!.policy);
      expect(block.key_id).toBe(ref(stack.pipeline.archive.pipelineKey!.key, "key_id"));
      expect(policyOf(block).Statement).toEqual([
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "S3EncryptsEventNotifications",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": ref(stack.pipeline.archive.logArchiveBucket.bucket, "arn") },
          },
        },
        {
          Sid: "ProcessorWritesObjectsAndFailures",
          Effect: "Allow",
          Principal: { AWS: ref(stack.pipeline.forwarder.processor.role, "arn") },
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
        },
        {
          Sid: "CortexReaderDecrypts",
          Effect: "Allow",
          Principal: { AWS: ref(stack.pipeline.archive.cortexReaderRole.role, "arn") },
          Action: ["kms:Decrypt"],
          Resource: "*",
        },
        {
          Sid: "CloudWatchPublishesAlarms",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
        },
      ]);
    });

    it("lets the processor role generate data keys and decrypt with the key", () => {
      const block = blockOf(synthesized.tf, synthesized.stack.pipeline.forwarder.processor.rolePolicy);
      expect(statement(block, "UseLogKey")).toEqual({
        Sid: "UseLogKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: keyArn,
      });
    });

    it("lets the Cortex reader role decrypt with the key", () => {
      const block = blockOf(synthesized.tf, synthesized.stack.pipeline.archive.cortexReaderRole.policy);
      expect(statement(block, "DecryptLogObjectsAndNotifications")).toEqual({
        Sid: "DecryptLogObjectsAndNotifications",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: keyArn,
      });
    });

    it("configures the bucket notification only after the key policy lets S3 use the key", () => {
      const { stack, tf } = synthesized;
      expect(blockOf(tf, stack.pipeline.archive.notificationQueues.bucketNotification).depends_on).toEqual([
        addressOf(stack.pipeline.archive.notificationQueues.queuePolicy),
        addressOf(stack.pipeline.archive.pipelineKeyPolicy!.policy),
      ]);
    });

    it("outputs the key ARN", () => {
      expect(synthesized.tf.output.kms_key_arn?.value).toBe(keyArn);
    });

    it("leaves CloudWatch out of the key policy when no alarm notifies a topic", () => {
      const { stack, tf } = synthesizeStack({ encryption: "kms" });
      const sids = policyOf(blockOf(tf, stack.pipeline.archive.pipelineKeyPolicy!.policy)).Statement.map(
        (s) => s.Sid,
      );
      expect(sids).not.toContain("CloudWatchPublishesAlarms");
    });
  });

  describe("an existing key (keyArn)", () => {
    let synthesized: Synthesized;
    beforeAll(() => {
      synthesized = synthesizeStack({ encryption: { type: "kms", keyArn: EXISTING_KEY } });
    });

    it("creates no key and no key policy", () => {
      expect([
        resourcesOfType(synthesized.tf, "aws_kms_key"),
        resourcesOfType(synthesized.tf, "aws_kms_key_policy"),
      ]).toEqual([{}, {}]);
    });

    it("encrypts the bucket and every queue with the configured key", () => {
      const bucketRule = blockOf(
        synthesized.tf,
        synthesized.stack.pipeline.archive.logArchiveBucket.encryption,
      ).rule as {
        apply_server_side_encryption_by_default: { kms_master_key_id: string };
      }[];
      expect([
        bucketRule[0]?.apply_server_side_encryption_by_default.kms_master_key_id,
        ...queueBlocks(synthesized).map((queue) => queue.kms_master_key_id),
      ]).toEqual([EXISTING_KEY, EXISTING_KEY, EXISTING_KEY, EXISTING_KEY]);
    });

    it("grants the roles the key in their own policies", () => {
      const { stack, tf } = synthesized;
      expect([
        statement(blockOf(tf, stack.pipeline.forwarder.processor.rolePolicy), "UseLogKey")?.Resource,
        statement(
          blockOf(tf, stack.pipeline.archive.cortexReaderRole.policy),
          "DecryptLogObjectsAndNotifications",
        )?.Resource,
      ]).toEqual([EXISTING_KEY, EXISTING_KEY]);
    });
  });

  it("passes every security rule with the key, the alarms and their topic", () => {
    const stack = buildStack({ encryption: "kms", alarms: { email: ["secops@example.com"] } });
    expect(synthErrors(stack)).toEqual([]);
  });

  it("passes every security rule with an existing key", () => {
    const stack = buildStack({ encryption: { type: "kms", keyArn: EXISTING_KEY } });
    expect(synthErrors(stack)).toEqual([]);
  });
});
