import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CDKTF_NODE_FLAGS } from "../../commands/lib/cdktf-node-flags";
import { configInput, minimalEnvironmentInput } from "../helpers/config";
import { PROCESSOR_BUNDLE_PATH } from "../../src/constructs/waf-log-forwarder";

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

/** A scratch directory (no processor bundle in it) with the given configuration file. */
function project(root: string, name: string, config: unknown): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "waf-pipeline.config.json"), JSON.stringify(config));
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
    const dir = project(root, "ok", config);
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
    const dir = project(root, "bad", configInput({ accountId: "1", region: "nowhere" }));
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

  it("uses the package's processor bundle, not one relative to the working directory", () => {
    const dir = project(root, "nobundle", configInput());
    const { status, stderr } = runMain(dir);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const stack = join(dir, "cdktf.out/stacks/waf-log-pipeline-dev");
    const archive = JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8")).data.archive_file;
    const sourceFile = (Object.values(archive)[0] as { source_file: string }).source_file;
    expect(readFileSync(join(stack, sourceFile))).toEqual(readFileSync(PROCESSOR_BUNDLE_PATH));
  });
});
