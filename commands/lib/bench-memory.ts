/**
 * Peak memory of the processor bundle on one event, measured in a fresh Node process (as one
 * Lambda execution environment runs it): the process loads the bundle, reads the event file,
 * invokes the handler once with S3 writes going to a sink, and reports its peak resident set.
 */
import { spawn } from "node:child_process";
import { z } from "zod";

/** What one measurement found. Sizes in bytes. */
export interface PeakRss {
  /** Peak resident set of the whole process (Node, bundle, event, processing): Linux `VmHWM`, else `maxRSS`. */
  readonly peakRssBytes: number;
  /** Resident set after loading the bundle and reading the event, before the invocation. */
  readonly rssBeforeBytes: number;
  /** Decompressed payload bytes. */
  readonly bytesIn: number;
  /** Gzip object bytes. */
  readonly bytesOut: number;
  /** Wall time of the invocation, in ms. */
  readonly invokeMs: number;
}

const reportSchema = z.object({
  peakRssBytes: z.number(),
  rssBeforeBytes: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  invokeMs: z.number(),
});

/** The child's program (CommonJS, no TypeScript loader, so nothing but Node and the bundle is in memory). */
const CHILD = `
const { readFileSync } = require("node:fs");
// Linux keeps ru_maxrss across exec, so a child of a large parent would report the parent's size:
// VmHWM (the peak of this process's own memory map) is the figure; elsewhere, maxRSS.
function peakRssBytes() {
  try {
    const hwm = /VmHWM:\\s*(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {}
  return process.resourceUsage().maxRSS * 1024;
}
const [bundle, eventFile] = process.argv.slice(1);
const { createHandler } = require(bundle);
const sink = { async send() { return {}; } };
const handler = createHandler({
  env: { ...process.env, AWS_REGION: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1", S3_BUCKET: "bench", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true", MAX_PAYLOAD_BYTES: "1000000000000" },
  s3: sink,
});
const event = JSON.parse(readFileSync(eventFile, "utf8"));
const rssBeforeBytes = process.memoryUsage.rss();
const start = performance.now();
handler(event).then((result) => {
  const invokeMs = performance.now() - start;
  process.stdout.write(JSON.stringify({
    peakRssBytes: peakRssBytes(), rssBeforeBytes, bytesIn: result.bytesIn, bytesOut: result.bytesOut, invokeMs,
  }));
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exitCode = 1; });
`;

/**
 * Runs the bundle on the event in `eventFile` in a new `node` process and reports its peak RSS.
 *
 * @param nodeOptions options for `node` before the program, e.g. `--max-old-space-size=64`.
 * @param nodeOptions options for `node` before the program, e.g. `--max-old-space-size=64`.
 * @throws Error with the child's stderr when it fails.
 */
export function measurePeakRss(
  bundle: string,
  eventFile: string,
  nodeOptions: readonly string[] = [],
): Promise<PeakRss> {
  return new Promise((resolve, reject) => {
    // Through `sh`, which forks node: Linux keeps ru_maxrss across fork and exec, so a child forked
    // straight from a large process (bench itself, holding its workloads) reports about the parent's
    // size as its maxRSS (74 MiB too much with a 600 MB parent here). The child reads VmHWM, which
    // exec resets; where there is no /proc it falls back to maxRSS, which the small shell keeps clean.
    const child = spawn(
      "/bin/sh",
      ["-c", '"$@"; exit $?', "sh", process.execPath, ...nodeOptions, "-e", CHILD, bundle, eventFile],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const report = code === 0 ? reportSchema.safeParse(JSON.parse(stdout || "null")) : undefined;
      if (report?.success) resolve(report.data);
      else
        reject(
          new Error(`peak RSS measurement of ${eventFile} failed (exit ${code}): ${stderr.trim() || stdout}`),
        );
    });
  });
}

/**
 * The V8 options that give a process the heap limits Node.js picks on a machine of `memoryMb` MB
 * (a Lambda function's memory is its micro-VM's memory): V8 gives the old generation a quarter of
 * physical memory and sizes the young generation from that (V8 `Heap::HeapSizeFromPhysicalMemory`).
 */
export function heapOptionsFor(memoryMb: number): string[] {
  return [`--max-old-space-size=${Math.floor(memoryMb / 4)}`];
}
