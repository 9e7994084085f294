/**
 * `npm run cost -- [--env <env>] [--gb-per-day N] [--web-acls N] [--events-per-batch N] ... [--json]`
 *
 * Prints the monthly AWS cost of an environment for each source type (`cloudwatch`, today's path,
 * and `s3`, WAF straight to S3), from a few inputs, with us-east-1 prices. See docs/choosing-a-source.md.
 */
import { loadConfig, type PipelineConfig } from "../src/config";
import { ValidationError } from "../src/constructs/validation";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli";
import {
  CostInputError,
  costInputs,
  type CostOverrides,
  DEFAULT_EVENTS_PER_BATCH,
  DEFAULT_GB_PER_DAY,
  defaultEnvironment,
} from "./lib/cost-inputs";
import { ASSUMPTIONS } from "./lib/cost-assumptions";
import { estimateCosts } from "./lib/cost-model";
import { formatReport, reportJson } from "./lib/cost-report";
import { unusableEnvironmentMessage } from "./lib/environment-lookup";

export const COST_USAGE = `usage: npm run cost -- [--env <env>] [--gb-per-day N] [--web-acls N] [--events-per-batch N]
                       [--record-bytes N] [--log-retention-days N] [--retention-days N]
                       [--encryption sse|kms] [--transition-small-objects] [--no-waf-credit] [--json]

Monthly AWS cost (USD, us-east-1 prices; other regions differ) of one environment for each source
type: cloudwatch (WAF -> CloudWatch Logs -> subscription -> Lambda -> S3 -> SQS -> Cortex) and s3
(WAF -> S3 bucket aws-waf-logs-* -> SQS -> Cortex).

  --env <env>                 read lifecycle days, alarms, encryption, processor settings and the
                              number of web ACLs from environment <env> of the configuration file
                              ($WAF_PIPELINE_CONFIG or waf-pipeline.config.json); without it, the
                              stack's defaults
  --gb-per-day N              raw WAF log volume per day in GB (2^30 bytes), e.g. the log group's
                              IncomingBytes per day (default ${DEFAULT_GB_PER_DAY})
  --web-acls N                web ACLs logging (default: the environment's web ACLs, or one per
                              WAF log group)
  --events-per-batch N        average log events per subscription batch, i.e. the log group's
                              IncomingLogEvents / the processor's Invocations (default ${DEFAULT_EVENTS_PER_BATCH})
  --record-bytes N            average bytes per WAF record, IncomingBytes / IncomingLogEvents
                              (default ${ASSUMPTIONS.recordBytes.value}, the bench workload's)
  --log-retention-days N      retention of the WAF log group in days (default: the environment's
                              waf.retentionDays when the stack manages the log group, else 7)
  --retention-days N          days the archive keeps objects (default: lifecycle.expirationDays;
                              required when that is null)
  --encryption sse|kms        encryption at rest (default: the environment's)
  --transition-small-objects  price objects under 128 KB as moving to GLACIER and DEEP_ARCHIVE
                              (transition_default_minimum_object_size varies_by_storage_class)
  --no-waf-credit             leave out AWS WAF's vended-log credit (500 MB per million requests)
  --json                      print one JSON object instead of the table

Exit code: 0 printed, 2 bad command line or configuration.`;

/** The command line, parsed. */
export interface CostCommand {
  readonly env: string | undefined;
  readonly overrides: CostOverrides;
  readonly json: boolean;
  readonly help: boolean;
}

/** A number flag: `whole` numbers ≥ `min`, or any finite number > 0. */
function numberFlag(
  name: string,
  value: string | undefined,
  kind: "whole" | "positive",
  min = 1,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (kind === "whole") {
    if (!/^\d+$/.test(value) || number < min) {
      throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
    }
  } else if (!/^\d+(\.\d+)?$/.test(value) || !(number > 0)) {
    throw new UsageError(`--${name} must be a number > 0, like 10 or 0.5, got ${JSON.stringify(value)}`);
  }
  return number;
}

/**
 * Parses cost's arguments (without the `node script` prefix).
 *
 * @throws UsageError for unknown options, positional arguments, an empty `--env`, or a number or
 *   `--encryption` value out of range (the message names the flag and what it accepts)
 */
export function parseCostArgs(argv: readonly string[]): CostCommand {
  const { values } = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      env: { type: "string" },
      "gb-per-day": { type: "string" },
      "web-acls": { type: "string" },
      "events-per-batch": { type: "string" },
      "record-bytes": { type: "string" },
      "log-retention-days": { type: "string" },
      "retention-days": { type: "string" },
      encryption: { type: "string" },
      "transition-small-objects": { type: "boolean", default: false },
      "no-waf-credit": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { env: undefined, overrides: {}, json: false, help: true };
  if (values.env === "") throw new UsageError("--env needs an environment name");
  const encryption = values.encryption;
  if (encryption !== undefined && encryption !== "sse" && encryption !== "kms") {
    throw new UsageError(`--encryption must be "sse" or "kms", got ${JSON.stringify(encryption)}`);
  }
  const overrides: CostOverrides = {
    gbPerDay: numberFlag("gb-per-day", values["gb-per-day"], "positive"),
    webAcls: numberFlag("web-acls", values["web-acls"], "whole"),
    eventsPerBatch: numberFlag("events-per-batch", values["events-per-batch"], "whole"),
    recordBytes: numberFlag("record-bytes", values["record-bytes"], "whole", 100),
    logRetentionDays: numberFlag("log-retention-days", values["log-retention-days"], "whole"),
    retentionDays: numberFlag("retention-days", values["retention-days"], "whole"),
    encryption,
    transitionSmallObjects: values["transition-small-objects"] ? true : undefined,
    wafLogCredit: values["no-waf-credit"] ? false : undefined,
  };
  return { env: values.env, overrides, json: values.json, help: false };
}

/** What main needs from outside: the configuration. */
export interface CostDependencies {
  /** @throws ValidationError when the configuration file is missing or invalid */
  readonly loadConfig: () => PipelineConfig;
}

/**
 * The command: parses `argv`, reads the environment when `--env` is given, prints the estimate.
 * Resolves with the exit code: 0 printed, 2 bad command line or configuration.
 */
export async function main(
  argv: readonly string[],
  out: CommandOutput,
  deps: CostDependencies,
): Promise<number> {
  try {
    const command = parseCostArgs(argv);
    if (command.help) {
      out.stdout(COST_USAGE);
      return 0;
    }
    let environment = defaultEnvironment();
    if (command.env !== undefined) {
      const config = deps.loadConfig();
      const found = config.environments[command.env];
      if (found === undefined) {
        out.stderr(unusableEnvironmentMessage("cost", command.env, config));
        return 2;
      }
      environment = found;
    }
    const { inputs, origins } = costInputs(environment, command.overrides, command.env !== undefined);
    const estimate = estimateCosts(inputs);
    const context = { environment: command.env, origins };
    if (command.json) out.stdout(JSON.stringify(reportJson(estimate, context), null, 2));
    else for (const line of formatReport(estimate, context)) out.stdout(line);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`cost: ${error.message}\n\n${COST_USAGE}`);
      return 2;
    }
    if (error instanceof ValidationError || error instanceof CostInputError) {
      out.stderr(`cost: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT, { loadConfig: () => loadConfig() });
}
