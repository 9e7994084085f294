/**
 * The processor's fast path (payload read as Latin-1, messages kept as their UTF-8 bytes, messages
 * classified on bytes) must give exactly what the plain path (UTF-8 strings, `JSON.parse` of every
 * message) gives: these tests compare the two, and both with a reference written the plain way.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeSubscriptionEvent, type LogEvent } from "../../../functions/waf-log-processor/decode";
import { toLines } from "../../../functions/waf-log-processor/lines";
import { redactHeaderValues } from "../../../functions/waf-log-processor/redact";
import { generateWafLogEvents, Random } from "../../../commands/lib/waf-records";
import {
  dataPayload,
  eventFromBytes,
  eventFromPayload,
  logEvents,
  readSampleEvent,
  sampleRecords,
} from "../../helpers/cloudwatch-logs-event";

const NO_REDACTION: ReadonlySet<string> = new Set();
const REDACT_COOKIE: ReadonlySet<string> = new Set(["cookie", "user-agent"]);

/** The JSON Lines body as the processor wrote it before the fast path: `JSON.parse` decides, strings are encoded once. */
function reference(events: readonly LogEvent[], redactHeaders: ReadonlySet<string>) {
  let linesWrapped = 0;
  const lines = events.map(({ timestamp, message }) => {
    let value: unknown;
    try {
      value = JSON.parse(message);
    } catch {
      value = undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      linesWrapped++;
      return `{"timestamp":${timestamp},"message":${JSON.stringify(message)}}`;
    }
    const text = message.replace(/[\r\n]/g, "");
    return redactHeaders.size > 0 ? redactHeaderValues(text, redactHeaders) : text;
  });
  return { body: Buffer.from(lines.map((line) => `${line}\n`).join(""), "utf8"), linesWrapped };
}

/** Body and counts through the handler's path: fast decoding, then toLines with the form decoding chose. */
async function fastLines(event: unknown, redactHeaders: ReadonlySet<string>) {
  const decoded = await decodeSubscriptionEvent(event, { utf8ByteMessages: true });
  if (decoded.kind !== "data") throw new Error("expected a DATA_MESSAGE");
  return {
    messageText: decoded.messageText,
    ...toLines(decoded.payload.logEvents, redactHeaders, decoded.messageText),
  };
}

/** The outcome of decoding and converting an event, as comparable text: the body, or the error. */
async function outcome(event: unknown, utf8ByteMessages: boolean): Promise<string> {
  try {
    const decoded = await decodeSubscriptionEvent(event, { utf8ByteMessages });
    if (decoded.kind !== "data") return `control ${JSON.stringify(decoded.payload)}`;
    const { logEvents: events, ...envelope } = decoded.payload;
    const lines = toLines(events, REDACT_COOKIE, decoded.messageText);
    return `${JSON.stringify(envelope)} ${JSON.stringify(events.map((e) => [e.id, e.timestamp]))} ${lines.linesWrapped} ${lines.body.toString("base64")}`;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const generated = generateWafLogEvents({ count: 3_000, seed: 11 });

describe("decodeSubscriptionEvent with utf8ByteMessages", () => {
  it("keeps the messages as their UTF-8 bytes and the envelope and ids as strings", async () => {
    const messages = ['{"uri":"/été"}', "plain 😀"];
    const event = eventFromPayload(
      dataPayload(
        logEvents(messages).map((e, i) => ({ ...e, id: `${e.id}é${i}` })),
        { logGroup: "aws-waf-logs-日本", logStream: "stream-€", owner: "ö", subscriptionFilters: ["ß"] },
      ),
    );

    const decoded = await decodeSubscriptionEvent(event, { utf8ByteMessages: true });

    expect(decoded.kind === "data" && decoded.messageText).toBe("utf8-bytes");
    expect(decoded.payload).toMatchObject({
      logGroup: "aws-waf-logs-日本",
      logStream: "stream-€",
      owner: "ö",
      subscriptionFilters: ["ß"],
    });
    expect(decoded.kind === "data" && decoded.payload.logEvents.map((e) => [e.id, e.message])).toEqual(
      logEvents(messages).map((e, i) => [`${e.id}é${i}`, Buffer.from(e.message, "utf8").toString("latin1")]),
    );
  });

  it("falls back to plain strings when the payload holds a \\u escape", async () => {
    const decoded = await decodeSubscriptionEvent(readSampleEvent("cwl-data-message.json"), {
      utf8ByteMessages: true,
    });

    expect(decoded.kind === "data" && decoded.messageText).toBe("string");
    expect(decoded.kind === "data" && decoded.payload.logEvents.map((e) => e.message)).toEqual(
      sampleRecords(),
    );
  });

  it("falls back to plain strings when the payload is not valid UTF-8", async () => {
    const bytes = Buffer.from(JSON.stringify(dataPayload(logEvents(['{"a":"xy"}']))));
    bytes[bytes.indexOf("xy")] = 0xff;

    const decoded = await decodeSubscriptionEvent(eventFromBytes(gzipSync(bytes)), {
      utf8ByteMessages: true,
    });

    expect(decoded.kind === "data" && decoded.messageText).toBe("string");
    expect(decoded.kind === "data" && decoded.payload.logEvents[0]?.message).toBe('{"a":"\ufffdy"}');
  });

  it("gives the same result or the same error as the plain path for 3,000 seeded byte-level corruptions of a payload", async () => {
    const random = new Random(412);
    const original = Buffer.from(
      JSON.stringify(
        dataPayload(
          logEvents([...generated.slice(0, 6).map((e) => e.message), "plain é", '{\n"a": [1, "😀"]\n}']),
        ),
      ),
    );
    const replacements = [0x22, 0x5c, 0x75, 0x7b, 0x7d, 0x2c, 0x0a, 0x00, 0x80, 0xc3, 0xa9, 0xe2, 0xf0, 0xff];
    let fast = 0;
    const mismatches = [];
    for (let n = 0; n < 3_000; n++) {
      const bytes = Buffer.from(original);
      for (let k = random.int(1, 2); k > 0; k--)
        bytes[random.int(0, bytes.length - 1)] = random.pick(replacements);
      const event = eventFromBytes(gzipSync(bytes));
      const plain = await outcome(event, false);
      const withBytes = await outcome(event, true);
      if (plain !== withBytes) mismatches.push({ bytes: bytes.toString("latin1"), plain, withBytes });
      if (!withBytes.includes("Error:")) {
        const decoded = await decodeSubscriptionEvent(event, { utf8ByteMessages: true });
        if (decoded.kind === "data" && decoded.messageText === "utf8-bytes") fast++;
      }
    }

    expect(mismatches).toEqual([]);
    expect(fast).toBeGreaterThan(100); // the fast path itself was exercised, not only the fallback
  });
});

describe("toLines on UTF-8 byte messages", () => {
  it("writes generated bench records exactly as the JSON.parse-based reference does", async () => {
    const event = eventFromPayload(dataPayload(generated));

    const result = await fastLines(event, NO_REDACTION);

    expect(result.messageText).toBe("utf8-bytes");
    const expected = reference(generated, NO_REDACTION);
    expect(result.body.equals(expected.body)).toBe(true);
    expect(result.linesWrapped).toBe(expected.linesWrapped);
    expect(expected.linesWrapped).toBeGreaterThan(0);
  });

  it("redacts generated bench records exactly as the reference does", async () => {
    const event = eventFromPayload(dataPayload(generated));

    const result = await fastLines(event, REDACT_COOKIE);

    expect(result.messageText).toBe("utf8-bytes");
    expect(result.body.equals(reference(generated, REDACT_COOKIE).body)).toBe(true);
  });

  it("writes 5,000 seeded mutations of records, non-ASCII and lone surrogates included, as the reference does", async () => {
    const random = new Random(1_048_576);
    const inserts = [
      '"',
      "\\",
      "{",
      "}",
      ",",
      "\n",
      "\r",
      "\t",
      "\u0001",
      "é",
      "日本",
      "😀",
      "\ud800",
      "\udc00",
      " ",
    ];
    const messages = Array.from({ length: 5_000 }, () => {
      let text = random.pick(generated).message;
      for (let k = random.int(0, 2); k > 0; k--) {
        const at = random.int(0, text.length);
        text = text.slice(0, at) + random.pick(inserts) + text.slice(at + random.int(0, 1));
      }
      return text;
    });
    let fastPayloads = 0;
    let wrapped = 0;
    const mismatches = [];
    for (let first = 0; first < messages.length; first += 5) {
      const events = logEvents(messages.slice(first, first + 5));
      const expected = reference(events, REDACT_COOKIE);

      const plain = toLines(events, REDACT_COOKIE);
      const fast = await fastLines(eventFromPayload(dataPayload(events)), REDACT_COOKIE);

      if (!plain.body.equals(expected.body) || plain.linesWrapped !== expected.linesWrapped)
        mismatches.push(["plain", first]);
      if (!fast.body.equals(expected.body) || fast.linesWrapped !== expected.linesWrapped)
        mismatches.push(["fast", first]);
      if (fast.messageText === "utf8-bytes") fastPayloads++;
      wrapped += expected.linesWrapped;
    }

    expect(mismatches).toEqual([]);
    expect(fastPayloads).toBeGreaterThan(100); // payloads without lone surrogates take the fast path
    expect(fastPayloads).toBeLessThan(900); // a lone surrogate is escaped as \\uXXXX in the payload: plain path
    expect(wrapped).toBeGreaterThan(100);
  });
});
