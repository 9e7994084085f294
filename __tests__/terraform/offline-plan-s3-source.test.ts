// Issue 13's "Done when": an environment with an `s3` source synthesizes and passes the offline
// `terraform validate` and `plan`. The committed configuration's estate has an s3 source; its stack
// (the landing bucket and what it needs) is planned offline from a copy of only its stack directory
// (offline-plan-estate.test.ts plans every stack of the estate, the archive's included, which admits
// the bucket). Skips where terraform or the provider mirror is missing, and says so.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlinePlan, type OfflinePlanResult } from "../../commands/lib/offline-terraform.js";
import { parsePlanJson } from "../../commands/lib/plan-json.js";
import { PROJECT_ROOT, synthApp } from "../../commands/lib/terraform-synth.js";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../src/config.js";
import type { S3SourceConfig } from "../../src/estate-config.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";
import { policyOf, type TerraformJson } from "../helpers/stack.js";

const skip = await skipWithoutOfflineTerraform("offline terraform plan of an s3 source", { bundle: true });

const config = loadConfig(join(PROJECT_ROOT, DEFAULT_CONFIG_PATH));
const estates = Object.entries(config.estates).flatMap(([env, estate]) =>
  estate.sources
    .filter((s): s is S3SourceConfig => s.type === "s3")
    .map((source) => ({ env, estate, source })),
);
const first = estates[0];

let outdir: string;
const plans = new Map<string, OfflinePlanResult>();
const stackDirs = new Map<string, string>();

beforeAll(async () => {
  if (skip || first === undefined) return;
  outdir = await mkdtemp(join(tmpdir(), "waf-offline-plan-s3-"));
  const stacks = await synthApp(outdir);
  for (const name of [first.source.stackName, first.estate.archive.stackName]) {
    const stack = stacks.find((s) => s.name === name);
    if (stack === undefined) throw new Error(`stack ${name} was not synthesized`);
    stackDirs.set(name, stack.dir);
  }
  plans.set(first.source.stackName, await offlinePlan(stackDirs.get(first.source.stackName)!));
}, 600_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** The planned managed resources of stack `name`, by type. */
function planned(name: string) {
  const result = plans.get(name)!;
  return (parsePlanJson(JSON.stringify(result.planJson), name).resource_changes ?? []).filter(
    (change) => change.mode === "managed",
  );
}

describe("offline terraform check of an s3 source", () => {
  it("the committed configuration has an estate with an s3 source", () => {
    expect(first).toBeDefined();
  });

  it.skipIf(skip)("validates the s3 source's stack with 0 errors and 0 warnings", () => {
    expect(plans.get(first!.source.stackName)!.validate).toMatchObject({
      valid: true,
      error_count: 0,
      warning_count: 0,
    });
  });

  it.skipIf(skip)("plans the landing bucket and everything it needs, only creations", () => {
    const changes = planned(first!.source.stackName);
    const counts: Record<string, number> = {};
    for (const change of changes) counts[change.type] = (counts[change.type] ?? 0) + 1;

    expect(counts).toMatchObject({
      aws_s3_bucket: 1,
      aws_s3_bucket_policy: 1,
      aws_s3_bucket_public_access_block: 1,
      aws_s3_bucket_ownership_controls: 1,
      aws_s3_bucket_server_side_encryption_configuration: 1,
      aws_s3_bucket_lifecycle_configuration: 1,
      aws_s3_bucket_notification: 1,
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
      aws_cloudwatch_metric_alarm: 1,
      aws_wafv2_web_acl_logging_configuration: first!.source.webAclArns.length,
    });
    expect(counts.aws_lambda_function).toBeUndefined();
    expect(new Set(changes.map((change) => change.change.actions.join()))).toEqual(new Set(["create"]));
  });

  it.skipIf(skip)("plans the bucket named aws-waf-logs-…, notifying the archive's queue", () => {
    const changes = planned(first!.source.stackName);
    const bucket = changes.find((c) => c.type === "aws_s3_bucket")!;
    const notification = changes.find((c) => c.type === "aws_s3_bucket_notification")!;

    expect((bucket.change.after as { bucket: string }).bucket).toBe(first!.source.bucketName);
    expect((notification.change.after as { queue: { queue_arn: string }[] }).queue[0]!.queue_arn).toBe(
      first!.source.notificationQueueArn,
    );
  });

  it.skipIf(skip)("synthesizes the archive's queue policy admitting the landing bucket", () => {
    const synthesized = JSON.parse(
      readFileSync(join(stackDirs.get(first!.estate.archive.stackName)!, "cdk.tf.json"), "utf8"),
    ) as TerraformJson;
    const statements = Object.values(synthesized.resource.aws_sqs_queue_policy!).flatMap(
      (block) => policyOf(block).Statement,
    );

    expect(statements.find((s) => s.Sid === "AllowS3EventNotificationsOfWafS3Source1")?.Condition).toEqual({
      ArnEquals: { "aws:SourceArn": `arn:aws:s3:::${first!.source.bucketName}` },
      StringEquals: { "aws:SourceAccount": first!.source.accountId },
    });
  });
});
