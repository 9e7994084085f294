/**
 * `npm run plan -- [--stack NAME]... [--skip-synth] [--json-dir DIR]`
 * `npm run --silent plan -- --list-json [--skip-synth]`
 *
 * Offline `terraform validate` and `terraform plan` of every synthesized stack (or the named
 * ones), in temporary copies of their stack directories: no AWS credentials, no Terraform Cloud,
 * no network (see commands/lib/offline-terraform.ts). Prints Terraform's plan for each stack.
 *
 * By default it first runs `npm run synth` (bundle + synth into `cdktf.out`), so it works on a
 * fresh clone; `--skip-synth` plans the existing `cdktf.out`. `--json-dir DIR` also writes each
 * plan's `terraform show -json` output to `DIR/<stack>.json` (input of `npm run plan-summary`).
 * `--list-json` plans nothing: it prints the stacks as JSON, one object per stack,
 * `[{"stack": "waf-log-pipeline-dev", "environment": "dev", "backend": "local"}]` (backend
 * `"cloud"` for Terraform Cloud, else the backend type or `"none"`; an estate's archive and source
 * stacks each get a row, with their environment's name, e.g. `"estate"`)
 * (the CI workflows build their job matrix from it).
 * Exits 1 when a stack fails to validate or plan, 2 on bad arguments.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stackName } from "../src/naming.js";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli.js";
import { offlinePlan, offlineTerraformAvailability } from "./lib/offline-terraform.js";
import { listStacks, PROJECT_ROOT } from "./lib/terraform-synth.js";

export const PLAN_USAGE =
  "usage: npm run plan -- [--stack NAME]... [--skip-synth] [--json-dir DIR] | --list-json [--skip-synth]";

/** The command line, parsed. */
export interface PlanCommand {
  /** Stacks to plan; empty: every stack. */
  readonly stacks: readonly string[];
  readonly skipSynth: boolean;
  /** Where to write each plan's `terraform show -json`; undefined: nowhere. */
  readonly jsonDir: string | undefined;
  readonly listJson: boolean;
  readonly help: boolean;
}

/**
 * Parses plan's arguments (without the `node script` prefix).
 *
 * @throws UsageError for an unknown option, a positional argument or a missing option value
 */
export function parsePlanArgs(argv: readonly string[]): PlanCommand {
  const { values } = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      stack: { type: "string", multiple: true },
      "skip-synth": { type: "boolean", default: false },
      "json-dir": { type: "string" },
      "list-json": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  return {
    stacks: values.stack ?? [],
    skipSynth: values["skip-synth"],
    jsonDir: values["json-dir"],
    listJson: values["list-json"],
    help: values.help,
  };
}

/**
 * Runs the command.
 *
 * @returns the exit code: 0 every stack planned (or listed), 1 synth or a plan failed or offline
 *   Terraform is missing, 2 bad command line or unknown stack
 */
export async function main(argv: readonly string[], out: CommandOutput): Promise<number> {
  let command: PlanCommand;
  try {
    command = parsePlanArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr(`${error.message}\n${PLAN_USAGE}`);
    return 2;
  }
  if (command.help) {
    out.stdout(PLAN_USAGE);
    return 0;
  }

  if (!command.skipSynth) {
    const synth = spawnSync("npm", ["run", "synth", "--silent"], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", 2, 2],
    });
    if (synth.status !== 0) {
      out.stderr(`"npm run synth" failed (exit ${synth.status}).`);
      return 1;
    }
  }

  const all = listStacks(join(PROJECT_ROOT, "cdktf.out"));
  if (command.listJson) {
    const prefix = stackName("");
    const list = all.map((stack) => ({
      stack: stack.name,
      environment:
        stack.environment ?? (stack.name.startsWith(prefix) ? stack.name.slice(prefix.length) : stack.name),
      backend: stack.backend,
    }));
    out.stdout(JSON.stringify(list));
    return 0;
  }

  const availability = await offlineTerraformAvailability();
  if (!availability.available) {
    out.stderr(`Cannot run the offline plan: ${availability.reason}.`);
    return 1;
  }

  const wanted = command.stacks.length > 0 ? command.stacks : all.map((stack) => stack.name);
  const unknown = wanted.filter((name) => !all.some((stack) => stack.name === name));
  if (unknown.length > 0) {
    out.stderr(`Unknown stack(s): ${unknown.join(", ")}. Stacks: ${all.map((s) => s.name).join(", ")}.`);
    return 2;
  }

  let failed = false;
  for (const stack of all.filter((s) => wanted.includes(s.name))) {
    out.stdout(
      `\n=== ${stack.name}: offline plan (backend removed, placeholder AWS credentials, no refresh) ===\n`,
    );
    try {
      const result = await offlinePlan(stack.dir);
      out.stdout(result.planText.trimEnd());
      if (command.jsonDir !== undefined) {
        const dir = resolve(command.jsonDir);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${stack.name}.json`), `${JSON.stringify(result.planJson)}\n`);
      }
    } catch (error) {
      out.stderr((error as Error).message);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT);
}
