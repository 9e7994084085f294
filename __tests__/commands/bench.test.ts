import { gunzipSync } from "node:zlib";
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../commands/lib/event-files";
import {
  encodeSubscriptionEvent,
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  packBatches,
} from "../../commands/lib/subscription-event";
import { ALL_ACTIONS, generateWafLogEvents } from "../../commands/lib/waf-records";
import {
  COMPRESSIBLE_DECODED_BYTES,
  DEFAULT_EVENTS_DIR,
  directoryWorkload,
  floorPass,
  formatReport,
  generatedWorkload,
  LAMBDA_NODE_MAJOR,
  median,
  MemorySink,
  parseBenchArgs,
  type BenchReport,
} from "../../commands/bench";
import { compressibleEvent, realisticEvent, repeatedBlockEvent } from "../../commands/lib/bench-events";
import { heapOptionsFor, measurePeakRss } from "../../commands/lib/bench-memory";
import { PROCESSOR_BUNDLE, REPO_ROOT } from "../../commands/lib/processor-bundle";

const PROCESSOR_BUNDLE_PATH = `${REPO_ROOT}${PROCESSOR_BUNDLE}`;

const SOURCE = {
  owner: "111122223333",
  logGroup: "aws-waf-logs-a",
  logStream: "s",
  subscriptionFilters: ["f"],
};

/** The WAF records among generated messages (the ones that parse as JSON objects). */
function records(count: number, seed = 1): Record<string, unknown>[] {
  return generateWafLogEvents({ count, seed }).flatMap((logEvent) => {
    try {
      const value: unknown = JSON.parse(logEvent.message);
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? [value as Record<string, unknown>]
        : [];
    } catch {
      return [];
    }
  });
}

describe("generateWafLogEvents", () => {
  it("gives the same log events for the same seed", () => {
    expect(generateWafLogEvents({ count: 200, seed: 7 })).toEqual(
      generateWafLogEvents({ count: 200, seed: 7 }),
    );
  });

  it("gives different log events for different seeds", () => {
    expect(generateWafLogEvents({ count: 20, seed: 1 })).not.toEqual(
      generateWafLogEvents({ count: 20, seed: 2 }),
    );
  });

  it("uses every action, as the terminating action or in a rule list", () => {
    const text = records(1000)
      .map((record) => JSON.stringify(record))
      .join("\n");

    expect(ALL_ACTIONS.filter((action) => !text.includes(`"action":"${action}"`))).toEqual([]);
  });

  it("uses regular, rate-based and managed rule group terminating rules", () => {
    const types = new Set(records(1000).map((record) => record.terminatingRuleType));

    expect([...types].sort()).toEqual(["MANAGED_RULE_GROUP", "RATE_BASED", "REGULAR"]);
  });

  it("writes labels and non-ASCII text in some records", () => {
    const sample = records(1000);

    expect(sample.some((record) => Array.isArray(record.labels))).toBe(true);
    expect(sample.some((record) => /[^ -~]/.test(JSON.stringify(record.httpRequest)))).toBe(true);
  });

  it("writes each WAF record compact on one line, with the log event's timestamp", () => {
    const logEvents = generateWafLogEvents({ count: 100, seed: 3, nonJsonShare: 0 });

    expect(
      logEvents.every((e) => !e.message.includes("\n") && JSON.parse(e.message).timestamp === e.timestamp),
    ).toBe(true);
  });

  it("mixes in messages that are not one-line JSON records at the requested share", () => {
    const logEvents = generateWafLogEvents({ count: 10_000, seed: 1, nonJsonShare: 0.02 });

    const others = logEvents.filter((e) => e.message.includes("\n") || !e.message.endsWith("}")).length;
    expect(others).toBeGreaterThan(100);
    expect(others).toBeLessThan(300);
  });

  it("gives every log event a distinct 56-digit id", () => {
    const ids = generateWafLogEvents({ count: 500 }).map((e) => e.id);

    expect(ids.every((id) => /^\d{56}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(500);
  });

  it("rejects a negative count", () => {
    expect(() => generateWafLogEvents({ count: -1 })).toThrow(
      new RangeError("count: expected an integer ≥ 0, got -1"),
    );
  });
});

describe("packBatches", () => {
  it("keeps every log event once, in order", () => {
    const logEvents = generateWafLogEvents({ count: 3000 });

    const batches = packBatches(logEvents, SOURCE, [1, 20, 5000]);

    expect(batches.flatMap((batch) => batch.logEvents)).toEqual(logEvents);
  });

  it("takes the batch sizes in turn", () => {
    const logEvents = generateWafLogEvents({ count: 30 });

    expect(packBatches(logEvents, SOURCE, [1, 4]).map((batch) => batch.logEvents.length)).toEqual([
      1, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4,
    ]);
  });

  it("closes a batch before it exceeds 1,048,576 bytes as CloudWatch Logs counts them", () => {
    const batches = packBatches(generateWafLogEvents({ count: 3000 }), SOURCE, [10_000]);

    const sizes = batches.map((batch) =>
      batch.logEvents.reduce((sum, e) => sum + Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES, 0),
    );
    expect(batches.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });

  it("rejects a batch size above 10,000", () => {
    expect(() => packBatches([], SOURCE, [10_001])).toThrow(
      new RangeError("batchSizes: expected integers in 1..10000, got [10001]"),
    );
  });
});

describe("encodeSubscriptionEvent", () => {
  it("encodes the payload as base64 of gzip of its JSON", () => {
    const payload: CloudWatchLogsDecodedData = {
      ...SOURCE,
      subscriptionFilters: ["f"],
      messageType: "DATA_MESSAGE",
      logEvents: [],
    };

    const event = encodeSubscriptionEvent(payload);

    expect(JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8"))).toEqual(
      payload,
    );
  });
});

describe("generatedWorkload", () => {
  it("packs the requested number of log events into several subscription events", () => {
    const workload = generatedWorkload(10_000, 1);

    const total = workload.events
      .map(
        (event) =>
          JSON.parse(
            gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8"),
          ) as CloudWatchLogsDecodedData,
      )
      .reduce((sum, payload) => sum + payload.logEvents.length, 0);
    expect({ total, logEvents: workload.logEvents, several: workload.events.length > 5 }).toEqual({
      total: 10_000,
      logEvents: 10_000,
      several: true,
    });
  });
});

describe("floorPass", () => {
  it("returns the decoded payload bytes", () => {
    const payload = JSON.stringify({ messageType: "DATA_MESSAGE", logEvents: [] });
    const event = encodeSubscriptionEvent(JSON.parse(payload) as CloudWatchLogsDecodedData);

    expect(floorPass([event, event], 6)).toBe(2 * Buffer.byteLength(payload));
  });
});

describe("MemorySink", () => {
  it("counts objects and body bytes", async () => {
    const sink = new MemorySink();

    await sink.send({ input: { Body: Buffer.from("abc") } });
    await sink.send({ input: { Body: "é" } });

    expect({ objects: sink.objects, bytes: sink.bytes }).toEqual({ objects: 2, bytes: 5 });
  });

  it("rejects a command without a body", async () => {
    await expect(new MemorySink().send({ input: {} })).rejects.toThrow(
      new Error("MemorySink: PutObject without a Body (Uint8Array or string)"),
    );
  });
});

describe("median", () => {
  it("takes the middle value of an odd-length list", () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it("averages the two middle values of an even-length list", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("parseBenchArgs", () => {
  it("defaults to 12,000 generated log events, seed 1, the fixture events, 7 runs, memory cases, table output", () => {
    expect(parseBenchArgs([])).toEqual({
      events: DEFAULT_EVENTS_DIR,
      records: 12_000,
      seed: 1,
      runs: 7,
      json: false,
      memory: true,
    });
  });

  it("rejects fewer than 10,000 generated log events", () => {
    expect(() => parseBenchArgs(["--records", "500"])).toThrow(
      new UsageError('--records: expected an integer ≥ 10000, got "500"'),
    );
  });

  it("takes --events and --records together: both workloads run", () => {
    expect(parseBenchArgs(["--events", "dir", "--records", "20000", "--no-memory"])).toMatchObject({
      events: "dir",
      records: 20_000,
      memory: false,
    });
  });
});

describe("directoryWorkload", () => {
  it("reads the real-format fixture events, symbolic links included", async () => {
    const workload = await directoryWorkload(DEFAULT_EVENTS_DIR);

    expect(workload.events).toHaveLength(4);
    expect(workload.source).toBe(`4 files in ${DEFAULT_EVENTS_DIR}`);
  });
});

describe("bench events", () => {
  it("packs the realistic event up to CloudWatch Logs' batch limit of 1,048,576 bytes", () => {
    const payload = JSON.parse(
      gunzipSync(Buffer.from(realisticEvent(MAX_BATCH_BYTES, 1).awslogs.data, "base64")).toString(),
    ) as CloudWatchLogsDecodedData;
    const counted = payload.logEvents.reduce(
      (sum, e) => sum + Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES,
      0,
    );

    expect(counted).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(counted).toBeGreaterThan(MAX_BATCH_BYTES - 5_000);
  });

  it("makes a compressible event of the requested decompressed size in about 1 MB", () => {
    const event = compressibleEvent(COMPRESSIBLE_DECODED_BYTES);
    const decoded = gunzipSync(Buffer.from(event.awslogs.data, "base64"));

    expect(Math.abs(decoded.length - COMPRESSIBLE_DECODED_BYTES)).toBeLessThan(
      COMPRESSIBLE_DECODED_BYTES / 200,
    );
    expect(event.awslogs.data.length).toBeLessThan(1_048_576);
  });

  it("makes a payload of repeated gzip members that reads as one JSON document", () => {
    const event = repeatedBlockEvent(50_000, 3);
    const payload = JSON.parse(
      gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString(),
    ) as CloudWatchLogsDecodedData;

    expect(payload.messageType).toBe("DATA_MESSAGE");
    expect(payload.logEvents.length % 3).toBe(0);
  });
});

describe("measurePeakRss", () => {
  it("runs the bundle on an event in a new process and reports its peak RSS and sizes", async () => {
    const measured = await measurePeakRss(
      PROCESSOR_BUNDLE_PATH,
      "__tests__/fixtures/samples/cwl-data-message.json",
    );

    expect(measured.bytesIn).toBe(5_444);
    expect(measured.peakRssBytes).toBeGreaterThanOrEqual(measured.rssBeforeBytes);
    expect(measured.peakRssBytes).toBeGreaterThan(20 * 1024 * 1024);
  });

  it("names the event file and the child's error when the invocation fails", async () => {
    await expect(
      measurePeakRss(PROCESSOR_BUNDLE_PATH, "__tests__/fixtures/samples/s3-test-event.json"),
    ).rejects.toThrow(
      /^peak RSS measurement of __tests__\/fixtures\/samples\/s3-test-event\.json failed \(exit 1\): EventShapeError: /,
    );
  });

  it("gives a process the old-generation limit V8 picks for that much memory", () => {
    expect(heapOptionsFor(512)).toEqual(["--max-old-space-size=128"]);
  });
});

describe("formatReport", () => {
  const report = (node: string): BenchReport => ({
    gzipLevel: 6,
    runs: 7,
    workloads: [],
    bundle: "dist/waf-log-processor/index.cjs",
    bundleBytes: 1,
    requireMs: 150,
    bareNodeMs: 60,
    loadMs: 90,
    memory: undefined,
    node,
    loadAverage: 0.5,
    cpus: 2,
    loadTargetMet: true,
  });

  it(`says when bench runs under another Node.js than Lambda's ${LAMBDA_NODE_MAJOR}`, () => {
    expect(formatReport(report("v20.20.2"))).toContain(
      `note        Lambda runs Node ${LAMBDA_NODE_MAJOR} (nodejs${LAMBDA_NODE_MAJOR}.x): these figures under v20.20.2 are not comparable to the README's`,
    );
    expect(formatReport(report(`v${LAMBDA_NODE_MAJOR}.23.5`))).not.toContain("note ");
  });
});
