// The offline Terraform check of the committed configuration's estate: `npm run synth` writes the
// archive stack and one stack per source, and each validates with 0 errors and 0 warnings and plans
// offline from a copy of only its stack directory. The discovery data source
// (aws_cloudwatch_log_groups) calls AWS, so the plan replaces it with a fixture of its own.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlinePlan, type OfflinePlanResult } from "../../commands/lib/offline-terraform.js";
import { parsePlanJson } from "../../commands/lib/plan-json.js";
import { PROJECT_ROOT, synthApp, type SynthesizedStack } from "../../commands/lib/terraform-synth.js";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../src/config.js";
import type { CloudWatchSourceConfig } from "../../src/estate-config.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";

const skip = await skipWithoutOfflineTerraform("offline terraform validate/plan of the estate");

const estate = loadConfig(join(PROJECT_ROOT, DEFAULT_CONFIG_PATH)).estates.estate!;
const estateStackNames = [estate.archive.stackName, ...estate.sources.map((source) => source.stackName)];
const cloudwatchSources = estate.sources.filter(
  (source): source is CloudWatchSourceConfig => source.type === "cloudwatch",
);
const discovering = cloudwatchSources.find((source) => "discovery" in source.logGroups)!;

/** What the discovery data source "finds" in the offline plan: three groups under the prefix, one excluded. */
const FIXTURE = ["aws-waf-logs-shop-api", "aws-waf-logs-sandbox", "aws-waf-logs-admin"];
const fixturePrefixes: string[] = [];

let outdir: string;
let stacks: SynthesizedStack[] = [];
const plans = new Map<string, OfflinePlanResult>();

beforeAll(async () => {
  if (skip) return;
  outdir = await mkdtemp(join(tmpdir(), "waf-offline-plan-estate-"));
  stacks = (await synthApp(outdir)).filter((stack) => estateStackNames.includes(stack.name));
  for (const stack of stacks) {
    plans.set(
      stack.name,
      await offlinePlan(stack.dir, {
        discoveredLogGroups: (prefix) => {
          fixturePrefixes.push(prefix);
          return FIXTURE.filter((name) => name.startsWith(prefix));
        },
      }),
    );
  }
}, 600_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** The managed resource changes of a stack's plan, with `index` (the `for_each` key) where there is one. */
function changes(stack: string) {
  const result = plans.get(stack);
  if (!result) throw new Error(`no offline plan for ${stack}`);
  const parsed = parsePlanJson(JSON.stringify(result.planJson), stack).resource_changes ?? [];
  const raw = (result.planJson.resource_changes ?? []) as { address: string; index?: unknown }[];
  const indexes = new Map(raw.map((change) => [change.address, change.index]));
  return parsed
    .filter((change) => change.mode === "managed")
    .map((change) => ({ ...change, index: indexes.get(change.address) }));
}

describe("offline terraform check of the estate", () => {
  it.skipIf(skip)("synthesizes the archive stack and one stack per source", () => {
    expect(stacks.map((stack) => stack.name).sort()).toEqual([...estateStackNames].sort());
  });

  it.skipIf(skip)(
    "lists every stack of the estate under the estate's environment (npm run plan -- --list-json)",
    () => {
      expect(stacks.map((stack) => stack.environment)).toEqual(stacks.map(() => "estate"));
    },
  );

  it.skipIf(skip).each(estateStackNames)("validates %s with 0 errors and 0 warnings", (name) => {
    expect(plans.get(name)!.validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it.skipIf(skip)(
    "plans each stack in its Terraform Cloud workspace's form from a copy of only its directory",
    () => {
      expect(stacks.map((stack) => [stack.name, stack.backend, plans.get(stack.name)!.backend])).toEqual(
        stacks.map((stack) => [stack.name, "cloud", "cloud"]),
      );
    },
  );

  it.skipIf(skip).each(estateStackNames)("plans %s: only creations", (name) => {
    const actions = changes(name).map((change) => change.change.actions.join());
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["create"]));
  });

  it.skipIf(skip)("plans the archive's bucket, queues and reader role, and no processor", () => {
    const types = new Set(changes(estate.archive.stackName).map((change) => change.type));

    expect(types.has("aws_lambda_function")).toBe(false);
    for (const type of ["aws_s3_bucket", "aws_s3_bucket_policy", "aws_sqs_queue", "aws_iam_role"]) {
      expect(types.has(type), type).toBe(true);
    }
  });

  it.skipIf(skip)("asks the discovery fixture with the source's prefix", () => {
    expect(fixturePrefixes).toEqual([
      "discovery" in discovering.logGroups ? discovering.logGroups.discovery.prefix : "",
    ]);
  });

  it.skipIf(skip)("subscribes every log group the discovery fixture found, except the excluded", () => {
    const filters = changes(discovering.stackName).filter(
      (change) => change.type === "aws_cloudwatch_log_subscription_filter",
    );

    expect(filters.map((change) => change.index).sort()).toEqual([
      "aws-waf-logs-admin",
      "aws-waf-logs-shop-api",
    ]);
    for (const filter of filters) {
      expect(filter.change.after).toMatchObject({ log_group_name: filter.index, filter_pattern: "" });
    }
  });

  it.skipIf(skip)(
    "plans one Lambda permission in each cloudwatch source, whatever the number of log groups",
    () => {
      for (const source of cloudwatchSources) {
        const permissions = changes(source.stackName).filter(
          (change) => change.type === "aws_lambda_permission",
        );
        expect(permissions, source.stackName).toHaveLength(1);
      }
    },
  );
});
