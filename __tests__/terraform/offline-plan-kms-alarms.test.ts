// Issue 5: "The offline plan passes with encryption on", with the alarms and their e-mail topic on.
// Synthesizes the test configuration __tests__/fixtures/config/kms-alarms.json (environment `kms`:
// the stack creates the key; environment `byok`: an existing key ARN, one alarm off, the legacy failure
// queue removed, Object Lock on) and runs the
// offline terraform validate and plan of issue 3 on each stack. Needs the Lambda bundle
// (`npm run build`), terraform and the provider mirror; where those are missing it says why and skips.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_PATH_VARIABLE, loadConfig } from "../../src/config.js";
import { stackName } from "../../src/naming.js";
import { offlinePlan, type OfflinePlanResult } from "../../commands/lib/offline-terraform.js";
import { parsePlanJson } from "../../commands/lib/plan-json.js";
import { PROJECT_ROOT, synthApp } from "../../commands/lib/terraform-synth.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";

const CONFIG_FILE = "__tests__/fixtures/config/kms-alarms.json";
const config = loadConfig(join(PROJECT_ROOT, CONFIG_FILE));
const EXISTING_KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const skip = await skipWithoutOfflineTerraform("offline terraform plan with KMS and alarms");

let outdir: string;
const plans = new Map<string, OfflinePlanResult>();

beforeAll(async () => {
  if (skip) return;
  outdir = await mkdtemp(join(tmpdir(), "waf-offline-plan-kms-"));
  const stacks = await synthApp(outdir, { env: { [CONFIG_PATH_VARIABLE]: CONFIG_FILE } });
  // One after the other: each terraform run loads the AWS provider (≈0.5 GB).
  for (const stack of stacks) plans.set(stack.name, await offlinePlan(stack.dir));
}, 600_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** The planned managed resources of environment `env`: type, name and planned values. */
function planned(env: string) {
  const plan = plans.get(stackName(env));
  if (!plan) throw new Error(`no offline plan for ${stackName(env)}`);
  return (parsePlanJson(JSON.stringify(plan.planJson), env).resource_changes ?? [])
    .filter((change) => change.mode === "managed")
    .map((change) => ({
      type: change.type,
      actions: change.change.actions,
      after: (change.change.after ?? {}) as Record<string, unknown>,
    }));
}

function countOf(env: string, type: string): number {
  return planned(env).filter((change) => change.type === type).length;
}

describe("offline terraform plan with a customer-managed key and alarms", () => {
  it.skipIf(skip).each(Object.keys(config.environments))(
    "validates with 0 errors and 0 warnings (%s)",
    (env) => {
      expect(plans.get(stackName(env))?.validate).toMatchObject({
        valid: true,
        error_count: 0,
        warning_count: 0,
      });
    },
  );

  it.skipIf(skip).each(Object.keys(config.environments))("plans only creations (%s)", (env) => {
    expect(new Set(planned(env).map((change) => change.actions.join()))).toEqual(new Set(["create"]));
  });

  it.skipIf(skip)(
    "plans one key with rotation on, its alias and its key policy when the stack creates the key",
    () => {
      const key = planned("kms").filter((change) => change.type === "aws_kms_key");
      expect([
        key.map((change) => change.after.enable_key_rotation),
        countOf("kms", "aws_kms_alias"),
        countOf("kms", "aws_kms_key_policy"),
      ]).toEqual([[true], 1, 1]);
    },
  );

  it.skipIf(skip)(
    "plans the eight alarms, the three delivery alarms of the log group, an encrypted topic and one subscription per address",
    () => {
      expect([
        countOf("kms", "aws_cloudwatch_metric_alarm"),
        countOf("kms", "aws_sns_topic"),
        countOf("kms", "aws_sns_topic_policy"),
        countOf("kms", "aws_sns_topic_subscription"),
      ]).toEqual([8 + 3, 1, 1, 2]);
    },
  );

  it.skipIf(skip)(
    "plans the delivery alarms' Metrics Insights queries and metric math as Terraform accepts them",
    () => {
      const queries = planned("kms")
        .filter(
          (c) =>
            c.type === "aws_cloudwatch_metric_alarm" &&
            (c.after.metric_query as unknown[] | undefined)?.length,
        )
        .map((c) => (c.after.metric_query as { expression?: string }[]).map((q) => q.expression || "metric"));
      expect(queries).toEqual([
        [`SELECT SUM(DeliveryErrors) FROM "AWS/Logs" WHERE LogGroupName = 'aws-waf-logs-example'`],
        [`SELECT SUM(DeliveryThrottling) FROM "AWS/Logs" WHERE LogGroupName = 'aws-waf-logs-example'`],
        ["metric", "metric", "metric", expect.stringMatching(/^IF\(incoming > 0, /)],
      ]);
    },
  );

  it.skipIf(skip)(
    "plans the failure store encrypted with the key of its own region, the archive's here",
    () => {
      const encryption = planned("byok").filter(
        (c) => c.type === "aws_s3_bucket_server_side_encryption_configuration",
      );
      expect(
        encryption.map(
          (c) =>
            (
              c.after.rule as { apply_server_side_encryption_by_default: { kms_master_key_id: string }[] }[]
            )[0]!.apply_server_side_encryption_by_default[0]!.kms_master_key_id,
        ),
      ).toEqual([EXISTING_KEY, EXISTING_KEY]);
    },
  );

  it.skipIf(skip)("plans Object Lock as its own resource, the bucket without object_lock_enabled", () => {
    const lock = planned("byok").filter((c) => c.type === "aws_s3_bucket_object_lock_configuration");
    expect(lock.map((c) => [c.after.object_lock_enabled, c.after.rule])).toEqual([
      ["Enabled", [{ default_retention: [{ mode: "GOVERNANCE", days: 30, years: null }] }]],
    ]);
  });

  it.skipIf(skip)("plans the no-invocations alarm over the configured window, missing data breaching", () => {
    const alarm = planned("kms").find(
      (change) => change.after.alarm_name === "waf-log-pipeline-kms-no-invocations",
    );
    expect(alarm?.after).toMatchObject({ period: 7200, treat_missing_data: "breaching", threshold: 1 });
  });

  it.skipIf(skip)("plans no key with an existing key, and uses its ARN on every queue and the topic", () => {
    const byok = planned("byok");
    expect([
      countOf("byok", "aws_kms_key"),
      countOf("byok", "aws_kms_key_policy"),
      byok.filter((c) => c.type === "aws_sqs_queue").map((c) => c.after.kms_master_key_id),
      byok.filter((c) => c.type === "aws_sns_topic").map((c) => c.after.kms_master_key_id),
    ]).toEqual([0, 0, [EXISTING_KEY, EXISTING_KEY], [EXISTING_KEY]]);
  });

  it.skipIf(skip)("plans only the alarms that are on, and none for a removed failure queue", () => {
    expect(countOf("byok", "aws_cloudwatch_metric_alarm")).toBe(8 - 2 + 3);
  });
});
