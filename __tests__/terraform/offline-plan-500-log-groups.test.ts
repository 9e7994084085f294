// 500 WAF log groups in one environment: the synth checks pass (one Lambda permission, whose resource
// policy does not grow with the log groups; WLP-LMB-2 estimates it) and the offline terraform plan
// subscribes every log group. Before, one permission per log group broke the apply near 50 groups.
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlinePlan, type OfflinePlanResult } from "../../commands/lib/offline-terraform.js";
import { parsePlanJson } from "../../commands/lib/plan-json.js";
import { synthApp } from "../../commands/lib/terraform-synth.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";

const skip = await skipWithoutOfflineTerraform("offline terraform plan of 500 log groups");

const LOG_GROUPS = Array.from({ length: 500 }, (_, i) => `aws-waf-logs-app-${String(i).padStart(3, "0")}`);

let workdir: string;
let result: OfflinePlanResult;

beforeAll(async () => {
  if (skip) return;
  workdir = await mkdtemp(join(tmpdir(), "waf-500-log-groups-"));
  const configFile = join(workdir, "config.json");
  await writeFile(
    configFile,
    JSON.stringify({
      environments: {
        many: {
          accountId: "111122223333",
          region: "eu-west-1",
          wafLogGroupNames: LOG_GROUPS,
          // Two delivery alarms per log group: 1,000 Metrics Insights alarms, a raised quota.
          alarms: { metricsInsightsAlarmQuota: 1000 },
        },
      },
    }),
  );
  const stacks = await synthApp(join(workdir, "out"), { env: { WAF_PIPELINE_CONFIG: configFile } });
  result = await offlinePlan(stacks.find((stack) => stack.name === "waf-log-pipeline-many")!.dir);
}, 600_000);

afterAll(async () => {
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

function planned(type: string) {
  return (parsePlanJson(JSON.stringify(result.planJson), "many").resource_changes ?? []).filter(
    (change) => change.mode === "managed" && change.type === type,
  );
}

describe("an environment of 500 WAF log groups", () => {
  it.skipIf(skip)("validates with 0 errors and 0 warnings", () => {
    expect(result.validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it.skipIf(skip)("plans a subscription filter on each of the 500 log groups", () => {
    const filters = planned("aws_cloudwatch_log_subscription_filter").map(
      (change) => (change.change.after as { log_group_name: string }).log_group_name,
    );

    expect(filters.sort()).toEqual(LOG_GROUPS);
  });

  it.skipIf(skip)("plans one Lambda permission for all of them", () => {
    expect(planned("aws_lambda_permission").map((change) => change.change.after)).toEqual([
      expect.objectContaining({
        principal: "logs.amazonaws.com",
        source_account: "111122223333",
        source_arn: "arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-*:*",
      }),
    ]);
  });
});
