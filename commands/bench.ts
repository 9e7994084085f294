/**
 * `npm run bench -- [--events DIR] [--records N] [--seed N] [--runs N] [--json]`
 *
 * Measures the processor bundle's throughput against the floor (base64 decode + gunzip + gzip of
 * the same bytes, no JSON work) and the bundle's size and load time. See docs/replay-bench.md.
 * Prints figures; never fails on them.
 */
import { spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { type CommandOutput, isMainModule, parseCommandLine, PROCESS_OUTPUT, UsageError } from "./lib/cli";
import { compressibleEvent, realisticEvent, repeatedBlockEvent } from "./lib/bench-events";
import { heapOptionsFor, measurePeakRss, type PeakRss } from "./lib/bench-memory";
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

/** The directory of real-format subscription events bench measures by default. */
export const DEFAULT_EVENTS_DIR = "__tests__/fixtures/events";

export const BENCH_USAGE = `usage: npm run bench -- [--events DIR] [--records N] [--seed N] [--runs N] [--no-memory] [--json]

Measures the processor bundle (${PROCESSOR_BUNDLE}) with S3 writes going to an in-memory sink,
on two workloads in one run: generated WAF records packed into subscription events, and a
directory of real-format subscription events; then its peak memory per case, each in a new process.

  --events DIR   the directory of subscription event files (*.json) (default ${DEFAULT_EVENTS_DIR})
  --records N    log events to generate, at least 10000 (default 12000)
  --seed N       generator seed (default 1)
  --runs N       measured runs, after 2 warm-up runs; the median is reported (default 7)
  --no-memory    skip the peak-memory cases
  --json         print one JSON object instead of the table

GZIP_LEVEL from the environment applies to the processor and the floor (default 6).`;

/** Target: processor throughput / floor throughput, at least. */
export const TARGET_RATIO = 0.8;
/** Target: peak RSS on the largest realistic event (1 MiB of log events), at most, in bytes. */
export const TARGET_REALISTIC_RSS_BYTES = 100 * 1024 * 1024;
/** Target: peak RSS on the compressible event (about 97.5 MB decompressed), at most, in bytes. */
export const TARGET_COMPRESSIBLE_RSS_BYTES = 250 * 1024 * 1024;
/** Decompressed size of the compressible case, in bytes. */
export const COMPRESSIBLE_DECODED_BYTES = 97_500_000;
/**
 * Payloads of the memory sweep, per memory setting: realistic records beyond what one CloudWatch
 * Logs delivery holds (8 to 96 MB of log events), and compressible ones of 97.5 and 390 MB.
 */
export const SWEEP_CASES = [
  { name: "realistic 8 MB", kind: "realistic", bytes: 8_000_000 },
  { name: "realistic 32 MB", kind: "realistic", bytes: 32_000_000 },
  { name: "realistic 96 MB", kind: "realistic", bytes: 96_000_000 },
  { name: "compressible 97.5 MB", kind: "compressible", bytes: 97_500_000 },
  { name: "compressible 390 MB", kind: "compressible", bytes: 390_000_000 },
] as const;
/** Function memory settings the report gives the largest payload for, in MB. */
export const MEMORY_SETTINGS_MB = [128, 256, 512, 1024] as const;
/**
 * Node.js major version of the Lambda runtime the processor runs on (`nodejs22.x`, the forwarder's
 * `runtime`, src/constructs/waf-log-forwarder.ts): the figures of record are taken under it.
 */
export const LAMBDA_NODE_MAJOR = 22;
/** Target: bundle load time above a bare Node process, at most, in ms. */
export const TARGET_LOAD_MS = 100;
/** Log events per subscription event the generator aims for, taken in turn; CloudWatch's 1 MB cap cuts the large ones. */
export const GENERATED_BATCH_SIZES = [1, 20, 250, 1000, 10_000] as const;
const WARMUP_RUNS = 2;
const LOAD_RUNS = 9;

/** The command line, parsed. */
export interface BenchOptions {
  /** Directory of real-format event files. */
  readonly events: string;
  /** Log events to generate. */
  readonly records: number;
  /** Generator seed. */
  readonly seed: number;
  /** Measured runs. */
  readonly runs: number;
  /** Print JSON instead of a table. */
  readonly json: boolean;
  /** Measure peak memory per case. */
  readonly memory: boolean;
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
 * @throws UsageError for unknown options, positional arguments or numbers out of range.
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
      "no-memory": { type: "boolean" },
    },
  });
  const { values } = parsed;
  return {
    events: values.events ?? DEFAULT_EVENTS_DIR,
    records: positiveInteger("records", values.records, 12_000, 10_000),
    seed: positiveInteger("seed", values.seed, 1, 0),
    runs: positiveInteger("runs", values.runs, 7, 1),
    json: values.json ?? false,
    memory: !(values["no-memory"] ?? false),
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

/** Throughput of the processor next to the floor on one workload. Throughput in MB/s (10^6 bytes of decoded payload JSON per second). */
export interface ThroughputReport {
  readonly source: string;
  readonly subscriptionEvents: number;
  readonly logEvents: number | undefined;
  readonly decodedBytes: number;
  readonly linesOut: number;
  readonly objects: number;
  readonly bytesOut: number;
  readonly processorMs: number;
  readonly floorMs: number;
  readonly processorMBps: number;
  readonly floorMBps: number;
  readonly ratio: number;
  readonly ratioTargetMet: boolean;
  /**
   * CPU time of one pass (user + system, every thread of the process: zlib's thread pool too), in
   * ms, medians: what a Lambda function with less than one vCPU pays, where nothing overlaps.
   */
  readonly processorCpuMs: number;
  readonly floorCpuMs: number;
  /** floor CPU time ÷ processor CPU time (the throughput ratio on one CPU). */
  readonly cpuRatio: number;
}

/** Peak memory of one case (see `measurePeakRss`), sizes in bytes. */
export interface MemoryCase extends PeakRss {
  readonly name: string;
  /** Size of the Lambda event (its `awslogs.data` base64 text), in bytes. */
  readonly eventBytes: number;
  /** The target peak RSS of the case, if it has one. */
  readonly targetBytes?: number;
}

/** One sweep payload run under one memory setting. */
export interface SweepResult {
  readonly memoryMb: number;
  readonly name: string;
  /** Decompressed bytes (0 when the run failed). */
  readonly bytesIn: number;
  /** Peak RSS in bytes (0 when the run failed). */
  readonly peakRssBytes: number;
  /** Completed with a peak RSS within the setting. */
  readonly handled: boolean;
  /** Why not, when the process failed (e.g. V8 out of heap). */
  readonly failure?: string;
}

/** Peak memory per case, and the sweep per memory setting. */
export interface MemoryReport {
  readonly cases: readonly MemoryCase[];
  readonly sweep: readonly SweepResult[];
  /** Largest decompressed payload handled per memory setting, in bytes, and the case it came from. */
  readonly largestPayload: readonly {
    readonly memoryMb: number;
    readonly kind: "realistic" | "compressible";
    readonly bytes: number;
    readonly name: string;
  }[];
}

/** Everything bench reports. */
export interface BenchReport {
  readonly gzipLevel: number;
  readonly runs: number;
  readonly workloads: readonly ThroughputReport[];
  readonly bundle: string;
  readonly bundleBytes: number;
  readonly requireMs: number;
  readonly bareNodeMs: number;
  readonly loadMs: number;
  readonly memory: MemoryReport | undefined;
  /** Node.js version the bench ran under. */
  readonly node: string;
  /** 1-minute load average when the measured runs started, and the CPU count: other work on the machine skews every figure. */
  readonly loadAverage: number;
  readonly cpus: number;
  readonly loadTargetMet: boolean;
}

/**
 * Measures one workload: warm-up runs, then `runs` measured runs, each timing the floor and then
 * the processor over the whole workload; reports medians.
 */
async function measureThroughput(
  workload: Workload,
  handler: Handler,
  sink: MemorySink,
  options: { runs: number; gzipLevel: number },
  progress: (line: string) => void,
): Promise<ThroughputReport> {
  let decodedBytes = 0;
  let linesOut = 0;
  const floorMs: number[] = [];
  const processorMs: number[] = [];
  const floorCpuMs: number[] = [];
  const processorCpuMs: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  for (let run = 0; run < WARMUP_RUNS + options.runs; run++) {
    const measured = run >= WARMUP_RUNS;
    progress(
      `bench: ${workload.source}: ${measured ? `run ${run - WARMUP_RUNS + 1}/${options.runs}` : `warm-up ${run + 1}/${WARMUP_RUNS}`}`,
    );
    let cpu = process.cpuUsage();
    let start = performance.now();
    decodedBytes = floorPass(workload.events, options.gzipLevel);
    if (measured) {
      floorMs.push(performance.now() - start);
      floorCpuMs.push(cpuMs(cpu));
    }
    sink.objects = 0;
    sink.bytes = 0;
    cpu = process.cpuUsage();
    start = performance.now();
    linesOut = await processorPass(handler, workload.events);
    if (measured) {
      processorMs.push(performance.now() - start);
      processorCpuMs.push(cpuMs(cpu));
    }
  }
  if (workload.logEvents !== undefined && linesOut !== workload.logEvents) {
    throw new Error(`the processor wrote ${linesOut} lines for ${workload.logEvents} log events`);
  }
  const processorMedian = median(processorMs);
  const floorMedian = median(floorMs);
  const processorMBps = decodedBytes / 1e6 / (processorMedian / 1000);
  const floorMBps = decodedBytes / 1e6 / (floorMedian / 1000);
  return {
    source: workload.source,
    subscriptionEvents: workload.events.length,
    logEvents: workload.logEvents,
    decodedBytes,
    linesOut,
    objects: sink.objects,
    bytesOut: sink.bytes,
    processorMs: processorMedian,
    floorMs: floorMedian,
    processorMBps,
    floorMBps,
    ratio: processorMBps / floorMBps,
    ratioTargetMet: processorMBps / floorMBps >= TARGET_RATIO,
    processorCpuMs: median(processorCpuMs),
    floorCpuMs: median(floorCpuMs),
    cpuRatio: median(floorCpuMs) / median(processorCpuMs),
  };
}

/**
 * Peak memory, each run in a new process: the largest realistic event (1 MiB of log events) and
 * the compressible event (about 97.5 MB decompressed in an event of about 1 MB), with Node's
 * defaults on this machine; then every {@link SWEEP_CASES} payload under every
 * {@link MEMORY_SETTINGS_MB} setting, with the heap limits Node picks for that much memory
 * ({@link heapOptionsFor}): handled when it completes within the setting.
 */
async function measureMemory(bundle: string, progress: (line: string) => void): Promise<MemoryReport> {
  const dir = await mkdtemp(join(tmpdir(), "waf-log-bench-"));
  try {
    const write = (name: string, event: { awslogs: { data: string } }) => {
      const file = join(dir, `${name.replace(/[^a-z0-9.]+/gi, "-")}.json`);
      writeFileSync(file, JSON.stringify(event));
      return { file, eventBytes: event.awslogs.data.length };
    };
    const cases: MemoryCase[] = [];
    for (const spec of [
      {
        name: "realistic 1 MiB event",
        make: () => realisticEvent(1_048_576, 1),
        targetBytes: TARGET_REALISTIC_RSS_BYTES,
      },
      {
        name: "compressible event",
        make: () => compressibleEvent(COMPRESSIBLE_DECODED_BYTES),
        targetBytes: TARGET_COMPRESSIBLE_RSS_BYTES,
      },
    ]) {
      progress(`bench: peak memory: ${spec.name}`);
      const { file, eventBytes } = write(spec.name, spec.make());
      cases.push({
        name: spec.name,
        eventBytes,
        targetBytes: spec.targetBytes,
        ...(await measurePeakRss(bundle, file)),
      });
    }
    const sweep: SweepResult[] = [];
    for (const spec of SWEEP_CASES) {
      const event =
        spec.kind === "realistic" ? realisticEvent(spec.bytes, 2) : repeatedBlockEvent(spec.bytes / 4, 4);
      const { file } = write(spec.name, event);
      for (const memoryMb of MEMORY_SETTINGS_MB) {
        progress(`bench: peak memory: ${spec.name} at ${memoryMb} MB`);
        try {
          const measured = await measurePeakRss(bundle, file, heapOptionsFor(memoryMb));
          sweep.push({
            memoryMb,
            name: spec.name,
            bytesIn: measured.bytesIn,
            peakRssBytes: measured.peakRssBytes,
            handled: measured.peakRssBytes <= memoryMb * 1024 * 1024,
          });
        } catch (error) {
          const failure =
            /heap out of memory|Allocation failed[^\n]*/i.exec((error as Error).message)?.[0] ??
            (error as Error).message.slice(0, 120);
          sweep.push({ memoryMb, name: spec.name, bytesIn: 0, peakRssBytes: 0, handled: false, failure });
        }
      }
    }
    const largestPayload = MEMORY_SETTINGS_MB.flatMap((memoryMb) =>
      (["realistic", "compressible"] as const).map((kind) => {
        const handled = sweep.filter((r) => r.memoryMb === memoryMb && r.handled && r.name.startsWith(kind));
        const best = handled.reduce<SweepResult | undefined>(
          (a, b) => (a === undefined || b.bytesIn > a.bytesIn ? b : a),
          undefined,
        );
        return { memoryMb, kind, bytes: best?.bytesIn ?? 0, name: best?.name ?? "none" };
      }),
    );
    return { cases, sweep, largestPayload };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the benchmark: throughput next to the floor on the generated workload and on the directory
 * of real-format events, load time, and (unless `--no-memory`) peak memory per case.
 *
 * @throws Error when the bundle cannot be loaded, an event fails, or the processor writes a
 *   different number of lines than there are log events (the measurement would be meaningless).
 */
export async function bench(options: BenchOptions, progress: (line: string) => void): Promise<BenchReport> {
  const gzipLevel = Number(process.env.GZIP_LEVEL ?? "6");
  progress(`bench: generating ${options.records} log events; reading ${options.events}`);
  const workloads = [
    generatedWorkload(options.records, options.seed),
    await directoryWorkload(options.events),
  ];
  const processor = loadProcessor();
  const sink = new MemorySink();
  const handler = processor.createHandler({ env: processorEnv({ S3_BUCKET: "bench" }), s3: sink });
  const loadAverage = loadavg()[0] ?? 0;
  const reports: ThroughputReport[] = [];
  for (const workload of workloads) {
    reports.push(
      await measureThroughput(workload, handler, sink, { runs: options.runs, gzipLevel }, progress),
    );
  }
  progress("bench: measuring load time");
  const { requireMs, bareMs } = measureLoadTime(processor.path, LOAD_RUNS);
  const memory = options.memory ? await measureMemory(processor.path, progress) : undefined;
  const loadMs = requireMs - bareMs;
  return {
    gzipLevel,
    runs: options.runs,
    workloads: reports,
    bundle: relative(REPO_ROOT, processor.path),
    bundleBytes: statSync(processor.path).size,
    requireMs,
    bareNodeMs: bareMs,
    loadMs,
    memory,
    node: process.version,
    loadAverage,
    cpus: availableParallelism(),
    loadTargetMet: loadMs <= TARGET_LOAD_MS,
  };
}

/** The report as a table for people. */
export function formatReport(report: BenchReport): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  const lines = [
    `GZIP_LEVEL ${report.gzipLevel}, median of ${report.runs} runs after ${WARMUP_RUNS} warm-up runs, Node ${report.node}`,
  ];
  if (Number(/^v(\d+)\./.exec(report.node)?.[1]) !== LAMBDA_NODE_MAJOR) {
    lines.push(
      `note        Lambda runs Node ${LAMBDA_NODE_MAJOR} (nodejs${LAMBDA_NODE_MAJOR}.x): these figures under ${report.node} are not comparable to the README's; run bench under Node ${LAMBDA_NODE_MAJOR}`,
    );
  }
  for (const w of report.workloads) {
    lines.push(
      `workload    ${w.subscriptionEvents} subscription events (${w.source}), ${w.linesOut} lines, ${mb(w.decodedBytes)} decoded`,
      `  processor ${w.processorMBps.toFixed(1)} MB/s (${w.processorMs.toFixed(0)} ms per pass; ${w.objects} objects, ${mb(w.bytesOut)} gzip)`,
      `  floor     ${w.floorMBps.toFixed(1)} MB/s (${w.floorMs.toFixed(0)} ms per pass: base64 decode + gunzip + gzip)`,
      `  ratio     ${w.ratio.toFixed(2)}   target ≥ ${TARGET_RATIO}: ${met(w.ratioTargetMet)}`,
      `  CPU time  processor ${w.processorCpuMs.toFixed(0)} ms, floor ${w.floorCpuMs.toFixed(0)} ms per pass (all threads): ratio ${w.cpuRatio.toFixed(2)} on one CPU`,
    );
  }
  lines.push(
    `bundle      ${report.bundleBytes} bytes (${report.bundle})`,
    `load time   ${report.loadMs.toFixed(0)} ms above bare node (require ${report.requireMs.toFixed(0)} ms, bare ${report.bareNodeMs.toFixed(0)} ms, medians of ${LOAD_RUNS})   target ≤ ${TARGET_LOAD_MS} ms: ${met(report.loadTargetMet)}`,
  );
  if (report.memory !== undefined) {
    lines.push(
      "peak RSS    one invocation in a new process (Node, bundle, event and processing; Linux VmHWM)",
    );
    for (const c of report.memory.cases) {
      const target =
        c.targetBytes === undefined
          ? ""
          : `   target ≤ ${mib(c.targetBytes)}: ${met(c.peakRssBytes <= c.targetBytes)}`;
      lines.push(
        `  ${c.name.padEnd(28)} ${mib(c.peakRssBytes).padStart(10)} (${mb(c.bytesIn)} decompressed, event ${mb(c.eventBytes)}, ${c.invokeMs.toFixed(0)} ms)${target}`,
      );
    }
    lines.push(
      "  per memory setting (heap limits as Node sets them for that much memory; ✓ = done within it)",
    );
    for (const memoryMb of MEMORY_SETTINGS_MB) {
      const rows = report.memory.sweep.filter((r) => r.memoryMb === memoryMb);
      lines.push(
        `  ${String(memoryMb).padStart(5)} MB   ${rows
          .map(
            (r) =>
              `${r.name} ${r.handled ? "✓" : "✗"} ${r.peakRssBytes > 0 ? mib(r.peakRssBytes) : (r.failure ?? "failed")}`,
          )
          .join("; ")}`,
      );
    }
    for (const kind of ["realistic", "compressible"] as const) {
      lines.push(
        `  largest ${kind.padEnd(12)} ${report.memory.largestPayload
          .filter((row) => row.kind === kind)
          .map((row) => `${row.memoryMb} MB: ${mb(row.bytes)}`)
          .join(
            ", ",
          )} (largest measured: ${mb(Math.max(...report.memory.sweep.filter((r) => r.name.startsWith(kind)).map((r) => r.bytesIn)))})`,
      );
    }
  }
  lines.push(
    `machine     load average ${report.loadAverage.toFixed(1)} on ${report.cpus} CPUs when the runs started (figures are only comparable on an idle machine)`,
  );
  return lines.join("\n");
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
