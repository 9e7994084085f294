import { readFileSync } from "node:fs";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { WafLogPipelineStack } from "../../src/waf-log-pipeline-stack";
import { testBundlePath, type TerraformJson } from "../helpers/stack";

/**
 * The Terraform addresses of every stack of the committed `waf-pipeline.config.json`: resources, data
 * sources, outputs and variables. Renaming one destroys and recreates a resource (or breaks a reader of
 * the outputs) in someone's account, so a change here must be deliberate: update the golden file in the
 * same commit, with a `moved` block (cdktf `moveTo`/`moveFromId`) for every resource that moves.
 * The golden file was written from the synth of main before the pipeline was split into constructs;
 * the one change since: the per-log-group Lambda permissions became one permission for every
 * `aws-waf-logs-*` log group (`LogGroupsPermission`), and each old address is in `removed` (a
 * Terraform `removed` block with `destroy = false`: forgotten, not deleted, so no log group is ever
 * without a permission during the upgrade).
 */
const GOLDEN = new URL("./addresses.golden.json", import.meta.url);

/** The addresses of one synthesized stack, sorted. */
function addresses(tf: TerraformJson & { data?: TerraformJson["data"]; removed?: { from: string }[] }) {
  const list = (blocks: Record<string, Record<string, unknown>> | undefined, prefix = "") =>
    Object.entries(blocks ?? {})
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`))
      .sort();
  return {
    resources: list(tf.resource),
    data: list(tf.data, "data."),
    outputs: Object.keys(tf.output ?? {}).sort(),
    variables: Object.keys(tf.variable ?? {}).sort(),
    removed: (tf.removed ?? []).map((block) => block.from).sort(),
  };
}

describe("Terraform addresses of the committed configuration", () => {
  it("are those of the golden file, for every stack", () => {
    const config = loadConfig("waf-pipeline.config.json");
    const app = Testing.app();
    const synthesized = Object.fromEntries(
      Object.entries(config.environments).map(([envName, environment]) => {
        const stack = new WafLogPipelineStack(app, {
          envName,
          config: environment,
          bundlePath: testBundlePath(),
          processEnv: {},
        });
        return [stack.node.id, addresses(JSON.parse(Testing.synth(stack)) as TerraformJson)];
      }),
    );

    expect(synthesized).toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });
});

describe("the upgrade to one Lambda permission for every WAF log group", () => {
  it("forgets, without destroying, every per-log-group permission of the earlier version", () => {
    const config = loadConfig("waf-pipeline.config.json");
    const app = Testing.app();
    for (const [envName, environment] of Object.entries(config.environments)) {
      const stack = new WafLogPipelineStack(app, {
        envName,
        config: environment,
        bundlePath: testBundlePath(),
        processEnv: {},
      });
      const tf = JSON.parse(Testing.synth(stack)) as { removed?: unknown[] };

      expect(tf.removed).toEqual(
        environment.wafLogGroupNames.map((name) => ({
          from: expect.stringMatching(new RegExp(`^aws_lambda_permission\\.${name}_Permission_[0-9A-F]{8}$`)),
          lifecycle: { destroy: false },
        })),
      );
    }
  });
});
