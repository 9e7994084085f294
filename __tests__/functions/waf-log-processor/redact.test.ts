import { describe, expect, it } from "vitest";
import { parseHeaderNames, redactHeaderValues } from "../../../functions/waf-log-processor/redact";
import { toLines } from "../../../functions/waf-log-processor/lines";
import { logEvents, sampleRecords } from "../../helpers/cloudwatch-logs-event";

const names = (...list: string[]): ReadonlySet<string> => new Set(list);

describe("redactHeaderValues", () => {
  it("replaces only the value of a matching header in the sample record, keeping every other byte", () => {
    const record = sampleRecords()[3]!;

    const redacted = redactHeaderValues(record, names("cookie"));

    expect(redacted).toBe(
      record.replace('{"name":"Cookie","value":"session=REDACTED"}', '{"name":"Cookie","value":"XXX"}'),
    );
    expect(redacted).toContain("\\u00e9t\\u00e9");
  });

  it.each([" ", "\t", "\r\n", " \n\t "])(
    "redacts a record that starts with whitespace (%j) before its opening brace",
    (leading) => {
      const record = `${leading}{"httpRequest":{"headers":[{"name":"Authorization","value":"Bearer secret"}]}}`;

      expect(redactHeaderValues(record, names("authorization"))).toBe(
        `${leading}{"httpRequest":{"headers":[{"name":"Authorization","value":"XXX"}]}}`,
      );
    },
  );

  it("matches header names case-insensitively", () => {
    const record = sampleRecords()[0]!;

    const redacted = redactHeaderValues(record, names("user-agent"));

    expect(redacted).toBe(record.replace('"value":"curl/7.61.1"', '"value":"XXX"'));
  });

  it("compares header names by ASCII letters only, so a Kelvin sign (U+212A) is not a k", () => {
    const record = '{"httpRequest":{"headers":[{"name":"Coo\u212Aie","value":"secret"}]}}';
    const latin1Bytes = Buffer.from(record, "utf8").toString("latin1");

    expect(redactHeaderValues(record, names("cookie"))).toBe(record);
    expect(redactHeaderValues(latin1Bytes, names("cookie"))).toBe(latin1Bytes);
  });

  it("returns the record unchanged when no header matches", () => {
    const record = sampleRecords()[2]!;

    expect(redactHeaderValues(record, names("cookie", "authorization"))).toBe(record);
  });

  it("redacts every header with that name, whatever the value's type", () => {
    const record =
      '{"httpRequest":{"headers":[{"value":"a=1","name":"cookie"},{"name":"COOKIE","value":null},{"name":"Host","value":"h"}]}}';

    expect(redactHeaderValues(record, names("cookie"))).toBe(
      '{"httpRequest":{"headers":[{"value":"XXX","name":"cookie"},{"name":"COOKIE","value":"XXX"},{"name":"Host","value":"h"}]}}',
    );
  });

  it("finds headers through whitespace, escapes and nested values before them", () => {
    const record =
      '{ "x" : [ {"}":"\\"]"} ], "httpRequest" : { "args":"a\\\\", "headers" : [ { "name" : "Auth\\u006fRization" , "value" : "Bearer \\"t\\"" } ] } }';

    expect(redactHeaderValues(record, names("authorization"))).toBe(
      '{ "x" : [ {"}":"\\"]"} ], "httpRequest" : { "args":"a\\\\", "headers" : [ { "name" : "Auth\\u006fRization" , "value" : "XXX" } ] } }',
    );
  });

  it("leaves headers outside httpRequest alone", () => {
    const record = '{"headers":[{"name":"cookie","value":"a"}],"httpRequest":{"uri":"/"}}';

    expect(redactHeaderValues(record, names("cookie"))).toBe(record);
  });

  it("does nothing with no names", () => {
    const record = sampleRecords()[3]!;

    expect(redactHeaderValues(record, names())).toBe(record);
  });
});

describe("toLines with redaction", () => {
  it("redacts the sample records' Cookie header and keeps the others byte for byte", () => {
    const records = sampleRecords();

    const body = toLines(logEvents(records), names("cookie")).body.toString("utf8");

    expect(body.split("\n")).toEqual([
      records[0],
      records[1],
      records[2],
      records[3]!.replace('"value":"session=REDACTED"', '"value":"XXX"'),
      "",
    ]);
  });

  it("does not touch wrapped plain-text messages", () => {
    const body = toLines(logEvents(["cookie: secret"]), names("cookie")).body.toString("utf8");

    expect(body).toContain('"message":"cookie: secret"');
  });
});

describe("parseHeaderNames", () => {
  it("splits on commas, trims, lower-cases and ignores blanks", () => {
    expect([...parseHeaderNames(" Authorization, cookie ,,X-Api-Key ")]).toEqual([
      "authorization",
      "cookie",
      "x-api-key",
    ]);
  });

  it("is off when absent or empty", () => {
    expect(parseHeaderNames(undefined).size).toBe(0);
    expect(parseHeaderNames(" , ").size).toBe(0);
  });

  it("rejects names that are not HTTP header names", () => {
    expect(() => parseHeaderNames("cookie, x api, a:b")).toThrow(
      'REDACT_HEADERS must be comma-separated HTTP header names; not a header name: "x api", "a:b"',
    );
  });
});
