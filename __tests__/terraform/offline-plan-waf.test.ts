// The offline Terraform check of issue 6: an environment with every `waf` option on (managed log
// groups with retention, the log delivery resource policy, a regional and a global web ACL logging
// configuration with redacted fields and a logging filter, processor-side redaction) validates with
// 0 errors and 0 warnings and plans, offline, from a copy of only its stack directory. Needs the
// lambda bundle (`npm run build`), terraform on PATH and the provider mirror; skipped loudly without.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackName } from "../../src/naming.js";
import { offlinePlan, type OfflinePlanResult } from "../../commands/lib/offline-terraform.js";
import { synthApp } from "../../commands/lib/terraform-synth.js";
import { configInput } from "../helpers/config.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";
import { allWafOptions, webAclArn } from "../helpers/waf.js";

const skip = await skipWithoutOfflineTerraform("offline terraform plan with every WAF option", {
  bundle: true,
});

/** One planned resource change of `terraform show -json`. */
interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly change: { readonly actions: string[]; readonly after: Record<string, unknown> };
}

let workDir: string;
let plan: OfflinePlanResult;

beforeAll(async () => {
  if (skip) return;
  workDir = await mkdtemp(join(tmpdir(), "waf-offline-plan-waf-"));
  const configFile = join(workDir, "waf-pipeline.config.json");
  await writeFile(configFile, JSON.stringify(configInput(allWafOptions(), "waf")));
  const stacks = await synthApp(join(workDir, "out"), { env: { WAF_PIPELINE_CONFIG: configFile } });
  const stack = stacks.find((s) => s.name === stackName("waf"));
  if (stack === undefined)
    throw new Error(`no stack ${stackName("waf")} in ${stacks.map((s) => s.name).join(", ")}`);
  plan = await offlinePlan(stack.dir);
}, 600_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function changes(type: string): ResourceChange[] {
  const all = (plan.planJson.resource_changes ?? []) as ResourceChange[];
  return all.filter((c) => c.mode === "managed" && c.type === type);
}

describe("offline terraform plan with every WAF option on", () => {
  it.skipIf(skip)("validates with 0 errors and 0 warnings", () => {
    expect(plan.validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0, diagnostics: [] });
  });

  it.skipIf(skip)("plans only creations against empty state", () => {
    const actions = ((plan.planJson.resource_changes ?? []) as ResourceChange[])
      .filter((c) => c.mode === "managed")
      .map((c) => c.change.actions.join());
    expect(new Set(actions)).toEqual(new Set(["create"]));
  });

  it.skipIf(skip)("creates both WAF log groups with 14 days retention, next to the processor's", () => {
    expect(
      changes("aws_cloudwatch_log_group")
        .map((c) => [c.change.after.name, c.change.after.retention_in_days])
        .sort(),
    ).toEqual([
      ["/aws/lambda/waf-log-pipeline-waf-processor", 30],
      ["aws-waf-logs-shop-alb", 14],
      ["aws-waf-logs-shop-cloudfront", 14],
    ]);
  });

  it.skipIf(skip)("creates one log delivery resource policy for both log groups", () => {
    const [policy, ...others] = changes("aws_cloudwatch_log_resource_policy");
    expect(others).toEqual([]);
    expect(policy?.change.after.policy_name).toBe("waf-log-pipeline-waf-waf-log-delivery");
    expect(JSON.parse(String(policy?.change.after.policy_document)).Statement[0].Resource).toEqual([
      "arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-shop-alb:log-stream:*",
      "arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-shop-cloudfront:log-stream:*",
    ]);
  });

  it.skipIf(skip)(
    "plans a logging configuration for each web ACL with the redacted fields and filter",
    () => {
      const configurations = changes("aws_wafv2_web_acl_logging_configuration");
      expect(configurations.map((c) => c.change.after.resource_arn).sort()).toEqual(
        [webAclArn("shop-alb"), webAclArn("shop-cloudfront", { scope: "global" })].sort(),
      );
      for (const configuration of configurations) {
        expect(configuration.change.after.redacted_fields).toHaveLength(6);
        const [filter, ...otherFilters] = configuration.change.after.logging_filter as {
          default_behavior: string;
          filter: { behavior: string; requirement: string; condition: unknown[] }[];
        }[];
        expect(otherFilters).toEqual([]);
        expect(filter?.default_behavior).toBe("DROP");
        expect(filter?.filter).toHaveLength(1);
        expect(filter?.filter[0]).toMatchObject({ behavior: "KEEP", requirement: "MEETS_ANY" });
        // The provider keeps conditions as a set: compare without order.
        expect(filter?.filter[0]?.condition).toHaveLength(4);
        expect(filter?.filter[0]?.condition).toEqual(
          expect.arrayContaining(
            ["BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"].map((action) => ({
              action_condition: [{ action }],
              label_name_condition: [],
            })),
          ),
        );
      }
    },
  );

  it.skipIf(skip)("subscribes both log groups", () => {
    expect(changes("aws_cloudwatch_log_subscription_filter")).toHaveLength(2);
  });
});
