/**
 * `npm run plan-summary -- <plan.json> [--title TEXT] [--note TEXT]`
 *
 * Prints a Markdown summary of a Terraform plan for a pull-request comment (see
 * commands/lib/plan-summary.ts). `<plan.json>` is the output of `terraform show -json <planfile>`.
 * Exits 1 when the file is missing or not a plan (the message names the file and the field),
 * 2 on bad arguments.
 */
import { readFileSync } from "node:fs";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli.js";
import { parsePlanJson } from "./lib/plan-json.js";
import { summarizePlan } from "./lib/plan-summary.js";

export const PLAN_SUMMARY_USAGE = "usage: npm run plan-summary -- <plan.json> [--title TEXT] [--note TEXT]";

/** The command line, parsed. */
export interface PlanSummaryCommand {
  /** The `terraform show -json` file. */
  readonly file: string;
  readonly title: string | undefined;
  readonly note: string | undefined;
  readonly help: boolean;
}

/**
 * Parses plan-summary's arguments (without the `node script` prefix).
 *
 * @throws UsageError for an unknown option, or not exactly one plan file (unless `--help`)
 */
export function parsePlanSummaryArgs(argv: readonly string[]): PlanSummaryCommand {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      title: { type: "string" },
      note: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (!values.help && positionals.length !== 1) throw new UsageError("expected exactly one plan JSON file");
  return { file: positionals[0] ?? "", title: values.title, note: values.note, help: values.help };
}

/**
 * Runs the command.
 *
 * @returns the exit code: 0 printed, 1 the file is missing or not a plan, 2 bad command line
 */
export function main(argv: readonly string[], out: CommandOutput): number {
  let command: PlanSummaryCommand;
  try {
    command = parsePlanSummaryArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr(`${error.message}\n${PLAN_SUMMARY_USAGE}`);
    return 2;
  }
  if (command.help) {
    out.stdout(PLAN_SUMMARY_USAGE);
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(command.file, "utf8");
  } catch (error) {
    out.stderr(
      `${command.file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
    return 1;
  }
  try {
    const plan = parsePlanJson(text, command.file);
    out.stdout(summarizePlan(plan, { title: command.title, note: command.note }).replace(/\n$/, ""));
    return 0;
  } catch (error) {
    out.stderr((error as Error).message);
    return 1;
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2), PROCESS_OUTPUT);
}
