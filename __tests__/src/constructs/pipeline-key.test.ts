import { TerraformStack, Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { PipelineKey } from "../../../src/constructs/pipeline-key";
import { PipelineKeyPolicy } from "../../../src/constructs/pipeline-key-policy";
import { PropsError } from "../../../src/constructs/props-error";
import { applySecurityRules } from "../../../src/rules";
import { addressOf, blockOf, policyOf, ref, resourcesOfType, synthesizeStack } from "../../helpers/stack";
import type { Synthesized } from "../../helpers/stack";
import { buildStack } from "../../helpers/stack";
import { synthErrors } from "../rules/rule-test-kit";

const EXISTING_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Every queue of a stack: notification queue, dead-letter queue, failure queue. */
function queueBlocks(synthesized: Synthesized) {
  const { stack, tf } = synthesized;
  return [
    stack.notificationQueues.queue,
    stack.notificationQueues.deadLetterQueue,
    stack.processor.failureQueue,
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
      expect([resourcesOfType(synthesized.tf, "aws_kms_key"), synthesized.stack.kmsKeyArn]).toEqual([
        {},
        undefined,
      ]);
    });

    it("encrypts the bucket with SSE-S3", () => {
      expect(blockOf(synthesized.tf, synthesized.stack.logArchiveBucket.encryption).rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
    });

    it("encrypts every queue with SSE-SQS", () => {
      for (const queue of queueBlocks(synthesized)) {
        expect([queue.sqs_managed_sse_enabled, queue.kms_master_key_id]).toEqual([true, undefined]);
      }
    });

    it("grants no KMS action to the roles", () => {
      const { stack, tf } = synthesized;
      const actions = [stack.processor.rolePolicy, stack.cortexReaderRole.policy]
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
      keyArn = ref(synthesized.stack.pipelineKey!.key, "arn");
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
      const key = synthesized.stack.pipelineKey!;
      expect(blockOf(synthesized.tf, key.alias)).toEqual({
        name: "alias/waf-log-pipeline-dev",
        target_key_id: ref(key.key, "key_id"),
      });
    });

    it("encrypts the bucket with SSE-KMS under the key, with an S3 Bucket Key", () => {
      expect(blockOf(synthesized.tf, synthesized.stack.logArchiveBucket.encryption).rule).toEqual([
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: keyArn },
          bucket_key_enabled: true,
        },
      ]);
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
      const block = blockOf(tf, stack.pipelineKeyPolicy!.policy);
      expect(block.key_id).toBe(ref(stack.pipelineKey!.key, "key_id"));
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
            ArnLike: { "aws:SourceArn": ref(stack.logArchiveBucket.bucket, "arn") },
          },
        },
        {
          Sid: "ProcessorWritesObjectsAndFailures",
          Effect: "Allow",
          Principal: { AWS: ref(stack.processor.role, "arn") },
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
        },
        {
          Sid: "CortexReaderDecrypts",
          Effect: "Allow",
          Principal: { AWS: ref(stack.cortexReaderRole.role, "arn") },
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
      const block = blockOf(synthesized.tf, synthesized.stack.processor.rolePolicy);
      expect(statement(block, "UseLogKey")).toEqual({
        Sid: "UseLogKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: keyArn,
      });
    });

    it("lets the Cortex reader role decrypt with the key", () => {
      const block = blockOf(synthesized.tf, synthesized.stack.cortexReaderRole.policy);
      expect(statement(block, "DecryptLogObjectsAndNotifications")).toEqual({
        Sid: "DecryptLogObjectsAndNotifications",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: keyArn,
      });
    });

    it("configures the bucket notification only after the key policy lets S3 use the key", () => {
      const { stack, tf } = synthesized;
      expect(blockOf(tf, stack.notificationQueues.bucketNotification).depends_on).toEqual([
        addressOf(stack.notificationQueues.queuePolicy),
        addressOf(stack.pipelineKeyPolicy!.policy),
      ]);
    });

    it("outputs the key ARN", () => {
      expect(synthesized.tf.output.kms_key_arn?.value).toBe(keyArn);
    });

    it("leaves CloudWatch out of the key policy when no alarm notifies a topic", () => {
      const { stack, tf } = synthesizeStack({ encryption: "kms" });
      const sids = policyOf(blockOf(tf, stack.pipelineKeyPolicy!.policy)).Statement.map((s) => s.Sid);
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
      const bucketRule = blockOf(synthesized.tf, synthesized.stack.logArchiveBucket.encryption).rule as {
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
        statement(blockOf(tf, stack.processor.rolePolicy), "UseLogKey")?.Resource,
        statement(blockOf(tf, stack.cortexReaderRole.policy), "DecryptLogObjectsAndNotifications")?.Resource,
      ]).toEqual([EXISTING_KEY, EXISTING_KEY]);
    });
  });

  it("passes every security rule with the key, the alarms and their topic", () => {
    const stack = buildStack({ encryption: "kms", alarms: { email: ["secops@example.com"] } });
    applySecurityRules(stack);
    expect(synthErrors(stack)).toEqual([]);
  });

  it("passes every security rule with an existing key", () => {
    const stack = buildStack({ encryption: { type: "kms", keyArn: EXISTING_KEY } });
    applySecurityRules(stack);
    expect(synthErrors(stack)).toEqual([]);
  });
});

describe("PipelineKey", () => {
  it("rejects an alias that AWS reserves and a deletion window KMS does not accept, all at once", () => {
    expect(
      () => new PipelineKey(Testing.app(), "Key", { aliasName: "alias/aws/s3", deletionWindowDays: 3 }),
    ).toThrow(
      new PropsError("PipelineKey", [
        'props.aliasName: must be "alias/" followed by 1–250 letters, digits, / _ -, and not start with "alias/aws/" (reserved for AWS-managed keys), got "alias/aws/s3"',
        "props.deletionWindowDays: must be a whole number from 7 to 30 days, got 3",
      ]),
    );
  });
});

describe("PipelineKeyPolicy", () => {
  it("rejects a log bucket ARN that is not an S3 bucket ARN, with the account, all at once", () => {
    expect(
      () =>
        new PipelineKeyPolicy(new TerraformStack(Testing.app(), "test"), "KeyPolicy", {
          keyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
          accountId: "1234",
          region: "us-east-1",
          processorRoleArn: "arn:aws:iam::111122223333:role/processor",
          cortexReaderRoleArn: "arn:aws:iam::111122223333:role/cortex-reader",
          logBucketArn: "waf-logs",
        }),
    ).toThrow(
      new PropsError("PipelineKeyPolicy", [
        'props.accountId: must be a 12-digit AWS account id, got "1234"',
        'props.logBucketArn: must be an S3 bucket ARN (arn:<partition>:s3:::<bucket name>), got "waf-logs"',
      ]),
    );
  });
});
