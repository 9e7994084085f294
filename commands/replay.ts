/**
 * `npm run replay -- [--out DIR] [--bucket NAME] [--endpoint URL] <event.json | dir>...`
 * `npm run replay -- --source s3 [--out DIR] [--bucket NAME] <records.ndjson>...`
 *
 * Runs the processor bundle over recorded CloudWatch Logs subscription events, one invocation per
 * event file, the way Lambda would, and shows what it stored. With `--source s3`, runs the s3 source's
 * path instead: WAF's own S3 log files, made from WAF records, through the landing bucket's notification
 * to what Cortex reads (`commands/lib/s3-source-replay.ts`). See docs/replay-bench.md.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli";
import { listEventFiles, readEventFile } from "./lib/event-files";
import { createS3Client, EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from "./lib/embedded-s3";
import { loadProcessor, processorEnv, PROCESSOR_BUNDLE } from "./lib/processor-bundle";
import { DEFAULT_S3_REPLAY_BUCKET, replayS3Source } from "./lib/s3-source-replay";
import { landingBucketNameProblem } from "../src/waf-s3-logs";

export const REPLAY_USAGE = `usage: npm run replay -- [--out DIR] [--bucket NAME] [--endpoint URL] <event.json | dir>...
       npm run replay -- --source s3 [--out DIR] [--bucket NAME] <records.ndjson>...

Invokes the processor bundle (${PROCESSOR_BUNDLE}) once per event file; a directory stands
for the *.json files in it, sorted by name. Each file holds one subscription event,
{"awslogs":{"data":"<base64 gzip>"}}.

  --out DIR       download every object written to DIR/<object key>
                  (default .replay/ with the embedded server; no download with --endpoint unless given)
  --bucket NAME   bucket to write to (default waf-log-replay on the embedded server; required with --endpoint)
  --endpoint URL  S3-compatible endpoint to write to with the standard AWS credential chain
                  (default: an embedded S3 server on 127.0.0.1, removed afterwards)
  --source s3     the s3 source instead: each file holds WAF log records, one JSON object a line;
                  they become WAF's S3 log files (one per web ACL and 5 minutes, gzip, under
                  AWSLogs/<account>/WAFLogs/<region>/<web ACL>/…), are put into an aws-waf-logs-*
                  bucket on the embedded server (default ${DEFAULT_S3_REPLAY_BUCKET}), notified as S3 notifies
                  the queue, and read back by the key in each message as Cortex reads them; prints
                  {"files","notifications","objects","records","unchanged","failed"}

Prints progress on stderr and one JSON line on stdout: {"events","objects","records","failed"}.
Exit code: 0 all files processed, 1 some file failed, 2 bad command line.`;

/** Bucket created on the embedded server when `--bucket` is not given. */
export const DEFAULT_REPLAY_BUCKET = "waf-log-replay";

/** Download directory with the embedded server when `--out` is not given. */
export const DEFAULT_REPLAY_OUT = ".replay";

/** The command line, parsed. */
export interface ReplayOptions {
  /** Which path to replay: the processor (`cloudwatch`) or WAF's own S3 files (`s3`). */
  readonly source: "cloudwatch" | "s3";
  /** Event files and directories, as given. */
  readonly paths: readonly string[];
  /** Download directory; undefined: no download. */
  readonly out: string | undefined;
  /** Bucket the processor writes to. */
  readonly bucket: string;
  /** S3-compatible endpoint; undefined: the embedded server. */
  readonly endpoint: string | undefined;
}

/**
 * Parses replay's arguments (without the `node script` prefix).
 *
 * @throws UsageError for unknown options, missing option values, no event paths,
 *   `--endpoint` without `--bucket`, or an `--endpoint` that is not an http(s) URL; a `--source` other
 *   than `cloudwatch` or `s3`; with `--source s3`, `--endpoint` or a bucket not named `aws-waf-logs-…`.
 */
export function parseReplayArgs(argv: readonly string[]): ReplayOptions {
  const parsed = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string" },
      bucket: { type: "string" },
      endpoint: { type: "string" },
      source: { type: "string" },
    },
  });
  const { values, positionals } = parsed;
  const source = values.source ?? "cloudwatch";
  if (source !== "cloudwatch" && source !== "s3") {
    throw new UsageError(`--source: expected "cloudwatch" or "s3", got "${source}"`);
  }
  if (source === "s3") {
    if (positionals.length === 0) throw new UsageError("no WAF record files given");
    if (values.endpoint !== undefined) {
      throw new UsageError(
        "--source s3 runs on the embedded S3 server only (it reads the server's object events): drop --endpoint",
      );
    }
    const bucket = values.bucket ?? DEFAULT_S3_REPLAY_BUCKET;
    const problem = landingBucketNameProblem(bucket);
    if (problem !== undefined) throw new UsageError(`--bucket: ${problem}, got "${bucket}"`);
    return { source, paths: positionals, out: values.out ?? DEFAULT_REPLAY_OUT, bucket, endpoint: undefined };
  }
  if (positionals.length === 0) throw new UsageError("no event files given");
  if (values.endpoint !== undefined) {
    if (!/^https?:\/\/[^/]/.test(values.endpoint)) {
      throw new UsageError(`--endpoint: expected an http:// or https:// URL, got "${values.endpoint}"`);
    }
    if (values.bucket === undefined)
      throw new UsageError("--endpoint needs --bucket (the bucket to write to)");
  }
  for (const [name, value] of [
    ["--out", values.out],
    ["--bucket", values.bucket],
  ] as const) {
    if (value === "") throw new UsageError(`${name}: expected a value, got an empty string`);
  }
  return {
    source,
    paths: positionals,
    out: values.out ?? (values.endpoint === undefined ? DEFAULT_REPLAY_OUT : undefined),
    bucket: values.bucket ?? DEFAULT_REPLAY_BUCKET,
    endpoint: values.endpoint,
  };
}

/** The final line replay prints. */
export interface ReplaySummary {
  /** Event files read and handed to the handler (one Lambda invocation each), failed ones included. */
  readonly events: number;
  /** Distinct object keys the processor reported (written now, or already there: a duplicate delivery). */
  readonly objects: number;
  /** Lines (one per log event) in those objects, each object counted once. */
  readonly records: number;
  /** Event files that failed: unreadable, not JSON, rejected by the handler, or not downloadable. */
  readonly failed: number;
}

/** Where replay writes: progress and errors go to `stderr`, the summary line to `stdout`. */
export interface ReplayIo extends CommandOutput {
  /** Milliseconds between progress lines. @default 1000 */
  readonly progressIntervalMs?: number;
}

/**
 * Replays event files through the processor bundle and downloads what it wrote.
 * Failures of single files are reported on `io.stderr` as `<file>: <message>` and counted;
 * the other files are still processed.
 *
 * @throws Error when the event paths are unusable (UsageError), the bundle cannot be loaded,
 *   or the embedded server cannot start.
 */
export async function replay(options: ReplayOptions, io: ReplayIo): Promise<ReplaySummary> {
  const files = await listEventFiles(options.paths);
  const processor = loadProcessor();
  let server: EmbeddedS3 | undefined;
  let client: S3Client;
  if (options.endpoint === undefined) {
    server = await startEmbeddedS3({ bucket: options.bucket });
    client = createS3Client({ endpoint: server.endpoint, credentials: EMBEDDED_S3_CREDENTIALS });
  } else {
    client = createS3Client({ endpoint: options.endpoint });
  }
  const linesByKey = new Map<string, number>();
  let failed = 0;
  try {
    const handler = processor.createHandler({
      env: processorEnv({
        S3_BUCKET: options.bucket,
        S3_ENDPOINT: server?.endpoint ?? options.endpoint ?? "",
      }),
      s3: client,
    });
    let lastProgress = Date.now();
    const interval = io.progressIntervalMs ?? 1000;
    for (const [index, file] of files.entries()) {
      try {
        const result = await handler(await readEventFile(file));
        if (result.key !== undefined && !linesByKey.has(result.key)) {
          linesByKey.set(result.key, result.linesOut);
          if (options.out !== undefined) await download(client, options.bucket, result.key, options.out);
        }
      } catch (error) {
        failed++;
        io.stderr(`${file}: ${(error as Error).message}`);
      }
      if (Date.now() - lastProgress >= interval) {
        lastProgress = Date.now();
        io.stderr(
          `replay: ${index + 1}/${files.length} event files, ${linesByKey.size} objects, ${failed} failed`,
        );
      }
    }
  } finally {
    client.destroy();
    await server?.stop();
  }
  let records = 0;
  for (const lines of linesByKey.values()) records += lines;
  return { events: files.length, objects: linesByKey.size, records, failed };
}

/**
 * Stores object `key` of `bucket` at `<out>/<key>`, bytes as stored.
 *
 * @throws Error `download s3://<bucket>/<key>: …` when the key would land outside `out` or GetObject fails.
 */
async function download(client: S3Client, bucket: string, key: string, out: string): Promise<void> {
  const target = resolve(out, key);
  const inside = relative(resolve(out), target);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    throw new Error(`download s3://${bucket}/${key}: the object key would be written outside ${out}`);
  }
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error("GetObject returned no body");
    const bytes = await object.Body.transformToByteArray();
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  } catch (error) {
    throw new Error(`download s3://${bucket}/${key}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The command: parses `argv`, replays, prints the summary line. Resolves with the exit code:
 * 0 every file processed, 1 a file failed (or replay could not run), 2 bad command line.
 */
export async function main(argv: readonly string[], io: ReplayIo): Promise<number> {
  try {
    const options = parseReplayArgs(argv);
    const summary =
      options.source === "s3"
        ? await replayS3Source({ paths: options.paths, bucket: options.bucket, out: options.out }, io.stderr)
        : await replay(options, io);
    io.stdout(JSON.stringify(summary));
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`replay: ${error.message}\n\n${REPLAY_USAGE}`);
      return 2;
    }
    io.stderr(`replay: ${(error as Error).message}`);
    return 1;
  }
}

/** Exit codes for the signals that end replay early (128 + signal number, as shells report them). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

if (isMainModule(import.meta.url)) {
  // A signal ends the process without Node's `exit` event; exiting through process.exit runs the
  // `exit` handlers, which remove the embedded server's temporary directory.
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.once(signal, () => {
      process.stderr.write(`replay: stopped by ${signal}\n`);
      process.exit(code);
    });
  }
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT);
}
