/**
 * `npm run plan-summary -- <plan.json> [--title TEXT] [--note TEXT]`
 *
 * Prints a Markdown summary of a Terraform plan for a pull-request comment (see
 * commands/lib/plan-summary.ts). `<plan.json>` is the output of `terraform show -json <planfile>`.
 * Exits 1 when the file is missing or not a plan (the message names the file and the field),
 * 2 on bad arguments.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parsePlanJson } from "./lib/plan-json.js";
import { summarizePlan } from "./lib/plan-summary.js";

const usage = "usage: npm run plan-summary -- <plan.json> [--title TEXT] [--note TEXT]";

let parsed;
try {
  parsed = parseArgs({
    options: {
      title: { type: "string" },
      note: { type: "string" },
      help: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(usage);
  process.exit(0);
}
const [file, ...extra] = parsed.positionals;
if (file === undefined || extra.length > 0) {
  console.error(`expected exactly one plan JSON file\n${usage}`);
  process.exit(2);
}

try {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(
      `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
  const plan = parsePlanJson(text, file);
  process.stdout.write(summarizePlan(plan, { title: parsed.values.title, note: parsed.values.note }));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
