/**
 * `npm run redrive -- --env <env> [--dry-run] [--max N] [--json]`
 *
 * Replays the events the processor function of one environment gave up on: reads Lambda's on-failure
 * records from the failure store (S3) and from the failure queue left by earlier versions (SQS, while
 * it exists), invokes the function again with each original event, and removes a record only when that
 * invocation succeeds. See docs/redrive.md.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from "@aws-sdk/client-sqs";
import { loadConfig, type PipelineConfig } from "../src/config";
import { failureRecordPrefix, failureStoreBucketName } from "../src/constructs/names";
import { partitionOf } from "../src/iam-policy";
import { resourceNames, stackName } from "../src/naming";
import {
  type CommandOutput,
  isMainModule,
  parseCommandLine,
  PROCESS_OUTPUT,
  startCommand,
  UsageError,
} from "./lib/cli";
import {
  exitCodeOf,
  failureQueueRecords,
  failureStoreRecords,
  formatSummary,
  redrive,
  type RedriveIo,
  type RedriveSummary,
} from "./lib/redrive";
import { unusableEnvironmentMessage } from "./lib/environment-lookup";

export const REDRIVE_USAGE = `usage: npm run redrive -- --env <env> [--dry-run] [--max N] [--json]

Reads Lambda's on-failure records of environment <env> from the failure store
(s3://<failureStore.bucketName>/aws/lambda/async/waf-log-pipeline-<env>-processor/) and from the
failure queue of earlier versions (waf-log-pipeline-<env>-processor-failures, while it exists),
invokes the processor function (waf-log-pipeline-<env>-processor) synchronously with each record's
original event, and deletes a record only when that invocation succeeds. Records of another function,
account or region are refused and left in place.

  --env <env>   environment in the configuration file ($WAF_PIPELINE_CONFIG or waf-pipeline.config.json)
  --dry-run     invoke nothing, delete nothing: list the records grouped by condition and error
                (queue messages are made visible again)
  --max N       handle at most N records of each (default: all)
  --json        print the summary as one JSON object instead of text

Region and account come from the configuration; credentials from the standard AWS chain.
Progress goes to stderr, one line per record ([n/total] for the failure store), the summary to stdout.
Exit code: 0 everything found was redriven (or a dry run found only records it could redrive),
1 something is left (still failing, refused, unreadable, without payload) or AWS refused a call,
2 bad command line or configuration.`;

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
  readonly clients: (region: string) => {
    readonly s3: Pick<S3Client, "send">;
    readonly sqs: Pick<SQSClient, "send">;
    readonly lambda: RedriveIo["lambda"];
  };
}

/** Where main writes: one line per call. */
export type RedriveOutput = CommandOutput;

/**
 * The command: parses `argv`, finds the failure store, the legacy failure queue (if it still exists)
 * and the function of the environment, redrives both, prints the summaries. Resolves with the exit code:
 * 0 everything found was redriven (or a dry run that found only records it could redrive), 1 something
 * is left (or AWS refused a call), 2 bad command line or configuration.
 */
export async function main(
  argv: readonly string[],
  out: RedriveOutput,
  deps: RedriveDependencies,
): Promise<number> {
  const started = startCommand(argv, out, {
    name: "redrive",
    usage: REDRIVE_USAGE,
    parse: parseRedriveArgs,
    loadConfig: () => deps.loadConfig(),
  });
  if (typeof started === "number") return started;
  const { command, config } = started;

  const environment = config.environments[command.env];
  if (environment === undefined) {
    out.stderr(unusableEnvironmentMessage("redrive", command.env, config));
    return 2;
  }

  const names = resourceNames(command.env);
  const { region, accountId } = environment;
  const clients = deps.clients(region);
  const functionArn = `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${names.processorFunction}`;
  const bucket =
    environment.failureStore.bucketName ?? failureStoreBucketName(stackName(command.env), accountId, region);
  const target = {
    functionName: functionArn,
    expected: { functionName: names.processorFunction, accountId, region },
    processorLogGroupName: names.processorLogGroup,
  };
  const options = { dryRun: command.dryRun, ...(command.max !== undefined ? { max: command.max } : {}) };
  const io = { lambda: clients.lambda, progress: out.stderr };
  const summaries: RedriveSummary[] = [];
  let queueUrl: string | undefined;
  try {
    const store = failureStoreRecords(clients.s3, bucket, failureRecordPrefix(names.processorFunction));
    out.stderr(
      `redrive${command.dryRun ? " (dry run)" : ""}: ${store.location} → ${names.processorFunction} (${region}, ${accountId})`,
    );
    summaries.push(await redrive(store, target, options, io));

    try {
      ({ QueueUrl: queueUrl } = await clients.sqs.send(
        new GetQueueUrlCommand({ QueueName: names.failureQueue, QueueOwnerAWSAccountId: accountId }),
      ));
    } catch (error) {
      if (!(error instanceof QueueDoesNotExist)) throw error;
      out.stderr(
        `redrive: no failure queue ${names.failureQueue} (removed, or never deployed): nothing to drain there`,
      );
    }
    if (queueUrl !== undefined) {
      const queue = failureQueueRecords(clients.sqs, queueUrl, environment.processor.timeoutSeconds);
      out.stderr(
        `redrive${command.dryRun ? " (dry run)" : ""}: ${queue.location} → ${names.processorFunction}`,
      );
      summaries.push(await redrive(queue, target, options, io));
    }
  } catch (error) {
    for (const summary of summaries) out.stdout(formatSummary(summary));
    out.stderr(`redrive: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }

  if (command.json) {
    out.stdout(
      JSON.stringify({
        environment: command.env,
        function: functionArn,
        failureStore: summaries[0],
        failureQueue: summaries[1] ?? null,
      }),
    );
  } else {
    out.stdout(summaries.map(formatSummary).join("\n\n"));
  }
  const exitCode = exitCodeOf(summaries);
  if (summaries[1] !== undefined && summaries[1].found === 0 && exitCode === 0 && !command.dryRun) {
    out.stderr(
      `redrive: the failure queue ${names.failureQueue} is empty; remove it with "keepFailureQueue": false in environment ${command.env}`,
    );
  }
  return exitCode;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT, {
    loadConfig: () => loadConfig(),
    clients: (region) => ({
      s3: new S3Client({ region }),
      sqs: new SQSClient({ region }),
      lambda: new LambdaClient({ region }),
    }),
  });
}
