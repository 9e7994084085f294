/**
 * `npm run bench -- [--events DIR] [--records N] [--seed N] [--runs N] [--json]`
 *
 * Measures the processor bundle's throughput against the floor (base64 decode + gunzip + gzip of
 * the same bytes, no JSON work) and the bundle's size and load time. See docs/replay-bench.md.
 * Prints figures; never fails on them.
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { relative } from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli";
import { listEventFiles, readEventFile } from "./lib/event-files";
import {
  loadProcessor,
  processorEnv,
  PROCESSOR_BUNDLE,
  REPO_ROOT,
  type Handler,
  type S3Sender,
} from "./lib/processor-bundle";
import { encodeSubscriptionEvent, packBatches } from "./lib/subscription-event";
import { generateWafLogEvents } from "./lib/waf-records";

export const BENCH_USAGE = `usage: npm run bench -- [--events DIR] [--records N] [--seed N] [--runs N] [--json]

Measures the processor bundle (${PROCESSOR_BUNDLE}) with S3 writes going to an in-memory sink.

  --events DIR   subscription event files (*.json) to process
                 (default: generated WAF records packed into subscription events)
  --records N    log events to generate, at least 10000 (default 12000; not with --events)
  --seed N       generator seed (default 1; not with --events)
  --runs N       measured runs, after 2 warm-up runs; the median is reported (default 7)
  --json         print one JSON object instead of the table

GZIP_LEVEL from the environment applies to the processor and the floor (default 6).`;

/** Target: processor throughput / floor throughput, at least. */
export const TARGET_RATIO = 0.6;
/** Target: bundle load time above a bare Node process, at most, in ms. */
export const TARGET_LOAD_MS = 100;
/** Log events per subscription event the generator aims for, taken in turn; CloudWatch's 1 MB cap cuts the large ones. */
export const GENERATED_BATCH_SIZES = [1, 20, 250, 1000, 10_000] as const;
const WARMUP_RUNS = 2;
const LOAD_RUNS = 9;

/** The command line, parsed. */
export interface BenchOptions {
  /** Directory of event files; undefined: generate. */
  readonly events: string | undefined;
  /** Log events to generate. */
  readonly records: number;
  /** Generator seed. */
  readonly seed: number;
  /** Measured runs. */
  readonly runs: number;
  /** Print JSON instead of a table. */
  readonly json: boolean;
}

function positiveInteger(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`--${name}: expected an integer ≥ ${min}, got "${value}"`);
  }
  return number;
}

/**
 * Parses bench's arguments (without the `node script` prefix).
 *
 * @throws UsageError for unknown options, positional arguments, numbers out of range, or
 *   `--records`/`--seed` together with `--events`.
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const parsed = parseCommandLine({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      events: { type: "string" },
      records: { type: "string" },
      seed: { type: "string" },
      runs: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const { values } = parsed;
  if (values.events !== undefined && (values.records !== undefined || values.seed !== undefined)) {
    throw new UsageError(
      "--records and --seed shape generated events; they cannot be combined with --events",
    );
  }
  return {
    events: values.events,
    records: positiveInteger("records", values.records, 12_000, 10_000),
    seed: positiveInteger("seed", values.seed, 1, 0),
    runs: positiveInteger("runs", values.runs, 7, 1),
    json: values.json ?? false,
  };
}

/** The workload: Lambda events and where they came from. */
export interface Workload {
  /** One Lambda event each, `{"awslogs":{"data":…}}`. */
  readonly events: readonly { readonly awslogs: { readonly data: string } }[];
  /** Where they came from, for the report. */
  readonly source: string;
  /** Log events in DATA_MESSAGE events (the lines the processor must write), when known. */
  readonly logEvents: number | undefined;
}

/**
 * Generated workload: `records` WAF log events from {@link generateWafLogEvents}, packed into
 * subscription events by {@link packBatches} with {@link GENERATED_BATCH_SIZES}.
 */
export function generatedWorkload(records: number, seed: number): Workload {
  const logEvents = generateWafLogEvents({ count: records, seed });
  const source = {
    owner: "111122223333",
    logGroup: "aws-waf-logs-shop-prod",
    logStream: "us-east-1_shop-prod_0",
    subscriptionFilters: ["waf-log-pipeline"],
  };
  const events = packBatches(logEvents, source, GENERATED_BATCH_SIZES).map(encodeSubscriptionEvent);
  return { events, source: `generated, seed ${seed}`, logEvents: records };
}

const eventFileSchema = z.object({ awslogs: z.object({ data: z.string() }) });

/**
 * Workload from a directory of event files.
 *
 * @throws UsageError when the directory is missing or has no *.json files;
 *   Error `<file>: …` when a file is not JSON or not `{"awslogs":{"data":"…"}}`.
 */
export async function directoryWorkload(dir: string): Promise<Workload> {
  const files = await listEventFiles([dir]);
  const events = [];
  for (const file of files) {
    const parsed = eventFileSchema.safeParse(
      await readEventFile(file).catch((error: Error) => {
        throw new Error(`${file}: ${error.message}`);
      }),
    );
    if (!parsed.success)
      throw new Error(
        `${file}: expected {"awslogs":{"data":"<base64 gzip>"}}: ${z.prettifyError(parsed.error)}`,
      );
    events.push(parsed.data);
  }
  return { events, source: `${files.length} files in ${dir}`, logEvents: undefined };
}

/** Median of a non-empty list. @throws RangeError for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The floor: what decoding and re-compressing the same bytes costs, without JSON work. Returns bytes decoded. */
export function floorPass(events: Workload["events"], gzipLevel: number): number {
  let decoded = 0;
  for (const event of events) {
    const json = gunzipSync(Buffer.from(event.awslogs.data, "base64"));
    gzipSync(json, { level: gzipLevel });
    decoded += json.length;
  }
  return decoded;
}

/** An S3 stand-in that keeps counts only: objects put and their body size in bytes. */
export class MemorySink implements S3Sender {
  objects = 0;
  bytes = 0;

  async send(command: { readonly input: unknown }): Promise<unknown> {
    const body = (command.input as { Body?: unknown }).Body;
    if (!(body instanceof Uint8Array) && typeof body !== "string") {
      throw new Error("MemorySink: PutObject without a Body (Uint8Array or string)");
    }
    this.objects++;
    this.bytes += typeof body === "string" ? Buffer.byteLength(body) : body.length;
    return {};
  }
}

/** One pass of the processor over the workload. Returns the lines it wrote. */
async function processorPass(handler: Handler, events: Workload["events"]): Promise<number> {
  let lines = 0;
  for (const event of events) lines += (await handler(event)).linesOut;
  return lines;
}

function timeSpawn(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { env, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (child.status !== 0) {
    throw new Error(
      `node ${args.join(" ")} exited with ${child.status ?? child.signal}: ${child.stderr.trim()}`,
    );
  }
  return elapsed;
}

/** Load time of the bundle in a fresh process, in ms: medians of `require(bundle)` and a bare `node -e 0`. */
export function measureLoadTime(bundle: string, runs: number): { requireMs: number; bareMs: number } {
  // The bundle builds its S3 client and reads its configuration at load; give it what Lambda would.
  const env = { ...processorEnv({ S3_BUCKET: "bench" }), AWS_REGION: process.env.AWS_REGION ?? "us-east-1" };
  const load = ["-e", `require(${JSON.stringify(bundle)})`];
  const bare = ["-e", "0"];
  timeSpawn(load, env);
  timeSpawn(bare, env);
  const requireMs: number[] = [];
  const bareMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    requireMs.push(timeSpawn(load, env));
    bareMs.push(timeSpawn(bare, env));
  }
  return { requireMs: median(requireMs), bareMs: median(bareMs) };
}

/** Everything bench reports. Throughput in MB/s (10^6 bytes of decoded payload JSON per second). */
export interface BenchReport {
  readonly source: string;
  readonly subscriptionEvents: number;
  readonly logEvents: number | undefined;
  readonly decodedBytes: number;
  readonly gzipLevel: number;
  readonly runs: number;
  readonly linesOut: number;
  readonly objects: number;
  readonly bytesOut: number;
  readonly processorMs: number;
  readonly floorMs: number;
  readonly processorMBps: number;
  readonly floorMBps: number;
  readonly ratio: number;
  readonly bundle: string;
  readonly bundleBytes: number;
  readonly requireMs: number;
  readonly bareNodeMs: number;
  readonly loadMs: number;
  readonly peakRssBytes: number;
  /** 1-minute load average when the measured runs started, and the CPU count: other work on the machine skews every figure. */
  readonly loadAverage: number;
  readonly cpus: number;
  readonly ratioTargetMet: boolean;
  readonly loadTargetMet: boolean;
}

/**
 * Runs the benchmark: warm-up runs, then `runs` measured runs, each timing the floor and then the
 * processor over the whole workload; reports medians.
 *
 * @throws Error when the bundle cannot be loaded, an event fails, or the processor writes a
 *   different number of lines than there are log events (the measurement would be meaningless).
 */
export async function bench(options: BenchOptions, progress: (line: string) => void): Promise<BenchReport> {
  const gzipLevel = Number(process.env.GZIP_LEVEL ?? "6");
  progress(
    options.events === undefined
      ? `bench: generating ${options.records} log events`
      : `bench: reading ${options.events}`,
  );
  const workload =
    options.events === undefined
      ? generatedWorkload(options.records, options.seed)
      : await directoryWorkload(options.events);
  const processor = loadProcessor();
  const sink = new MemorySink();
  const handler = processor.createHandler({ env: processorEnv({ S3_BUCKET: "bench" }), s3: sink });

  let decodedBytes = 0;
  let linesOut = 0;
  let loadAverage = 0;
  const floorMs: number[] = [];
  const processorMs: number[] = [];
  for (let run = 0; run < WARMUP_RUNS + options.runs; run++) {
    const measured = run >= WARMUP_RUNS;
    if (run === WARMUP_RUNS) loadAverage = loadavg()[0] ?? 0;
    progress(
      `bench: ${measured ? `run ${run - WARMUP_RUNS + 1}/${options.runs}` : `warm-up ${run + 1}/${WARMUP_RUNS}`}`,
    );
    let start = performance.now();
    decodedBytes = floorPass(workload.events, gzipLevel);
    if (measured) floorMs.push(performance.now() - start);
    sink.objects = 0;
    sink.bytes = 0;
    start = performance.now();
    linesOut = await processorPass(handler, workload.events);
    if (measured) processorMs.push(performance.now() - start);
  }
  if (workload.logEvents !== undefined && linesOut !== workload.logEvents) {
    throw new Error(`the processor wrote ${linesOut} lines for ${workload.logEvents} log events`);
  }
  progress("bench: measuring load time");
  const { requireMs, bareMs } = measureLoadTime(processor.path, LOAD_RUNS);
  const processorMedian = median(processorMs);
  const floorMedian = median(floorMs);
  const processorMBps = decodedBytes / 1e6 / (processorMedian / 1000);
  const floorMBps = decodedBytes / 1e6 / (floorMedian / 1000);
  const loadMs = requireMs - bareMs;
  return {
    source: workload.source,
    subscriptionEvents: workload.events.length,
    logEvents: workload.logEvents,
    decodedBytes,
    gzipLevel,
    runs: options.runs,
    linesOut,
    objects: sink.objects,
    bytesOut: sink.bytes,
    processorMs: processorMedian,
    floorMs: floorMedian,
    processorMBps,
    floorMBps,
    ratio: processorMBps / floorMBps,
    bundle: relative(REPO_ROOT, processor.path),
    bundleBytes: statSync(processor.path).size,
    requireMs,
    bareNodeMs: bareMs,
    loadMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    loadAverage,
    cpus: availableParallelism(),
    ratioTargetMet: processorMBps / floorMBps >= TARGET_RATIO,
    loadTargetMet: loadMs <= TARGET_LOAD_MS,
  };
}

/** The report as a table for people. */
export function formatReport(report: BenchReport): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  return [
    `workload    ${report.subscriptionEvents} subscription events (${report.source}), ${report.linesOut} lines, ${mb(report.decodedBytes)} decoded`,
    `            GZIP_LEVEL ${report.gzipLevel}, median of ${report.runs} runs after ${WARMUP_RUNS} warm-up runs`,
    `processor   ${report.processorMBps.toFixed(1)} MB/s (${report.processorMs.toFixed(0)} ms per pass; ${report.objects} objects, ${mb(report.bytesOut)} gzip)`,
    `floor       ${report.floorMBps.toFixed(1)} MB/s (${report.floorMs.toFixed(0)} ms per pass: base64 decode + gunzip + gzip)`,
    `ratio       ${report.ratio.toFixed(2)}   target ≥ ${TARGET_RATIO}: ${met(report.ratioTargetMet)}`,
    `bundle      ${report.bundleBytes} bytes (${report.bundle})`,
    `load time   ${report.loadMs.toFixed(0)} ms above bare node (require ${report.requireMs.toFixed(0)} ms, bare ${report.bareNodeMs.toFixed(0)} ms, medians of ${LOAD_RUNS})   target ≤ ${TARGET_LOAD_MS} ms: ${met(report.loadTargetMet)}`,
    `peak RSS    ${mb(report.peakRssBytes)} (whole bench process)`,
    `machine     load average ${report.loadAverage.toFixed(1)} on ${report.cpus} CPUs when the runs started (figures are only comparable on an idle machine)`,
  ].join("\n");
}

/** The command: resolves with the exit code (0 measured, 1 could not measure, 2 bad command line). */
export async function main(argv: readonly string[], io: CommandOutput): Promise<number> {
  try {
    const options = parseBenchArgs(argv);
    const report = await bench(options, io.stderr);
    io.stdout(options.json ? JSON.stringify(report) : formatReport(report));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`bench: ${error.message}\n\n${BENCH_USAGE}`);
      return 2;
    }
    io.stderr(`bench: ${(error as Error).message}`);
    return 1;
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT);
}
