// The offline Terraform check of issue 3: every synthesized stack validates with 0 errors and
// 0 warnings and plans successfully, offline, from a copy of ONLY its stack directory (which is
// what Terraform Cloud uploads, so the cloud-backed stack's plan also proves issue 4's "the stack
// directory alone is self-sufficient"). Needs the lambda bundle (`npm run build`, which npm test
// runs first), terraform on PATH and the provider mirror; where those are missing it says why and
// skips.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_PATH, loadConfig, type EnvironmentConfig } from "../../src/config.js";
import { stackName } from "../../src/naming.js";
import {
  offlinePlan,
  PLACEHOLDER_EXTERNAL_ID,
  type OfflinePlanResult,
} from "../../commands/lib/offline-terraform.js";
import { parsePlanJson } from "../../commands/lib/plan-json.js";
import { summarizePlan } from "../../commands/lib/plan-summary.js";
import { PROJECT_ROOT, synthApp, type SynthesizedStack } from "../../commands/lib/terraform-synth.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";

const skip = await skipWithoutOfflineTerraform("offline terraform validate/plan");

const config = loadConfig(join(PROJECT_ROOT, DEFAULT_CONFIG_PATH));
const environments = Object.keys(config.environments).sort();

/**
 * The resources one environment plans, by Terraform type, with their counts: what issue 3 lists,
 * plus what the environment's configuration turns on (issue 5's alarms and key, issue 6's WAF side,
 * issue 11's failure store, delivery alarms, dashboard, versioning and Object Lock).
 */
function expectedResources(env: EnvironmentConfig): Record<string, number> {
  const logGroups = env.wafLogGroupNames.length;
  const queues = env.keepFailureQueue ? 3 : 2;
  const counts: Record<string, number> = {
    // Buckets: the log bucket and the failure store (issue 11), each with public access block,
    // BucketOwnerEnforced, default encryption, TLS-only policy, lifecycle and versioning (the failure
    // store always, the log bucket by default).
    aws_s3_bucket: 2,
    aws_s3_bucket_public_access_block: 2,
    aws_s3_bucket_ownership_controls: 2,
    aws_s3_bucket_server_side_encryption_configuration: 2,
    aws_s3_bucket_policy: 2,
    aws_s3_bucket_lifecycle_configuration: 2,
    aws_s3_bucket_versioning: env.versioning.enabled ? 2 : 1,
    // Queues: notification queue, its dead-letter queue and, while kept, the legacy failure queue; a
    // queue policy on each (the notification queue's lets S3 send; all deny requests without TLS,
    // security rule WLP-SQS-1), the redrive policy and the DLQ's redrive-allow policy; one notification.
    aws_sqs_queue: queues,
    aws_sqs_queue_policy: queues,
    aws_sqs_queue_redrive_policy: 1,
    aws_sqs_queue_redrive_allow_policy: 1,
    aws_s3_bucket_notification: 1,
    // Processor: function, its log group, async invoke config; roles and inline policies of the
    // processor and of the Cortex reader.
    aws_lambda_function: 1,
    aws_cloudwatch_log_group: 1,
    aws_lambda_function_event_invoke_config: 1,
    aws_iam_role: 2,
    aws_iam_role_policy: 2,
    // One Lambda permission for every aws-waf-logs-* log group; a subscription filter per log group.
    aws_lambda_permission: 1,
    aws_cloudwatch_log_subscription_filter: logGroups,
    // Issue 11: the dashboard of the whole path.
    aws_cloudwatch_dashboard: 1,
  };
  const add = (type: string, n: number) => {
    if (n > 0) counts[type] = (counts[type] ?? 0) + n;
  };
  add("aws_s3_bucket_object_lock_configuration", env.objectLock === undefined ? 0 : 1);
  // Issue 5: one alarm per enabled alarm (issue 11: failure records, and three delivery alarms per log
  // group); an SNS topic with its policy and a subscription per address.
  const { alarms } = env;
  if (alarms.enabled) {
    const each = [
      alarms.failureRecords,
      ...(env.keepFailureQueue ? [alarms.failureQueueMessages] : []),
      alarms.deadLetterQueueMessages,
      alarms.processorErrors,
      alarms.processorThrottles,
      alarms.notificationQueueAge,
      alarms.noInvocations,
      alarms.destinationDeliveryFailures,
    ];
    const perLogGroup = [alarms.deliveryErrors, alarms.deliveryThrottling, alarms.skippedLogEvents];
    add(
      "aws_cloudwatch_metric_alarm",
      each.filter((alarm) => alarm.enabled).length + logGroups * perLogGroup.filter((a) => a.enabled).length,
    );
    if (alarms.email.length > 0) {
      add("aws_sns_topic", 1);
      add("aws_sns_topic_policy", 1);
      add("aws_sns_topic_subscription", alarms.email.length);
    }
  }
  // Issue 5: a key the stack creates, with its alias and key policy.
  if (env.encryption.type === "kms" && env.encryption.keyArn === undefined) {
    add("aws_kms_key", 1);
    add("aws_kms_alias", 1);
    add("aws_kms_key_policy", 1);
  }
  // Issue 6: managed WAF log groups and their log delivery policy; a logging configuration per web ACL.
  if (env.waf?.manageLogGroup) {
    add("aws_cloudwatch_log_group", logGroups);
    add("aws_cloudwatch_log_resource_policy", 1);
  }
  add("aws_wafv2_web_acl_logging_configuration", env.waf?.webAclArns.length ?? 0);
  return counts;
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

let outdir: string;
let stacks: SynthesizedStack[] = [];
const plans = new Map<string, OfflinePlanResult>();

beforeAll(async () => {
  if (skip) return;
  outdir = await mkdtemp(join(tmpdir(), "waf-offline-plan-synth-"));
  stacks = await synthApp(outdir);
  // One stack after the other: each terraform run loads the AWS provider (≈0.5 GB). The estate's
  // stacks are planned by offline-plan-estate.test.ts.
  for (const stack of stacks.filter((s) => environments.map(stackName).includes(s.name))) {
    plans.set(stack.name, await offlinePlan(stack.dir));
  }
}, 600_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

function plan(env: string): OfflinePlanResult {
  const result = plans.get(stackName(env));
  if (!result) throw new Error(`no offline plan for ${stackName(env)}`);
  return result;
}

function plannedCounts(env: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const changes = parsePlanJson(JSON.stringify(plan(env).planJson), env).resource_changes ?? [];
  for (const change of changes.filter((c) => c.mode === "managed")) {
    counts[change.type] = (counts[change.type] ?? 0) + 1;
  }
  return counts;
}

describe("offline terraform check", () => {
  it.skipIf(skip)(
    "synthesizes one stack per environment of the configuration, and the estates' stacks",
    () => {
      const estateStacks = Object.values(config.estates).flatMap((estate) => [
        estate.archive.stackName,
        ...estate.sources.map((source) => source.stackName),
      ]);
      expect(stacks.map((s) => s.name)).toEqual([...environments.map(stackName), ...estateStacks].sort());
    },
  );

  describe.each(environments)("stack of environment %s", (env) => {
    it.skipIf(skip)("validates with 0 errors and 0 warnings", () => {
      expect(plan(env).validate).toMatchObject({
        valid: true,
        error_count: 0,
        warning_count: 0,
        diagnostics: [],
      });
    });

    it.skipIf(skip)("plans the resource types and counts its configuration calls for", () => {
      expect(plannedCounts(env)).toEqual(expectedResources(config.environments[env]!));
    });

    it.skipIf(skip)("plans only creations against empty state", () => {
      const actions = (parsePlanJson(JSON.stringify(plan(env).planJson), env).resource_changes ?? [])
        .filter((c) => c.mode === "managed")
        .map((c) => c.change.actions.join());
      expect(new Set(actions)).toEqual(new Set(["create"]));
    });

    it.skipIf(skip)("prints Terraform's plan with the expected number of additions", () => {
      expect(plan(env).planText).toContain(
        `Plan: ${total(expectedResources(config.environments[env]!))} to add, 0 to change, 0 to destroy.`,
      );
    });

    it.skipIf(skip)("keeps the external ID out of the human-readable plan", () => {
      expect(plan(env).planText).not.toContain(PLACEHOLDER_EXTERNAL_ID);
    });
  });

  it.skipIf(skip || !environments.some((env) => config.environments[env]!.terraformCloud))(
    "plans a Terraform Cloud stack from a copy of only its stack directory",
    () => {
      const cloud = stacks.filter((s) => s.backend === "cloud" && plans.has(s.name));
      expect(cloud.length).toBeGreaterThan(0);
      for (const stack of cloud) expect(plans.get(stack.name)?.backend).toBe("cloud");
    },
  );

  it.skipIf(skip)("refers only to files inside each stack directory", () => {
    // Stacks without a processor (an estate's archive, its s3 sources) have no assets.
    const withoutAssets = Object.values(config.estates).flatMap((estate) => [
      estate.archive.stackName,
      ...estate.sources.filter((source) => source.type === "s3").map((source) => source.stackName),
    ]);
    for (const stack of stacks.filter((s) => !withoutAssets.includes(s.name))) {
      const json = readFileSync(join(stack.dir, "cdk.tf.json"), "utf8");
      const assetPaths = [...json.matchAll(/"(assets\/[^"$]+)"/g)].map((m) => m[1]!);
      expect(assetPaths.length).toBeGreaterThan(0);
      for (const path of assetPaths) expect(existsSync(join(stack.dir, path)), path).toBe(true);
    }
  });
});

describe("plan summary of the offline creation plan", () => {
  it.skipIf(skip).each(environments)("counts every planned resource as a creation (%s)", (env) => {
    const markdown = summarizePlan(parsePlanJson(JSON.stringify(plan(env).planJson), env));
    expect(markdown).toContain(
      `**Plan:** ${total(expectedResources(config.environments[env]!))} to create, 0 to update, 0 to replace, 0 to delete.\n`,
    );
    expect(markdown).not.toContain("[!CAUTION]");
  });

  it.skipIf(skip).each(environments)("has one table row per planned resource (%s)", (env) => {
    const markdown = summarizePlan(parsePlanJson(JSON.stringify(plan(env).planJson), env));
    const rows = markdown.split("\n").filter((line) => /^\| `[^`]+` \| create \| {2}\|$/.test(line));
    expect(rows).toHaveLength(total(expectedResources(config.environments[env]!)));
  });

  it.skipIf(skip).each(environments)(
    "never shows the sensitive external ID the plan JSON holds (%s)",
    (env) => {
      const planJson = JSON.stringify(plan(env).planJson);
      expect(planJson).toContain(PLACEHOLDER_EXTERNAL_ID);
      expect(summarizePlan(parsePlanJson(planJson, env))).not.toContain(PLACEHOLDER_EXTERNAL_ID);
    },
  );
});
