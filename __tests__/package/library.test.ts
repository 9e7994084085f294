/**
 * The package as another cdktf app uses it: the library built (`npm run build:library`; the processor
 * bundle is `npm test`'s first step) and packed with `npm pack`, the tarball installed into a fresh app in a temporary directory outside the repository,
 * the app's own `main.ts` (its provider, backend, stack and one WafLogPipeline) type-checked against
 * the package's declarations, synthesized, and the result validated and planned with the offline
 * Terraform of commands/lib/offline-terraform.ts.
 *
 * Speed: npm installs only the tarball and its dependency (zod, from the npm cache when it holds it);
 * the peer dependencies (cdktf, constructs, the providers; provider-aws alone unpacks to ~360 MB) are
 * links to this repository's node_modules, as an app's own installs would be. That the app runs the
 * tarball's files and not the repository's is checked: the package resolves inside the app, and the
 * synthesized function carries a marker written into the installed bundle only.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CDKTF_NODE_FLAGS } from "../../commands/lib/cdktf-node-flags";
import { offlinePlan, type OfflinePlanResult } from "../../commands/lib/offline-terraform";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability";

const PEER_DEPENDENCIES = ["cdktf", "constructs", "@cdktf/provider-aws", "@cdktf/provider-archive"];
const MARKER = "// installed from the tarball by the library test";

/** The consumer's app: its own stack, provider, backend and variable, and the library's constructs. */
const MAIN_TS = `import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Aspects, LocalBackend, TerraformStack, TerraformVariable } from "cdktf";
import { WafLogPipeline, WafLogPipelineChecks } from "waf-log-pipeline";

const app = new App();
const stack = new TerraformStack(app, "platform-waf");
new LocalBackend(stack, { path: "terraform.tfstate" });
new AwsProvider(stack, "aws", { region: "eu-west-1" });
new ArchiveProvider(stack, "archive");
const externalId = new TerraformVariable(stack, "cortex_external_id", { type: "string", sensitive: true });

new WafLogPipeline(stack, "WafLogs", {
  name: "platform-waf",
  accountId: "111122223333",
  region: "eu-west-1",
  bucketName: "platform-waf-archive-111122223333",
  externalId: externalId.stringValue,
  logGroupNames: ["aws-waf-logs-shop-alb"],
});
Aspects.of(stack).add(new WafLogPipelineChecks());
app.synth();
`;

const skip = await skipWithoutOfflineTerraform(
  "the library package test (npm pack, install, synth, offline terraform)",
);

/** Runs `command` in `cwd` and returns its standard output; throws with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status}) in ${cwd}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

describe.skipIf(skip)("the npm package in another cdktf app", () => {
  let root: string;
  let app: string;
  let files: string[];
  let synthStderr: string;
  let plan: OfflinePlanResult;

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "waf-library-")));
    // The library only: prepack would also rebuild the processor bundle, which other test files read.
    run("npm", ["run", "build:library", "--silent"], PROJECT_ROOT);
    const pack = ["pack", "--ignore-scripts", "--pack-destination", root, "--json"];
    const packed = JSON.parse(run("npm", pack, PROJECT_ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    files = packed[0]!.files.map((file) => file.path);

    app = join(root, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "platform-waf-app",
        private: true,
        type: "module",
        dependencies: { "waf-log-pipeline": `file:../${packed[0]!.filename}` },
      }),
    );
    writeFileSync(join(app, "main.ts"), MAIN_TS);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: ["main.ts"],
      }),
    );
    // --legacy-peer-deps: npm leaves the peer dependencies to the app, which links them below.
    run(
      "npm",
      ["install", "--prefer-offline", "--legacy-peer-deps", "--no-audit", "--no-fund", "--ignore-scripts"],
      app,
    );
    mkdirSync(join(app, "node_modules", "@cdktf"), { recursive: true });
    for (const name of PEER_DEPENDENCIES) {
      symlinkSync(join(PROJECT_ROOT, "node_modules", name), join(app, "node_modules", name));
    }
    appendFileSync(
      join(app, "node_modules/waf-log-pipeline/dist/waf-log-processor/index.cjs"),
      `\n${MARKER}\n`,
    );

    const synth = spawnSync(join(PROJECT_ROOT, "node_modules/.bin/tsx"), [...CDKTF_NODE_FLAGS, "main.ts"], {
      cwd: app,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: join(app, "cdktf.out") },
    });
    if (synth.status !== 0)
      throw new Error(`synth failed (${synth.status}):\n${synth.stderr}${synth.stdout}`);
    synthStderr = synth.stderr;
    plan = await offlinePlan(join(app, "cdktf.out/stacks/platform-waf"));
  }, 300_000);

  afterAll(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it("is installed in a directory outside the repository", () => {
    expect(relative(PROJECT_ROOT, root).startsWith("..")).toBe(true);
  });

  it("ships the library, its type declarations and the processor bundle, and no sources or tests", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "dist/lib/index.js",
        "dist/lib/types/src/index.d.ts",
        "dist/waf-log-processor/index.cjs",
      ]),
    );
    expect(
      files.filter((file) => !file.startsWith("dist/") && !["package.json", "README.md"].includes(file)),
    ).toEqual([]);
  });

  it("resolves the package to the installed tarball, not to the repository", () => {
    const resolved = run(
      "node",
      ["--input-type=module", "-e", 'console.log(import.meta.resolve("waf-log-pipeline"))'],
      app,
    ).trim();
    expect(resolved).toBe(`file://${join(app, "node_modules/waf-log-pipeline/dist/lib/index.js")}`);
    expect(realpathSync(join(app, "node_modules/waf-log-pipeline")).startsWith(app)).toBe(true);
  });

  it("type-checks the app against the package's declarations", () => {
    expect(() =>
      execFileSync(join(PROJECT_ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: app }),
    ).not.toThrow();
  });

  it("synthesizes with the processor bundle of the installed package, found relative to it", () => {
    const stack = join(app, "cdktf.out/stacks/platform-waf");
    const json = JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8"));
    const archive = Object.values(json.data.archive_file)[0] as { source_file: string };
    expect(readFileSync(join(stack, archive.source_file), "utf8").endsWith(`\n${MARKER}\n`)).toBe(true);
    expect(synthStderr).toBe("");
  });

  it("passes the offline terraform validate with no error or warning, and plans", () => {
    expect([plan.validate.error_count, plan.validate.warning_count]).toEqual([0, 0]);
    expect(plan.planText).toContain("Plan:");
  });
});
