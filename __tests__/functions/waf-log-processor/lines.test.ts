import { describe, expect, it } from "vitest";
import { toLine, toLines } from "../../../functions/waf-log-processor/lines";
import { BASE_TIMESTAMP, logEvents, sampleRecords } from "../../helpers/cloudwatch-logs-event";

const NO_REDACTION: ReadonlySet<string> = new Set();

function line(message: string, timestamp = BASE_TIMESTAMP) {
  return toLine({ id: "1", timestamp, message }, NO_REDACTION);
}

describe("toLine", () => {
  it("keeps a WAF record byte for byte, escapes included", () => {
    const record = sampleRecords()[3]!;

    expect(line(record)).toEqual({ text: record, wrapped: false });
  });

  it("puts a multi-line JSON object on one line, changing nothing else", () => {
    const message = '{\r\n  "timestamp": 1,\n  "httpRequest": {"uri": "/a b"}\n}\n';

    expect(line(message)).toEqual({
      text: '{  "timestamp": 1,  "httpRequest": {"uri": "/a b"}}',
      wrapped: false,
    });
  });

  it("wraps plain text with the log event timestamp", () => {
    expect(line("hello world", 1_700_000_000_123)).toEqual({
      text: '{"timestamp":1700000000123,"message":"hello world"}',
      wrapped: true,
    });
  });

  it("wraps truncated JSON", () => {
    expect(line('{"timestamp":1,"httpRequest":{"uri":"/a"}').text).toBe(
      `{"timestamp":${BASE_TIMESTAMP},"message":"{\\"timestamp\\":1,\\"httpRequest\\":{\\"uri\\":\\"/a\\"}"}`,
    );
  });

  it("wraps a JSON array", () => {
    expect(line("[1,2]").text).toBe(`{"timestamp":${BASE_TIMESTAMP},"message":"[1,2]"}`);
  });

  it("wraps a JSON number", () => {
    expect(line("42").text).toBe(`{"timestamp":${BASE_TIMESTAMP},"message":"42"}`);
  });

  it("wraps a JSON string", () => {
    expect(line('"text"').text).toBe(`{"timestamp":${BASE_TIMESTAMP},"message":"\\"text\\""}`);
  });

  it("wraps an empty message", () => {
    expect(line("").text).toBe(`{"timestamp":${BASE_TIMESTAMP},"message":""}`);
  });

  it("escapes newlines in wrapped text", () => {
    expect(line("first\nsecond\r\n").text).toBe(
      `{"timestamp":${BASE_TIMESTAMP},"message":"first\\nsecond\\r\\n"}`,
    );
  });

  it("keeps non-ASCII text of wrapped messages unchanged", () => {
    expect(line("été 😀 日本").text).toBe(`{"timestamp":${BASE_TIMESTAMP},"message":"été 😀 日本"}`);
  });
});

describe("toLines", () => {
  it("writes the sample records byte for byte, one per line, each ending in a newline", () => {
    const records = sampleRecords();

    const result = toLines(logEvents(records), NO_REDACTION);

    expect(result.body.toString("utf8")).toBe(records.map((r) => `${r}\n`).join(""));
    expect(result).toMatchObject({ lines: 4, linesWrapped: 0 });
  });

  it("keeps input order and counts wrapped lines", () => {
    const result = toLines(logEvents(['{"a":1}', "plain", '{"b":2}']), NO_REDACTION);

    expect(result.body.toString("utf8").split("\n")).toEqual([
      '{"a":1}',
      `{"timestamp":${BASE_TIMESTAMP + 1},"message":"plain"}`,
      '{"b":2}',
      "",
    ]);
    expect(result).toMatchObject({ lines: 3, linesWrapped: 1 });
  });

  it("gives 10,000 lines for 10,000 log events", () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `plain ${i}` : `{"n":${i}}`));

    const expected = messages.map((m, i) =>
      i % 3 === 0 ? `{"timestamp":${BASE_TIMESTAMP + i},"message":"${m}"}` : m,
    );

    const result = toLines(logEvents(messages), NO_REDACTION);

    expect(result.body.toString("utf8")).toBe(expected.map((l) => `${l}\n`).join(""));
    expect(result).toMatchObject({ lines: 10_000, linesWrapped: 3_334 });
  });

  it("keeps a 300 KB record whole", () => {
    const record = JSON.stringify({ timestamp: 1, pad: "é".repeat(150_000) });

    const body = toLines(logEvents([record]), NO_REDACTION).body;

    expect(body.length).toBe(Buffer.byteLength(record) + 1);
    expect(body.toString("utf8")).toBe(`${record}\n`);
  });

  it("returns an empty body for no log events", () => {
    expect(toLines([], NO_REDACTION)).toEqual({ body: Buffer.alloc(0), lines: 0, linesWrapped: 0 });
  });
});
