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
 * `"cloud"` for Terraform Cloud, else the backend type or `"none"`)
 * (the CI workflows build their job matrix from it).
 * Exits 1 when a stack fails to validate or plan, 2 on bad arguments.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { offlinePlan, offlineTerraformAvailability } from "./lib/offline-terraform.js";
import { listStacks, PROJECT_ROOT } from "./lib/terraform-synth.js";
import { stackName } from "../src/naming.js";

const usage =
  "usage: npm run plan -- [--stack NAME]... [--skip-synth] [--json-dir DIR] | --list-json [--skip-synth]";

let args;
try {
  args = parseArgs({
    options: {
      stack: { type: "string", multiple: true },
      "skip-synth": { type: "boolean", default: false },
      "json-dir": { type: "string" },
      "list-json": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

if (!args["skip-synth"]) {
  const synth = spawnSync("npm", ["run", "synth", "--silent"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", 2, 2],
  });
  if (synth.status !== 0) {
    console.error(`"npm run synth" failed (exit ${synth.status}).`);
    process.exit(1);
  }
}

const all = listStacks(join(PROJECT_ROOT, "cdktf.out"));
if (args["list-json"]) {
  const prefix = stackName("");
  const list = all.map((stack) => ({
    stack: stack.name,
    environment: stack.name.startsWith(prefix) ? stack.name.slice(prefix.length) : stack.name,
    backend: stack.backend,
  }));
  console.log(JSON.stringify(list));
  process.exit(0);
}

const availability = await offlineTerraformAvailability();
if (!availability.available) {
  console.error(`Cannot run the offline plan: ${availability.reason}.`);
  process.exit(1);
}

const wanted = args.stack ?? all.map((stack) => stack.name);
const unknown = wanted.filter((name) => !all.some((stack) => stack.name === name));
if (unknown.length > 0) {
  console.error(`Unknown stack(s): ${unknown.join(", ")}. Stacks: ${all.map((s) => s.name).join(", ")}.`);
  process.exit(2);
}

let failed = false;
for (const stack of all.filter((s) => wanted.includes(s.name))) {
  console.log(
    `\n=== ${stack.name}: offline plan (backend removed, placeholder AWS credentials, no refresh) ===\n`,
  );
  try {
    const result = await offlinePlan(stack.dir);
    console.log(result.planText.trimEnd());
    if (args["json-dir"]) {
      const dir = resolve(args["json-dir"]);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${stack.name}.json`), `${JSON.stringify(result.planJson)}\n`);
    }
  } catch (error) {
    console.error((error as Error).message);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
