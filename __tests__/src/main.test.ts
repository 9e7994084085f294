import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CDKTF_NODE_FLAGS } from "../../commands/lib/cdktf-node-flags";
import { configInput, minimalEnvironmentInput } from "../helpers/config";
import { testBundlePath } from "../helpers/stack";

const mainPath = resolve("main.ts");
const tsxCli = resolve("node_modules/tsx/dist/cli.mjs");

/**
 * Runs `tsx main.ts` with the app's Node.js flags (as `npm run synth` and `cdktf synth` do), under the
 * running Node.js, in `cwd` (a scratch project directory), and returns its exit status and output.
 */
function runMain(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [tsxCli, ...CDKTF_NODE_FLAGS, mainPath], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: join(cwd, "cdktf.out"), WAF_PIPELINE_CONFIG: "", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch project directory with the given configuration file and, optionally, a processor bundle. */
function project(root: string, name: string, config: unknown, withBundle: boolean): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "waf-pipeline.config.json"), JSON.stringify(config));
  if (withBundle) {
    mkdirSync(join(dir, "dist/waf-log-processor"), { recursive: true });
    copyFileSync(testBundlePath(), join(dir, "dist/waf-log-processor/index.cjs"));
  }
  return dir;
}

describe("main.ts", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "waf-main-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("synthesizes one stack per environment, each with its backend", () => {
    const config = {
      environments: {
        dev: minimalEnvironmentInput(),
        prod: { ...minimalEnvironmentInput(), terraformCloud: { organization: "acme" } },
      },
    };
    const dir = project(root, "ok", config, true);
    const { status, stderr } = runMain(dir);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const stacks = join(dir, "cdktf.out/stacks");
    const dev = JSON.parse(readFileSync(join(stacks, "waf-log-pipeline-dev/cdk.tf.json"), "utf8"));
    const prod = JSON.parse(readFileSync(join(stacks, "waf-log-pipeline-prod/cdk.tf.json"), "utf8"));
    expect(dev.terraform.backend).toEqual({
      local: { path: "../../../terraform.waf-log-pipeline-dev.tfstate" },
    });
    expect(prod.terraform.cloud).toEqual({
      organization: "acme",
      workspaces: { name: "waf-log-pipeline-prod" },
    });
  });

  it("prints every configuration problem and exits non-zero, without a stack trace", () => {
    const dir = project(root, "bad", configInput({ accountId: "1", region: "nowhere" }), true);
    const { status, stderr } = runMain(dir);
    expect(status).toBe(1);
    expect(stderr).toBe(
      [
        "Invalid configuration in waf-pipeline.config.json (2 problems):",
        '  - environments.dev.accountId: must be a 12-digit AWS account id in quotes, e.g. "111122223333", got "1"',
        '  - environments.dev.region: must be an AWS region name like "us-east-1", got "nowhere"',
        "",
      ].join("\n"),
    );
    expect(existsSync(join(dir, "cdktf.out/stacks"))).toBe(false);
  });

  it("tells the user to build the processor when the bundle is missing", () => {
    const dir = project(root, "nobundle", configInput(), false);
    const { status, stderr } = runMain(dir);
    expect(status).toBe(1);
    expect(stderr).toBe(
      "Invalid WafLogProcessor props (1 problem):\n  - props.bundlePath: no file at dist/waf-log-processor/index.cjs; build the processor first with `npm run build` (`npm run synth` does it)\n",
    );
  });
});
