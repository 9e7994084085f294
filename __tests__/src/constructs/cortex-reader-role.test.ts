import { beforeAll, describe, expect, it } from "vitest";
import { CortexReaderRole } from "../../../src/constructs/cortex-reader-role";
import { blockOf, policyOf, ref, synthesizeStack, type Synthesized } from "../../helpers/stack";

describe("CortexReaderRole", () => {
  let synthesized: Synthesized;
  let reader: CortexReaderRole;
  beforeAll(() => {
    synthesized = synthesizeStack();
    reader = synthesized.stack.pipeline.archive.cortexReaderRole;
  });

  it("is named after the stack", () => {
    expect(blockOf(synthesized.tf, reader.role).name).toBe("waf-log-pipeline-dev-cortex-reader");
  });

  it("trusts only the Cortex account's root with the external ID from the sensitive variable", () => {
    expect(policyOf(blockOf(synthesized.tf, reader.role), "assume_role_policy").Statement).toEqual([
      {
        Sid: "CortexAssumeRoleWithExternalId",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::006742885340:root" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": "${var.cortex_external_id}" } },
      },
    ]);
  });

  it("may only get objects under the prefix and consume the notification queue", () => {
    const block = blockOf(synthesized.tf, reader.policy);
    expect(block.role).toBe(ref(reader.role, "id"));
    expect(policyOf(block).Statement).toEqual([
      {
        Sid: "ReadLogObjects",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `${ref(synthesized.stack.pipeline.archive.logArchiveBucket.bucket, "arn")}/raw/*`,
      },
      {
        Sid: "ConsumeNotifications",
        Effect: "Allow",
        Action: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
        ],
        Resource: ref(synthesized.stack.pipeline.archive.notificationQueues.queue, "arn"),
      },
    ]);
  });

  it("has no managed policies attached", () => {
    expect(synthesized.tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(blockOf(synthesized.tf, reader.role).managed_policy_arns).toBeUndefined();
  });

  it("trusts the FedRAMP Cortex account when the tenant is FedRAMP", () => {
    const { stack, tf } = synthesizeStack({ cortex: { fedramp: true } });
    const trust = policyOf(blockOf(tf, stack.pipeline.archive.cortexReaderRole.role), "assume_role_policy");
    expect(trust.Statement[0]?.Principal).toEqual({ AWS: "arn:aws:iam::685269782068:root" });
  });
});
