/**
 * `npm run redrive -- --env <env> [--dry-run] [--max N] [--json]`
 *
 * Replays the events the processor function of one environment gave up on: reads Lambda's on-failure
 * records from the failure queue, invokes the function again with each original event, and deletes a
 * record only when that invocation succeeds. See docs/redrive.md.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from "@aws-sdk/client-sqs";
import { loadConfig, type PipelineConfig } from "../src/config";
import { ValidationError } from "../src/constructs/validation";
import { partitionOf } from "../src/iam-policy";
import { resourceNames } from "../src/naming";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli";
import { exitCodeOf, formatSummary, redrive, type RedriveIo } from "./lib/redrive";

export const REDRIVE_USAGE = `usage: npm run redrive -- --env <env> [--dry-run] [--max N] [--json]

Reads Lambda's on-failure records from the failure queue of environment <env>
(waf-log-pipeline-<env>-processor-failures), invokes the processor function
(waf-log-pipeline-<env>-processor) synchronously with each record's original event, and
deletes a record only when that invocation succeeds.

  --env <env>   environment in the configuration file ($WAF_PIPELINE_CONFIG or waf-pipeline.config.json)
  --dry-run     invoke nothing, delete nothing: list the records grouped by condition and error,
                then make them visible on the queue again
  --max N       handle at most N messages (default: until the queue is empty)
  --json        print the summary as one JSON object instead of text

Region and account come from the configuration; credentials from the standard AWS chain.
Progress goes to stderr, the summary to stdout.
Exit code: 0 everything found was redriven (or dry run), 1 some messages are left on the queue
or AWS refused a call, 2 bad command line or configuration.`;

/** The command line, parsed. */
export interface RedriveCommand {
  readonly env: string;
  readonly dryRun: boolean;
  /** At most this many messages; undefined: until the queue is empty. */
  readonly max: number | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

/**
 * Parses redrive's arguments (without the `node script` prefix).
 *
 * @throws UsageError for unknown options, positional arguments, a missing `--env`, or a `--max`
 *   that is not a whole number ≥ 1.
 */
export function parseRedriveArgs(argv: readonly string[]): RedriveCommand {
  const parsed = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      env: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      max: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const { values } = parsed;
  if (values.help) return { env: "", dryRun: false, max: undefined, json: false, help: true };
  if (values.env === undefined || values.env === "") throw new UsageError("--env <env> is required");
  let max: number | undefined;
  if (values.max !== undefined) {
    if (!/^\d+$/.test(values.max) || Number(values.max) < 1) {
      throw new UsageError(`--max must be a whole number ≥ 1, got ${JSON.stringify(values.max)}`);
    }
    max = Number(values.max);
  }
  return { env: values.env, dryRun: values["dry-run"], max, json: values.json, help: false };
}

/** What main needs from outside: the configuration and AWS clients for a region. */
export interface RedriveDependencies {
  /** @throws ValidationError when the configuration file is missing or invalid */
  readonly loadConfig: () => PipelineConfig;
  readonly clients: (region: string) => Pick<RedriveIo, "sqs" | "lambda">;
}

/** Where main writes: one line per call. */
export type RedriveOutput = CommandOutput;

/**
 * The command: parses `argv`, finds the failure queue and the function of the environment, redrives,
 * prints the summary. Resolves with the exit code: 0 everything found was redriven (or a dry run),
 * 1 some messages are left on the queue (or AWS refused a call), 2 bad command line or configuration.
 */
export async function main(
  argv: readonly string[],
  out: RedriveOutput,
  deps: RedriveDependencies,
): Promise<number> {
  let command: RedriveCommand;
  let config: PipelineConfig;
  try {
    command = parseRedriveArgs(argv);
    if (command.help) {
      out.stdout(REDRIVE_USAGE);
      return 0;
    }
    config = deps.loadConfig();
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`redrive: ${error.message}\n\n${REDRIVE_USAGE}`);
      return 2;
    }
    if (error instanceof ValidationError) {
      out.stderr(`redrive: ${error.message}`);
      return 2;
    }
    throw error;
  }

  const environment = config.environments[command.env];
  if (environment === undefined) {
    const known = Object.keys(config.environments).sort().join(", ");
    out.stderr(`redrive: unknown environment ${JSON.stringify(command.env)}; known environments: ${known}`);
    return 2;
  }

  const names = resourceNames(command.env);
  const { region, accountId } = environment;
  const clients = deps.clients(region);
  try {
    let queueUrl: string | undefined;
    try {
      ({ QueueUrl: queueUrl } = await clients.sqs.send(
        new GetQueueUrlCommand({ QueueName: names.failureQueue, QueueOwnerAWSAccountId: accountId }),
      ));
    } catch (error) {
      if (error instanceof QueueDoesNotExist) {
        out.stderr(
          `redrive: queue ${names.failureQueue} does not exist in account ${accountId}, region ${region}; is environment ${command.env} deployed?`,
        );
        return 1;
      }
      throw error;
    }
    if (queueUrl === undefined) throw new Error(`GetQueueUrl returned no URL for ${names.failureQueue}`);

    const functionArn = `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${names.processorFunction}`;
    out.stderr(
      `redrive${command.dryRun ? " (dry run)" : ""}: ${names.failureQueue} → ${names.processorFunction} (${region}, ${accountId})`,
    );
    const summary = await redrive(
      {
        queueUrl,
        functionName: functionArn,
        recordFunctionName: names.processorFunction,
        processorLogGroupName: names.processorLogGroup,
        functionTimeoutSeconds: environment.processor.timeoutSeconds,
      },
      { dryRun: command.dryRun, ...(command.max !== undefined ? { max: command.max } : {}) },
      { ...clients, progress: out.stderr },
    );
    out.stdout(
      command.json
        ? JSON.stringify({
            environment: command.env,
            queueUrl,
            function: functionArn,
            ...summary,
          })
        : formatSummary(summary),
    );
    return exitCodeOf(summary);
  } catch (error) {
    out.stderr(`redrive: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT, {
    loadConfig: () => loadConfig(),
    clients: (region) => ({ sqs: new SQSClient({ region }), lambda: new LambdaClient({ region }) }),
  });
}
