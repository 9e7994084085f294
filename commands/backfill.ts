/**
 * `npm run backfill -- --env <env> --log-group <name> --start <time> --end <time> [--dry-run] [--json]`
 *
 * Sends a time window of one of the environment's WAF log groups through the processor again: for
 * log events CloudWatch Logs skipped while a subscription filter was disabled, or whose on-failure
 * record Lambda could not keep. See commands/lib/backfill.ts and docs/alarms-encryption.md ("Runbook").
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { loadConfig, type PipelineConfig } from "../src/config";
import { partitionOf } from "../src/iam-policy";
import { resourceNames } from "../src/naming";
import { backfill, formatBackfillSummary } from "./lib/backfill";
import {
  type CommandOutput,
  isMainModule,
  parseCommandLine,
  PROCESS_OUTPUT,
  startCommand,
  UsageError,
} from "./lib/cli";
import { unusableEnvironmentMessage } from "./lib/environment-lookup";

export const BACKFILL_USAGE = `usage: npm run backfill -- --env <env> --log-group <name> --start <time> --end <time> [--dry-run] [--json]

Reads the log events of <name> (one of the WAF log groups of environment <env>) from <start> to <end>
(both inclusive) with FilterLogEvents, packs them per log stream into subscription events like those
CloudWatch Logs sends, and invokes the processor (waf-log-pipeline-<env>-processor) synchronously
with each. For the window a disabled subscription filter skipped, or the events of a lost on-failure
record. Log events that had been forwarded before are archived again: keep the window tight.

  --env <env>          environment in the configuration file ($WAF_PIPELINE_CONFIG or waf-pipeline.config.json)
  --log-group <name>   one of the environment's wafLogGroupNames
  --start, --end       ISO 8601 with a time zone (2026-11-29T10:00:00Z) or ms since epoch
  --dry-run            read and pack the window, send nothing
  --json               print the summary as one JSON object instead of text

Exit code: 0 every batch was sent (or a dry run), 1 a batch failed or AWS refused a call,
2 bad command line or configuration.`;

/** The command line, parsed. */
export interface BackfillCommand {
  readonly env: string;
  readonly logGroupName: string;
  /** ms since epoch */
  readonly startMs: number;
  /** ms since epoch */
  readonly endMs: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

/**
 * A time of the command line: ms since epoch, or ISO 8601 with a time zone (`Z` or `±hh:mm`).
 *
 * @throws UsageError naming the option when it is neither
 */
export function parseTime(option: string, text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(
    `${option} must be ISO 8601 with a time zone (like 2026-11-29T10:00:00Z) or ms since epoch, got ${JSON.stringify(text)}`,
  );
}

/**
 * Parses backfill's arguments (without the `node script` prefix).
 *
 * @throws UsageError for unknown options, positional arguments, a missing option, a bad time or a
 *   start after the end
 */
export function parseBackfillArgs(argv: readonly string[]): BackfillCommand {
  const { values } = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      env: { type: "string" },
      "log-group": { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    return { env: "", logGroupName: "", startMs: 0, endMs: 0, dryRun: false, json: false, help: true };
  }
  for (const option of ["env", "log-group", "start", "end"] as const) {
    if (values[option] === undefined || values[option] === "") {
      throw new UsageError(`--${option} is required`);
    }
  }
  const startMs = parseTime("--start", values.start!);
  const endMs = parseTime("--end", values.end!);
  if (startMs > endMs) throw new UsageError("--start must not be after --end");
  return {
    env: values.env!,
    logGroupName: values["log-group"]!,
    startMs,
    endMs,
    dryRun: values["dry-run"],
    json: values.json,
    help: false,
  };
}

/** What main needs from outside: the configuration and AWS clients for a region. */
export interface BackfillDependencies {
  /** @throws ValidationError when the configuration file is missing or invalid */
  readonly loadConfig: () => PipelineConfig;
  readonly clients: (region: string) => {
    readonly logs: Pick<CloudWatchLogsClient, "send">;
    readonly lambda: Pick<LambdaClient, "send">;
  };
}

/**
 * The command: parses `argv`, checks the log group belongs to the environment, backfills, prints the
 * summary. Resolves with the exit code: 0 every batch sent (or a dry run), 1 a batch failed or AWS
 * refused a call, 2 bad command line or configuration.
 */
export async function main(
  argv: readonly string[],
  out: CommandOutput,
  deps: BackfillDependencies,
): Promise<number> {
  const started = startCommand(argv, out, {
    name: "backfill",
    usage: BACKFILL_USAGE,
    parse: parseBackfillArgs,
    loadConfig: () => deps.loadConfig(),
  });
  if (typeof started === "number") return started;
  const { command, config } = started;
  const environment = config.environments[command.env];
  if (environment === undefined) {
    out.stderr(unusableEnvironmentMessage("backfill", command.env, config));
    return 2;
  }
  if (!environment.wafLogGroupNames.includes(command.logGroupName)) {
    out.stderr(
      `backfill: ${JSON.stringify(command.logGroupName)} is not a WAF log group of environment ${command.env}; its log groups: ${environment.wafLogGroupNames.join(", ")}`,
    );
    return 2;
  }
  const names = resourceNames(command.env);
  const { region, accountId } = environment;
  const functionArn = `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${names.processorFunction}`;
  const clients = deps.clients(region);
  out.stderr(
    `backfill${command.dryRun ? " (dry run)" : ""}: ${command.logGroupName} → ${names.processorFunction} (${region}, ${accountId})`,
  );
  try {
    const summary = await backfill(
      { logs: clients.logs, lambda: clients.lambda, progress: out.stderr },
      { logGroupName: command.logGroupName, startMs: command.startMs, endMs: command.endMs },
      {
        functionName: functionArn,
        context: {
          owner: accountId,
          logGroupName: command.logGroupName,
          filterName: names.subscriptionFilter,
        },
      },
      { dryRun: command.dryRun },
    );
    out.stdout(command.json ? JSON.stringify(summary) : formatBackfillSummary(summary));
    return summary.failed.length === 0 ? 0 : 1;
  } catch (error) {
    out.stderr(`backfill: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT, {
    loadConfig: () => loadConfig(),
    clients: (region) => ({
      logs: new CloudWatchLogsClient({ region }),
      lambda: new LambdaClient({ region }),
    }),
  });
}
