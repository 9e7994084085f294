import * as zlib from "node:zlib";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { LogEvent } from "../../../functions/waf-log-processor/decode";
import {
  streamSubscriptionEvent,
  WHOLE_PAYLOAD_BYTES,
  type StreamedPayload,
} from "../../../functions/waf-log-processor/payload-stream";
import { dataPayload, eventFromBytes, logEvents } from "../../helpers/cloudwatch-logs-event";

// Which way the payload was gunzipped: spies around zlib's gunzipSync and createGunzip.
vi.mock("node:zlib", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:zlib")>();
  return { ...actual, gunzipSync: vi.fn(actual.gunzipSync), createGunzip: vi.fn(actual.createGunzip) };
});

const { gzipSync } = await vi.importActual<typeof import("node:zlib")>("node:zlib");

/** The payload through the reader (default settings), or the error's class and message. */
async function read(
  event: unknown,
  maxPayloadBytes?: number,
): Promise<{ result?: StreamedPayload; ids: string[]; error?: string }> {
  const ids: string[] = [];
  try {
    const result = await streamSubscriptionEvent(event, {
      ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
      onLogEvent: (logEvent: LogEvent) => ids.push(logEvent.id),
    });
    return { result, ids };
  } catch (error) {
    return { ids: [], error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** A payload JSON of about `bytes` bytes. */
function payloadOf(bytes: number): Buffer {
  const message = `{"timestamp":1764460800000,"pad":"${"x".repeat(1000)}"}`;
  return Buffer.from(
    JSON.stringify(dataPayload(logEvents(Array<string>(Math.ceil(bytes / 1050)).fill(message)))),
  );
}

beforeEach(() => {
  vi.mocked(zlib.gunzipSync).mockClear();
  vi.mocked(zlib.createGunzip).mockClear();
});

describe("streamSubscriptionEvent gunzips a small payload in one step", () => {
  it("takes one gunzipSync and no stream for a payload of at most WHOLE_PAYLOAD_BYTES", async () => {
    const payload = payloadOf(1_200_000);
    const { result, ids } = await read(eventFromBytes(gzipSync(payload)));

    expect(result?.decodedBytes).toBe(payload.length);
    expect(ids).toHaveLength(Math.ceil(1_200_000 / 1050));
    expect(zlib.gunzipSync).toHaveBeenCalledTimes(1);
    expect(zlib.createGunzip).not.toHaveBeenCalled();
  });

  it("streams a payload whose trailer says it is larger", async () => {
    const payload = payloadOf(WHOLE_PAYLOAD_BYTES + 100_000);
    const { result } = await read(eventFromBytes(gzipSync(payload)));

    expect(result?.decodedBytes).toBe(payload.length);
    expect(zlib.gunzipSync).not.toHaveBeenCalled();
    expect(zlib.createGunzip).toHaveBeenCalledTimes(1);
  });

  it("streams a payload whose trailer lies (a small last gzip member after a large one), giving the same result", async () => {
    const payload = payloadOf(WHOLE_PAYLOAD_BYTES + 100_000);
    const cut = payload.length - 10;
    const members = Buffer.concat([gzipSync(payload.subarray(0, cut)), gzipSync(payload.subarray(cut))]);
    const { result } = await read(eventFromBytes(members));

    expect(result?.decodedBytes).toBe(payload.length);
    expect(zlib.gunzipSync).toHaveBeenCalledTimes(1); // stopped at its output cap
    expect(zlib.createGunzip).toHaveBeenCalledTimes(1);
  });

  it("leaves a payload above maxPayloadBytes to the stream, which names the cap", async () => {
    const payload = payloadOf(300_000);
    const { error } = await read(eventFromBytes(gzipSync(payload)), 100_000);

    expect(error).toBe(
      "PayloadTooLargeError: awslogs.data decompresses to more than the cap of 100000 bytes (MAX_PAYLOAD_BYTES): stopped after 131072 bytes",
    );
    expect(zlib.createGunzip).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["truncated", (gzip: Buffer) => gzip.subarray(0, gzip.length - 30)],
    [
      "with a wrong CRC-32",
      (gzip: Buffer) => Buffer.concat([gzip.subarray(0, -8), Buffer.alloc(4), gzip.subarray(-4)]),
    ],
    [
      "with a corrupt deflate block",
      (gzip: Buffer) => Buffer.concat([gzip.subarray(0, 12), Buffer.from([0xff, 0xff]), gzip.subarray(14)]),
    ],
  ])("gives the stream's error for gzip %s", async (_, corrupt) => {
    const gzip = corrupt(gzipSync(payloadOf(50_000)));

    const oneStep = await read(eventFromBytes(gzip));
    // Tried, failed, then streamed; unless the cut left trailer bytes that claim a large payload.
    const claimed = gzip.readUInt32LE(gzip.length - 4);
    expect(zlib.gunzipSync).toHaveBeenCalledTimes(claimed <= WHOLE_PAYLOAD_BYTES ? 1 : 0);
    vi.mocked(zlib.gunzipSync).mockClear();
    const streamed = await streamSubscriptionEvent(eventFromBytes(gzip), {
      wholePayloadBytes: 0,
      onLogEvent: () => {},
    }).catch((error: Error) => `${error.name}: ${error.message}`);

    expect(oneStep.error).toMatch(/^NotGzipError: awslogs\.data is not valid gzip: /);
    expect(oneStep.error).toBe(streamed);
    expect(zlib.gunzipSync).not.toHaveBeenCalled();
  });
});
