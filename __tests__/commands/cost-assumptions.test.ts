import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  ASSUMPTIONS,
  DECODED_PAYLOAD_CURVE,
  OBJECT_COMPRESSION_CURVE,
  PAYLOAD_SIZE_CURVE,
} from "../../commands/lib/cost-assumptions";
import { encodeSubscriptionEvent, packBatches } from "../../commands/lib/subscription-event";
import { generateWafLogEvents } from "../../commands/lib/waf-records";

const SOURCE = {
  owner: "111122223333",
  logGroup: "aws-waf-logs-example",
  logStream: "us-east-1_example_0",
  subscriptionFilters: ["waf-log-pipeline"],
};

describe("cost assumptions", () => {
  // The bench workload the curves were measured on: 12,000 generated records, seed 1.
  const logEvents = generateWafLogEvents({ count: 12_000, seed: 1 });
  const messageBytes = logEvents.reduce((sum, e) => sum + Buffer.byteLength(e.message, "utf8"), 0);

  it("record size is the bench workload's average", () => {
    expect(Math.round(messageBytes / logEvents.length)).toBe(ASSUMPTIONS.recordBytes.value);
  });

  it.each([1, 20, 250])("curve points for batches of %i records match the bench workload", (size) => {
    const batches = packBatches(logEvents, SOURCE, [size]);
    let raw = 0;
    let decoded = 0;
    let event = 0;
    let object = 0;
    for (const batch of batches) {
      const messages = batch.logEvents.map((e) => e.message);
      raw += messages.reduce((sum, m) => sum + Buffer.byteLength(m, "utf8"), 0);
      decoded += Buffer.byteLength(JSON.stringify(batch), "utf8");
      event += encodeSubscriptionEvent(batch).awslogs.data.length;
      object += gzipSync(messages.map((m) => `${m.replace(/[\r\n]/g, "")}\n`).join(""), { level: 6 }).length;
    }
    const point = (curve: readonly (readonly [number, number])[]) =>
      curve.find(([bytes]) => bytes === size * ASSUMPTIONS.recordBytes.value)?.[1];
    expect(object / raw).toBeCloseTo(point(OBJECT_COMPRESSION_CURVE.value)!, 3);
    expect(event / raw).toBeCloseTo(point(PAYLOAD_SIZE_CURVE.value)!, 3);
    expect(decoded / raw).toBeCloseTo(point(DECODED_PAYLOAD_CURVE.value)!, 3);
  });
});
