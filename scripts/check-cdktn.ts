/**
 * `npm run check:cdktn [-- --keep]`
 *
 * Maintenance check of the way off the archived cdktf (issue 15, docs/cdktf-and-cdktn.md). In a
 * temporary copy of the project it:
 *  1. swaps cdktf, cdktf-cli, @cdktf/provider-aws and @cdktf/provider-archive for cdktn and
 *     cdktn-cli 0.24.0 and @cdktn/provider-archive 14.0.1 (constructs 10.6.0, cdktn's peer range),
 *     with `npm install` against the project's lockfile;
 *  2. generates TypeScript bindings for hashicorp/aws 5.100.0 with `cdktn get`, offline: Terraform's
 *     CLI configuration points at the provider mirror (`filesystem_mirror`), measured with GNU time
 *     (wall time, peak resident memory of the largest process);
 *  3. rewrites the imports (`cdktf` → `cdktn`, `@cdktf/provider-aws/lib/<name>` → the generated
 *     bindings, `@cdktf/provider-archive` → `@cdktn/provider-archive`), type-checks the copy, and
 *     synthesizes the committed configuration;
 *  4. compares that output with today's (cdktf 0.21, synthesized from the repository) byte for
 *     byte, then as JSON, then as offline `terraform plan`s of every stack.
 * hashicorp/archive is not in the mirror, so its bindings cannot be generated here: the copy uses
 * the prebuilt @cdktn/provider-archive, built for archive 2.8.1 (the project's is for 2.7.1).
 *
 * Needs Node.js >= 22.19 (cdktn's minimum), Terraform and the provider mirror (as the offline plan
 * tests), the npm registry, the processor bundle (the npm script builds it). Takes 2–4 minutes; not
 * part of npm test. `--keep` keeps the temporary directory and prints its path. `--tests` also runs
 * the project's vitest suite in the copy (2–3 minutes more) and lists the tests that fail under
 * cdktn; that list is for reading (docs/cdktf-and-cdktn.md explains each), not part of the verdict.
 * Exits 0 when the copy type-checks and synthesizes and every difference from today's output is one
 * of {@link EXPECTED_DIFFERENCES} with identical plans, 1 otherwise, 2 when it cannot run here.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import semver from "semver";
import {
  isMainModule,
  parseCommandLine,
  PROCESS_OUTPUT,
  UsageError,
  type CommandOutput,
} from "../commands/lib/cli.js";
import { CDKTF_NODE_FLAGS } from "../commands/lib/cdktf-node-flags.js";
import { filesUnder } from "../commands/lib/file-tree.js";
import {
  offlinePlan,
  offlineTerraformAvailability,
  pluginMirrorDir,
} from "../commands/lib/offline-terraform.js";
import { listStacks, PROJECT_ROOT, synthApp } from "../commands/lib/terraform-synth.js";
import {
  AWS_PROVIDER,
  CDKTN_VERSION,
  cdktnPackageJson,
  comparablePlan,
  compareFile,
  explain,
  jsonDifferences,
  rewriteImportsForCdktn,
  unexplained,
  type FileComparison,
  type PackageJson,
} from "./lib/cdktn-swap.js";

const execFileAsync = promisify(execFile);

export const CHECK_CDKTN_USAGE = "usage: npm run check:cdktn [-- --keep] [--tests]";

/** GNU time, for wall time and peak memory of `cdktn get` (Debian package `time`). */
const GNU_TIME = "/usr/bin/time";

/** Output of a command run by {@link run}. */
interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Runs `command args` in `cwd` with `env`; its `node` is the running one (PATH starts with its
 * directory). Returns its output and wall time.
 *
 * @throws Error with the command's output when it exits non-zero
 */
async function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  const started = performance.now();
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env, PATH: path },
      maxBuffer: 256 * 1024 * 1024,
    });
    return { stdout, stderr, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd} (exit ${failure.code ?? "?"}):\n${failure.stderr ?? ""}${failure.stdout ?? ""}`,
      { cause: error },
    );
  }
}

/**
 * Peak resident memory (bytes) and wall time (seconds) from GNU time's `-v` report.
 * Format: "Maximum resident set size (kbytes): N", "Elapsed (wall clock) time (h:mm:ss or m:ss): M:SS.ss".
 *
 * @throws Error when the report lacks either line
 */
export function parseGnuTimeReport(report: string): { peakBytes: number; seconds: number } {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(
    report,
  );
  if (!rss?.[1] || !wall?.[2] || !wall[3]) throw new Error(`not a GNU time -v report:\n${report}`);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { peakBytes: Number(rss[1]) * 1024, seconds };
}

/** Total size in bytes of the files under `dir`. */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const file of filesUnder(dir)) total += (await stat(join(dir, file))).size;
  return total;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const secs = (seconds: number) => `${seconds.toFixed(1)} s`;

/** Copies the repository's tracked files and the processor bundle into `dest`. */
async function copyProject(dest: string): Promise<void> {
  const { stdout } = await run("git", ["ls-files", "-z"], PROJECT_ROOT);
  for (const file of stdout.split("\0").filter((name) => name !== "")) {
    if (!existsSync(join(PROJECT_ROOT, file))) continue; // deleted in the work tree, not yet committed
    await mkdir(dirname(join(dest, file)), { recursive: true });
    await cp(join(PROJECT_ROOT, file), join(dest, file));
  }
  await cp(join(PROJECT_ROOT, "dist"), join(dest, "dist"), { recursive: true });
}

/** Rewrites the imports of every TypeScript file of the copy (outside node_modules and .gen). */
async function rewriteImports(copy: string, awsBindingsDir: string): Promise<number> {
  let changed = 0;
  for (const file of filesUnder(copy)) {
    if (!file.endsWith(".ts") || file.startsWith("node_modules/") || file.startsWith(".gen/")) continue;
    const path = join(copy, file);
    let bindings = relative(dirname(path), awsBindingsDir).split("\\").join("/");
    if (!bindings.startsWith(".")) bindings = `./${bindings}`;
    const source = await readFile(path, "utf8");
    const rewritten = rewriteImportsForCdktn(file, source, bindings);
    if (rewritten !== source) {
      await writeFile(path, rewritten);
      changed += 1;
    }
  }
  return changed;
}

/** `tsc --noEmit -p <config>` in the copy: the error codes it reported, by code and by place. */
async function typecheck(copy: string, config: string): Promise<{ errors: string[]; seconds: number }> {
  const started = performance.now();
  try {
    await run(
      process.execPath,
      [join(copy, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", config],
      copy,
    );
    return { errors: [], seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const errors = (error as Error).message.split("\n").filter((line) => / error TS\d+:/.test(line));
    if (errors.length === 0) throw error;
    return { errors, seconds: (performance.now() - started) / 1000 };
  }
}

/** "58 × TS4114 (all in .gen/)" style summary of tsc error lines. */
function summarizeTscErrors(errors: readonly string[]): string {
  if (errors.length === 0) return "0 errors";
  const codes = new Map<string, number>();
  for (const line of errors) {
    const code = / error (TS\d+):/.exec(line)?.[1] ?? "?";
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const outsideGen = errors.filter((line) => !line.startsWith(".gen/")).length;
  const byCode = [...codes].map(([code, count]) => `${count} × ${code}`).join(", ");
  return `${errors.length} errors (${byCode}; ${outsideGen} outside .gen/)`;
}

/** The parts of vitest's JSON report read here (https://vitest.dev/guide/reporters#json-reporter). */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs the project's vitest suite in the copy and prints its counts and the failing tests. */
async function runTestsInCopy(copy: string, report: string, out: CommandOutput): Promise<void> {
  const vitest = join(copy, "node_modules", "vitest", "vitest.mjs");
  const started = performance.now();
  try {
    await run(process.execPath, [vitest, "run"], copy, { VITEST_JSON_REPORT: report });
  } catch (error) {
    if (!existsSync(report)) throw error; // vitest did not get as far as its report
  }
  const result = JSON.parse(await readFile(report, "utf8")) as VitestReport;
  out.stdout(
    `vitest run in the copy: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ` +
      `${result.numPendingTests} skipped, ${secs((performance.now() - started) / 1000)}`,
  );
  for (const file of result.testResults) {
    for (const test of file.assertionResults.filter((t) => t.status === "failed")) {
      out.stdout(`  failed: ${relative(copy, file.name)} > ${test.fullName}`);
    }
  }
}

/**
 * Runs the check (see the module doc) and prints its report on `out`.
 *
 * @returns the exit code: 0 passed, 1 a difference or failure, 2 cannot run here or bad arguments
 */
export async function main(argv: readonly string[], out: CommandOutput): Promise<number> {
  let keep: boolean;
  let tests: boolean;
  try {
    const { values } = parseCommandLine({
      args: [...argv],
      options: {
        keep: { type: "boolean", default: false },
        tests: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      out.stdout(CHECK_CDKTN_USAGE);
      return 0;
    }
    keep = values.keep;
    tests = values.tests;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr(`check:cdktn: ${error.message}\n${CHECK_CDKTN_USAGE}`);
    return 2;
  }

  if (!semver.satisfies(process.versions.node, ">=22.19")) {
    out.stderr(
      `check:cdktn: cdktn ${CDKTN_VERSION} needs Node.js >= 22.19, this is ${process.version}. ` +
        'Run it under Node.js 22, e.g. `npm ci --prefix .ci/node && PATH="$PWD/.ci/node/node_modules/node22/bin:$PATH" npm run check:cdktn`.',
    );
    return 2;
  }
  const terraform = await offlineTerraformAvailability();
  if (!terraform.available) {
    out.stderr(`check:cdktn: needs Terraform and the provider mirror: ${terraform.reason}`);
    return 2;
  }
  if (!existsSync(join(PROJECT_ROOT, "dist", "waf-log-processor", "index.cjs"))) {
    out.stderr("check:cdktn: the processor bundle is missing: run npm run build first");
    return 2;
  }
  if (!existsSync(GNU_TIME)) {
    out.stderr(`check:cdktn: needs GNU time at ${GNU_TIME} to measure cdktn get (apt-get install time)`);
    return 2;
  }

  const work = await mkdtemp(join(tmpdir(), "waf-cdktn-"));
  const copy = join(work, "project");
  const problems: string[] = [];
  try {
    out.stdout(
      `check:cdktn: cdktf 0.21.0 -> cdktn ${CDKTN_VERSION} under Node.js ${process.version}, in ${work}`,
    );

    const today = join(work, "cdktf.out");
    await synthApp(today);
    out.stdout(`today's synth (cdktf, ${CDKTF_NODE_FLAGS.join(" ")}): ${listStacks(today).length} stacks`);

    await copyProject(copy);
    const pkg = JSON.parse(await readFile(join(copy, "package.json"), "utf8")) as PackageJson;
    await writeFile(join(copy, "package.json"), `${JSON.stringify(cdktnPackageJson(pkg), null, 2)}\n`);
    const install = await run("npm", ["install", "--no-audit", "--no-fund"], copy);
    out.stdout(
      `npm install (cdktf, cdktf-cli, @cdktf/provider-* out; cdktn, cdktn-cli, @cdktn/provider-archive in): ${secs(install.seconds)}`,
    );

    const cdktfJson = JSON.parse(await readFile(join(copy, "cdktf.json"), "utf8")) as Record<string, unknown>;
    cdktfJson.terraformProviders = [`${AWS_PROVIDER.source}@=${AWS_PROVIDER.version}`];
    await writeFile(join(copy, "cdktf.json"), `${JSON.stringify(cdktfJson, null, 2)}\n`);
    // Terraform's CLI configuration: providers from the mirror only, never from the network.
    // https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
    const cliConfig = join(work, "terraform.rc");
    await writeFile(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(pluginMirrorDir())}\n  }\n}\n`,
    );
    const get = await run(GNU_TIME, ["-v", join(copy, "node_modules", ".bin", "cdktn"), "get"], copy, {
      TF_CLI_CONFIG_FILE: cliConfig,
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
    });
    const measured = parseGnuTimeReport(get.stderr);
    const awsBindings = join(copy, ".gen", "providers", "aws");
    const bindings = (await readdir(awsBindings, { withFileTypes: true })).filter((e) =>
      e.isDirectory(),
    ).length;
    out.stdout(
      `cdktn get (${AWS_PROVIDER.source} ${AWS_PROVIDER.version}, offline): ${secs(measured.seconds)} wall, ` +
        `${gb(measured.peakBytes)} peak resident memory, ${bindings} bindings, ${mb(await sizeOf(join(copy, ".gen")))} in .gen/`,
    );

    const rewritten = await rewriteImports(copy, awsBindings);
    out.stdout(`imports rewritten in ${rewritten} files`);

    const strict = await typecheck(copy, join(copy, "tsconfig.json"));
    out.stdout(
      `tsc --noEmit with the project's tsconfig: ${summarizeTscErrors(strict.errors)}, ${secs(strict.seconds)}`,
    );
    const relaxedConfig = join(copy, "tsconfig.cdktn.json");
    await writeFile(
      relaxedConfig,
      `${JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noImplicitOverride: false } }, null, 2)}\n`,
    );
    const relaxed = await typecheck(copy, relaxedConfig);
    out.stdout(`tsc --noEmit with noImplicitOverride off: ${summarizeTscErrors(relaxed.errors)}`);
    if (relaxed.errors.length > 0)
      problems.push(`type errors with noImplicitOverride off:\n${relaxed.errors.join("\n")}`);

    const after = join(work, "cdktn.out");
    const synth = await run(
      process.execPath,
      [join(copy, "node_modules", "tsx", "dist", "cli.mjs"), "main.ts"],
      copy,
      {
        CDKTF_OUTDIR: after,
      },
    );
    out.stdout(
      `synth with cdktn (no Node.js flags): ${secs(synth.seconds)}, stderr ${synth.stderr === "" ? "empty" : JSON.stringify(synth.stderr)}`,
    );
    if (synth.stderr !== "") problems.push(`synth with cdktn wrote to stderr: ${synth.stderr}`);

    const files = [...new Set([...filesUnder(today), ...filesUnder(after)])].sort();
    const comparisons: FileComparison[] = [];
    for (const file of files) {
      const read = async (dir: string) =>
        existsSync(join(dir, file)) ? readFile(join(dir, file)) : undefined;
      comparisons.push(compareFile(file, await read(today), await read(after)));
    }
    const identical = comparisons.filter((c) => c.kind === "identical").length;
    out.stdout(`byte for byte: ${identical} of ${files.length} files identical`);
    for (const comparison of comparisons) {
      if (comparison.kind === "identical") continue;
      if (comparison.kind === "layout") out.stdout(`  ${comparison.file}: same JSON, different whitespace`);
      else if (comparison.kind === "json") {
        out.stdout(`  ${comparison.file}: ${comparison.differences.length} JSON differences`);
        for (const difference of comparison.differences) {
          const why = explain(comparison.file, difference)?.why ?? "UNEXPECTED";
          out.stdout(
            `    ${difference.path}: ${JSON.stringify(difference.before)} -> ${JSON.stringify(difference.after)} (${why})`,
          );
        }
      } else out.stdout(`  ${comparison.file}: ${comparison.kind}`);
    }
    problems.push(...unexplained(comparisons).map((line) => `unexpected difference: ${line}`));

    for (const stack of listStacks(today)) {
      const other = listStacks(after).find((s) => s.name === stack.name);
      if (other === undefined) continue; // reported above as missing files
      const [before, later] = [await offlinePlan(stack.dir), await offlinePlan(other.dir)];
      const differences = jsonDifferences(comparablePlan(before.planJson), comparablePlan(later.planJson));
      out.stdout(
        `offline terraform plan of ${stack.name}: ${differences.length === 0 ? "identical" : `${differences.length} differences`} (timestamp aside, relevant_attributes as a set)`,
      );
      for (const d of differences) {
        problems.push(
          `plan of ${stack.name} ${d.path}: ${JSON.stringify(d.before)} -> ${JSON.stringify(d.after)}`,
        );
      }
    }
    if (tests) await runTestsInCopy(copy, join(work, "vitest.json"), out);
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    if (keep) out.stdout(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }

  if (problems.length === 0) {
    out.stdout("check:cdktn: passed (every difference is explained, plans identical)");
    return 0;
  }
  out.stderr(`check:cdktn: failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return 1;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT);
}
