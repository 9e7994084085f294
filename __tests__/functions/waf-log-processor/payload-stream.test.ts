import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Random, generateWafLogEvents } from "../../../commands/lib/waf-records";
import {
  decodeSubscriptionEvent,
  InvalidJsonError,
  PayloadShapeError,
  type LogEvent,
  type MessageText,
} from "../../../functions/waf-log-processor/decode";
import { LineWriter, toLines } from "../../../functions/waf-log-processor/lines";
import { payloadDigest } from "../../../functions/waf-log-processor/object-key";
import {
  DIRECT_LOG_EVENT_BYTES,
  MAX_VALUE_BYTES,
  streamSubscriptionEvent,
} from "../../../functions/waf-log-processor/payload-stream";
import {
  dataPayload,
  eventFromBytes,
  eventFromPayload,
  logEvents,
  readSampleEvent,
} from "../../helpers/cloudwatch-logs-event";

const REDACT_COOKIE: ReadonlySet<string> = new Set(["cookie"]);

/**
 * Envelope, ids, counts and body through the streaming reader and the line writer, or the error
 * class: with every log event parsed by `JSON.parse`, with every log event offered to the direct
 * path (`onLogEventBytes` from 0 bytes on), and with the payload gunzipped as a stream instead of in
 * one step (`wholePayloadBytes: 0`); a difference is returned as such.
 */
async function streamed(event: unknown): Promise<string> {
  const parsed = await streamedWith(event, { direct: false });
  const direct = await streamedWith(event, { direct: true });
  const stream = await streamedWith(event, { direct: false, wholePayloadBytes: 0 });
  if (direct !== parsed) return `direct path differs: ${direct} instead of ${parsed}`;
  if (stream !== parsed) return `gunzip as a stream differs: ${stream} instead of ${parsed}`;
  return parsed;
}

async function streamedWith(
  event: unknown,
  { direct, wholePayloadBytes }: { direct: boolean; wholePayloadBytes?: number },
): Promise<string> {
  const writer = new LineWriter({ redactHeaders: REDACT_COOKIE });
  const ids: [string, number][] = [];
  try {
    const result = await streamSubscriptionEvent(event, {
      ...(wholePayloadBytes === undefined ? {} : { wholePayloadBytes }),
      onLogEvent: (logEvent: LogEvent, messageText: MessageText) => {
        ids.push([logEvent.id, logEvent.timestamp]);
        writer.add(logEvent, messageText);
      },
      ...(direct
        ? {
            directLogEventBytes: 0,
            onLogEventBytes: (logEvent: Pick<LogEvent, "id" | "timestamp">, message: Buffer) => {
              ids.push([logEvent.id, logEvent.timestamp]);
              writer.addBytes(logEvent, message);
            },
          }
        : {}),
    });
    if (result.kind === "control") return `control ${JSON.stringify(result.payload)} ${result.digest}`;
    return `${JSON.stringify({ ...result.payload })} ${JSON.stringify(ids)} ${writer.linesWrapped} ${result.digest} ${writer.written().toString("base64")}`;
  } catch (error) {
    return (error as Error).name;
  }
}

/** The same through the whole-payload reference: `JSON.parse` of the payload, then `toLines`. */
async function reference(event: unknown): Promise<string> {
  try {
    const decoded = await decodeSubscriptionEvent(event);
    const digest = payloadDigest(decoded.decoded);
    if (decoded.kind === "control") return `control ${JSON.stringify(decoded.payload)} ${digest}`;
    const { logEvents: events, ...envelope } = decoded.payload;
    const lines = toLines(events, REDACT_COOKIE);
    return `${JSON.stringify(envelope)} ${JSON.stringify(events.map((e) => [e.id, e.timestamp]))} ${lines.linesWrapped} ${digest} ${lines.body.toString("base64")}`;
  } catch (error) {
    return (error as Error).name;
  }
}

const generated = generateWafLogEvents({ count: 2_000, seed: 23 });

describe("streamSubscriptionEvent against the whole-payload reference", () => {
  it("gives the same envelope, log events, digest and lines for the samples and generated batches", async () => {
    const events = [
      readSampleEvent("cwl-data-message.json"),
      readSampleEvent("cwl-control-message.json"),
      eventFromPayload(dataPayload(generated.slice(0, 1_000))),
      eventFromPayload(dataPayload(generated.slice(1_000, 1_001))),
      eventFromPayload(dataPayload([])),
    ];

    for (const event of events) expect(await streamed(event)).toBe(await reference(event));
  });

  it("reads log events of every size across chunk boundaries, 1 byte to 2 MB", async () => {
    const sizes = [1, 100, 65_535, 131_071, 131_072, 131_073, 300_000, 2_000_000];
    const messages = sizes.map(
      (size, n) => `{"timestamp":1764460800000,"pad":"${"é".repeat(n)}${"x".repeat(size)}"}`,
    );
    const event = eventFromPayload(dataPayload(logEvents(messages)));

    expect(await streamed(event)).toBe(await reference(event));
  });

  it("reads a payload with whitespace everywhere JSON allows it and members in another order", async () => {
    const text = ` \n{ "logEvents" : [ { "message" : "{\\"a\\":1}" , "timestamp" : 1764460800000 , "id" : "1" } ,\t{"id":"2","timestamp":1764460800001,"message":"x"} ] , "logStream":"s","logGroup":"g","owner":"1","subscriptionFilters":[],"messageType":"DATA_MESSAGE" } \r\n`;
    const event = eventFromBytes(gzipSync(text));

    expect(await streamed(event)).toBe(await reference(event));
    expect(await streamed(event)).toContain('[["1",1764460800000],["2",1764460800001]]');
  });

  it('takes a log event with a nested \'},{"id":"\' in an extra member the slow way, whole', async () => {
    const text = JSON.stringify(dataPayload([])).replace(
      '"logEvents":[]',
      '"logEvents":[{"id":"1","x":[{},{"id":"2"}],"timestamp":1,"message":"m"},{"id":"3","timestamp":2,"message":"n"}]',
    );
    const event = eventFromBytes(gzipSync(text));

    expect(await streamed(event)).toBe(await reference(event));
  });

  it("agrees with the reference on 3,000 seeded byte-level corruptions and 1,000 truncations of a payload", async () => {
    const random = new Random(1204);
    const original = Buffer.from(
      JSON.stringify(
        dataPayload(
          logEvents([...generated.slice(0, 8).map((e) => e.message), "plain é", '{\n"a": [1, "😀"]\n}']),
        ),
      ),
    );
    const replacements = [
      0x22, 0x5c, 0x75, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x0a, 0x00, 0x80, 0xc3, 0xe2, 0xff,
    ];
    const mismatches = [];
    let valid = 0;
    for (let n = 0; n < 4_000; n++) {
      let bytes: Buffer;
      if (n < 3_000) {
        bytes = Buffer.from(original);
        for (let k = random.int(1, 2); k > 0; k--)
          bytes[random.int(0, bytes.length - 1)] = random.pick(replacements);
      } else {
        bytes = original.subarray(0, random.int(0, original.length));
      }
      const event = eventFromBytes(gzipSync(bytes));
      const [mine, theirs] = [await streamed(event), await reference(event)];
      if (mine !== theirs)
        mismatches.push({
          text: bytes.toString("latin1"),
          mine: mine.slice(0, 200),
          theirs: theirs.slice(0, 200),
        });
      if (!theirs.endsWith("Error")) valid++;
    }

    expect(mismatches).toEqual([]);
    expect(valid).toBeGreaterThan(500);
  });
});

describe("streamSubscriptionEvent direct path (onLogEventBytes)", () => {
  /** Which callback got each log event, and what it got (the message as UTF-8 bytes, base64). */
  async function callbacks(event: unknown): Promise<string[]> {
    const calls: string[] = [];
    await streamSubscriptionEvent(event, {
      onLogEvent: (logEvent, messageText) =>
        calls.push(
          `parsed ${logEvent.id} ${logEvent.timestamp} ${Buffer.from(logEvent.message, messageText === "string" ? "utf8" : "latin1").toString("base64")}`,
        ),
      onLogEventBytes: (logEvent, message) =>
        calls.push(`direct ${logEvent.id} ${logEvent.timestamp} ${message.toString("base64")}`),
    });
    return calls;
  }
  const large = `{"timestamp":1764460800000,"uri":"/a\\\\b","q":"é😀 \\"x\\"\\t","pad":"${"x".repeat(DIRECT_LOG_EVENT_BYTES)}"}`;

  it(`hands a log event of ${DIRECT_LOG_EVENT_BYTES} bytes or more in CloudWatch's layout over as its message's UTF-8 bytes`, async () => {
    const events = logEvents([large, "small"]);

    expect(await callbacks(eventFromPayload(dataPayload(events)))).toEqual([
      `direct ${events[0]!.id} ${events[0]!.timestamp} ${Buffer.from(large).toString("base64")}`,
      `parsed ${events[1]!.id} ${events[1]!.timestamp} ${Buffer.from("small").toString("base64")}`,
    ]);
  });

  it("leaves a large log event with a \\u escape, another member order or whitespace to JSON.parse", async () => {
    const withControl = `${large.slice(0, -1)},"c":"\u0001"}`;
    const [first] = logEvents([large]);
    const reordered = JSON.stringify(dataPayload([])).replace(
      '"logEvents":[]',
      `"logEvents":[{"timestamp":${first!.timestamp},"id":"${first!.id}","message":${JSON.stringify(large)}}]`,
    );
    const spaced = reordered.replace('"logEvents":[{', '"logEvents":[ {');

    for (const event of [
      eventFromPayload(dataPayload(logEvents([withControl]))),
      eventFromBytes(gzipSync(reordered)),
      eventFromBytes(gzipSync(spaced)),
    ]) {
      const calls = await callbacks(event);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/^parsed /);
    }
  });
});

describe("streamSubscriptionEvent errors", () => {
  it("rejects a payload with logEvents twice", async () => {
    const text = JSON.stringify(dataPayload(logEvents(["a"]))).replace(/}$/, ',"logEvents":[]}');

    await expect(
      streamSubscriptionEvent(eventFromBytes(gzipSync(text)), { onLogEvent: () => {} }),
    ).rejects.toThrow(
      new PayloadShapeError("awslogs.data payload has the wrong shape: logEvents: appears more than once"),
    );
  });

  it(`rejects a value longer than ${MAX_VALUE_BYTES} bytes without holding it`, async () => {
    const event = eventFromPayload(dataPayload(logEvents(["x".repeat(MAX_VALUE_BYTES + 1)])));

    await expect(streamSubscriptionEvent(event, { onLogEvent: () => {} })).rejects.toThrow(
      /^awslogs\.data payload has the wrong shape: a value starting at byte \d+ is longer than 8388608 bytes \(inside a log event\)$/,
    );
  });

  it("names the byte where the payload stops being JSON", async () => {
    const text = JSON.stringify(dataPayload(logEvents(["a"]))).replace('"owner":', '"owner";');

    await expect(
      streamSubscriptionEvent(eventFromBytes(gzipSync(text)), { onLogEvent: () => {} }),
    ).rejects.toThrow(
      new InvalidJsonError(
        'awslogs.data does not contain valid JSON: unexpected ";" at byte 37 (before a colon)',
      ),
    );
  });

  it("says where a truncated payload ends", async () => {
    const text = JSON.stringify(dataPayload(logEvents(["a"])));

    await expect(
      streamSubscriptionEvent(eventFromBytes(gzipSync(text.slice(0, -5))), { onLogEvent: () => {} }),
    ).rejects.toThrow(
      `awslogs.data does not contain valid JSON: the payload ends after ${text.length - 5} bytes, inside a log event`,
    );
  });
});
