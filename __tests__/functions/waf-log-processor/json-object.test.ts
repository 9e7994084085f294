import { describe, expect, it } from "vitest";
import {
  classifyJsonObject,
  JSON_OBJECT,
  MULTI_LINE_JSON_OBJECT,
  NOT_A_JSON_OBJECT,
  type JsonObjectKind,
} from "../../../functions/waf-log-processor/json-object";
import { generateWafLogEvents, Random } from "../../../commands/lib/waf-records";
import { sampleRecords } from "../../helpers/cloudwatch-logs-event";

/** The definition the validator must match: what `JSON.parse` says, plus "has a CR or LF". */
function reference(text: string): JsonObjectKind {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_A_JSON_OBJECT;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return NOT_A_JSON_OBJECT;
  return /[\r\n]/.test(text) ? MULTI_LINE_JSON_OBJECT : JSON_OBJECT;
}

/**
 * The validator on the UTF-8 bytes of `text`, placed at an offset between bytes that would break
 * it if it looked outside its range (`{`, `"`, `}` before; `}`, `,` and a non-zero byte after).
 */
function classify(text: string): JsonObjectKind {
  const size = Buffer.byteLength(text, "utf8");
  const bytes = Buffer.alloc(3 + size + 2);
  bytes.write('{"}', 0, "latin1");
  bytes.write(text, 3, "utf8");
  bytes.write("},", 3 + size, "latin1");
  const kind = classifyJsonObject(bytes, 3, 3 + size);
  expect(bytes[3 + size]).toBe(0x7d); // the stop mark's byte is restored
  return kind;
}

/** Texts on which the validator and `JSON.parse` disagree, with both answers. */
function disagreements(texts: Iterable<string>): { text: string; expected: number; got: number }[] {
  const found = [];
  for (const text of texts) {
    const expected = reference(text);
    const got = classify(text);
    if (got !== expected) found.push({ text, expected, got });
  }
  return found;
}

const generated = generateWafLogEvents({ count: 2_000, seed: 7 }).map((event) => event.message);

/** Characters the mutations insert: JSON's structural and escape characters, controls, non-ASCII, lone surrogates. */
const INSERTS = [
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  " ",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u0001",
  "\u001f",
  "\u007f",
  "0",
  "-",
  "+",
  ".",
  "e",
  "u",
  "\\u",
  "\\u00e9",
  "\\x",
  "é",
  "€",
  "😀",
  "\ud800",
  "\udc00",
  "\ufeff",
  "\u00a0",
  "\u2028",
  "true",
  "nul",
];

function mutate(random: Random, text: string): string {
  let out = text;
  const count = random.int(1, 3);
  for (let n = 0; n < count; n++) {
    const at = random.int(0, out.length);
    const op = random.int(0, 2);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1);
    else if (op === 1) out = out.slice(0, at) + random.pick(INSERTS) + out.slice(at);
    else out = out.slice(0, at) + random.pick(INSERTS) + out.slice(at + 1);
  }
  return out;
}

describe("classifyJsonObject", () => {
  it("agrees with JSON.parse on every sample record", () => {
    expect(disagreements(sampleRecords())).toEqual([]);
  });

  it("agrees with JSON.parse on generated bench records, plain text, truncated and multi-line ones", () => {
    const kinds = new Set(generated.map(reference));

    expect(kinds).toEqual(new Set([NOT_A_JSON_OBJECT, JSON_OBJECT, MULTI_LINE_JSON_OBJECT]));
    expect(disagreements(generated)).toEqual([]);
  });

  it("agrees with JSON.parse on every prefix of several records", () => {
    const records = [
      ...sampleRecords(),
      generated[0]!,
      generated[1]!,
      JSON.stringify(JSON.parse(generated[2]!), null, 2),
    ];
    const prefixes = records.flatMap((record) =>
      Array.from({ length: record.length + 1 }, (_, end) => record.slice(0, end)),
    );

    expect(disagreements(prefixes)).toEqual([]);
  });

  it("agrees with JSON.parse on 20,000 seeded random mutations of records", () => {
    const random = new Random(20_261_129);
    const records = [
      ...sampleRecords(),
      ...generated.slice(0, 50),
      '{"a":[1,-2.5e+3,true,null,{"b":"\\u00e9\\n"}]}',
    ];
    const mutants = Array.from({ length: 20_000 }, () => mutate(random, random.pick(records)));
    const kinds = new Set(mutants.map(reference));

    expect(kinds).toEqual(new Set([NOT_A_JSON_OBJECT, JSON_OBJECT, MULTI_LINE_JSON_OBJECT]));
    expect(disagreements(mutants)).toEqual([]);
  });

  it("agrees with JSON.parse on 20,000 seeded random short texts of JSON characters", () => {
    const random = new Random(8259);
    const alphabet = [
      "{",
      "}",
      "[",
      "]",
      '"',
      ":",
      ",",
      "\\",
      "u",
      "0",
      "1",
      "-",
      ".",
      "e",
      " ",
      "\n",
      "a",
      "t",
      "n",
    ];
    const texts = Array.from({ length: 20_000 }, () => {
      let text = "{";
      const length = random.int(0, 12);
      for (let n = 0; n < length; n++) text += random.pick(alphabet);
      return text;
    });

    expect(disagreements(texts)).toEqual([]);
  });

  it("agrees with JSON.parse on hand-written edge cases", () => {
    const cases = [
      "",
      " ",
      "{}",
      "{ }",
      " \t\r\n{}\n",
      ' {"a":1} ',
      '{"a":1}{',
      '{"a":1}}',
      '{"a":1},',
      '{"a":1} x',
      "{",
      "}",
      "[]",
      "[{}]",
      "1",
      '"{}"',
      "null",
      "true",
      '{"a":}',
      '{"a"}',
      '{"a":1,}',
      '{,"a":1}',
      '{"a":1,,"b":2}',
      '{"a" : 1 , "b" : [ 1 , 2 ] }',
      '{"a":1,"a":2}',
      "{a:1}",
      "{'a':1}",
      '{"a":[1,]}',
      '{"a":[,1]}',
      '{"a":[1 2]}',
      '{"a":-0}',
      '{"a":-}',
      '{"a":0}',
      '{"a":01}',
      '{"a":00}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1.5}',
      '{"a":1e5}',
      '{"a":1E+5}',
      '{"a":1e-5}',
      '{"a":1e}',
      '{"a":1e+}',
      '{"a":+1}',
      '{"a":0x10}',
      '{"a":1e400}',
      '{"a":-1.0e-0}',
      '{"a":Infinity}',
      '{"a":NaN}',
      '{"a":true}',
      '{"a":tru}',
      '{"a":truex}',
      '{"a":false}',
      '{"a":fals}',
      '{"a":null}',
      '{"a":nul}',
      '{"a":None}',
      '{"a":"\\u12"}',
      '{"a":"\\u12G4"}',
      '{"a":"\\u00e9"}',
      '{"a":"\\uD800"}',
      '{"a":"\\uDEAD\\uBEEF"}',
      '{"a":"\\x41"}',
      '{"a":"\\a"}',
      '{"a":"\\/\\b\\f\\n\\r\\t\\"\\\\"}',
      '{"a":"\\\\"}',
      '{"a":"\\"}',
      '{"a":"x\ty"}',
      '{"a":"x\ny"}',
      '{"a":"x\u0000y"}',
      '{"a":"x\u007fy"}',
      '{"a":"\ud800"}',
      '{"a":"\udc00\ud800"}',
      '{"a":1}\ud800',
      '{"é":"€😀"}',
      "\ufeff{}",
      "{}\ufeff",
      "\u00a0{}",
      "{\u2028}",
      '{"a":1}\u0000',
      '{"a":{"b":{"c":[[[{}]]]}}}',
      '{"a":{"b":1}',
      '{"a":[}',
      '{"a":{]}',
      `${"{".repeat(1)}"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
      `{"a":${'{"b":'.repeat(5_000)}1${"}".repeat(5_000)}}`,
      `{"a":${'{"b":'.repeat(5_000)}1${"}".repeat(4_999)}}`,
      `{"a":${"[".repeat(10_000)}${"]".repeat(9_999)}}`,
      `{"a":"${"x".repeat(300_000)}"}`,
    ];

    expect(disagreements(cases)).toEqual([]);
  });

  it("classifies by example", () => {
    expect([classify('{"a":1}'), classify('{\n"a":1}'), classify("[1]"), classify("text")]).toEqual([
      JSON_OBJECT,
      MULTI_LINE_JSON_OBJECT,
      NOT_A_JSON_OBJECT,
      NOT_A_JSON_OBJECT,
    ]);
  });

  it("rejects a range without a byte after it", () => {
    const bytes = Buffer.from("{}");

    expect(() => classifyJsonObject(bytes, 0, 2)).toThrow(
      new RangeError(
        "classifyJsonObject: expected 0 <= start <= end < bytes.length, got start 0, end 2, length 2",
      ),
    );
  });
});
