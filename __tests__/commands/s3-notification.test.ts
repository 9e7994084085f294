import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeEventKey,
  encodeEventKey,
  matchesNotificationFilter,
  objectCreatedMessage,
  objectsOfMessage,
} from "../../commands/lib/s3-notification";
import { LANDING_BUCKET_FILTER, wafS3LogFiles } from "../../commands/lib/s3-source-replay";
import { wafS3LogObjectKey } from "../../src/waf-s3-logs";

const SAMPLES = "__tests__/fixtures/samples";

describe("S3 event notification keys", () => {
  it("encodes a key as S3's example does: a space becomes +", () => {
    expect(encodeEventKey("red flower.jpg")).toBe("red+flower.jpg");
  });

  it("encodes +, = and non-ASCII characters and keeps /", () => {
    expect(encodeEventKey("raw/year=2026/a+b ü.gz")).toBe("raw/year%3D2026/a%2Bb+%C3%BC.gz");
  });

  it("decodes what it encodes, for keys with spaces, plus signs, percent signs and non-ASCII", () => {
    for (const key of ["red flower.jpg", "a+b", "100%/x", "AWSLogs/1/WAFLogs/eu-west-1/acl/ü ä.log.gz"]) {
      expect(decodeEventKey(encodeEventKey(key))).toBe(key);
    }
  });

  it("leaves WAF's keys unchanged (letters, digits, _, -, ., /)", () => {
    const key =
      "AWSLogs/111111111111/WAFLogs/us-east-1/TEST-WEBACL/2021/10/28/19/50/111111111111_waflogs_us-east-1_TEST-WEBACL_20211028T1950Z_e0ca43b5.log.gz";
    expect(encodeEventKey(key)).toBe(key);
  });
});

describe("the landing bucket's notification filter", () => {
  it("passes WAF's .log.gz files under AWSLogs/ and nothing else", () => {
    expect(
      matchesNotificationFilter(LANDING_BUCKET_FILTER, "AWSLogs/1/WAFLogs/r/a/2026/12/04/06/05/x.log.gz"),
    ).toBe(true);
    expect(
      matchesNotificationFilter(LANDING_BUCKET_FILTER, "AWSLogs/1/WAFLogs/r/a/aws-waf-logs-test.txt"),
    ).toBe(false);
    expect(matchesNotificationFilter(LANDING_BUCKET_FILTER, "raw/x.log.gz")).toBe(false);
  });
});

describe("objectsOfMessage (what a consumer reads from a message)", () => {
  it("returns nothing for S3's test event", () => {
    expect(objectsOfMessage(readFileSync(`${SAMPLES}/s3-test-event.json`, "utf8"))).toEqual([]);
  });

  it("returns the bucket, decoded key, size and event name of each record of a message as S3 sends it", () => {
    const body = objectCreatedMessage(
      {
        bucket: "aws-waf-logs-x",
        key: "AWSLogs/a b.log.gz",
        size: 42,
        eTag: "e",
        region: "eu-west-1",
        time: 0,
      },
      LANDING_BUCKET_FILTER,
    );

    expect(JSON.parse(body).Records[0]).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "eu-west-1",
      eventTime: "1970-01-01T00:00:00.000Z",
      s3: { configurationId: "waf-log-files", object: { key: "AWSLogs/a+b.log.gz", size: 42 } },
    });
    expect(objectsOfMessage(body)).toEqual([
      { bucket: "aws-waf-logs-x", key: "AWSLogs/a b.log.gz", size: 42, eventName: "ObjectCreated:Put" },
    ]);
  });

  it("rejects a message that is neither a test event nor S3 records", () => {
    expect(() => objectsOfMessage('{"Records": [{"s3": {}}]}')).toThrow(
      "Records[0]: expected s3.bucket.name, s3.object.key and s3.object.size",
    );
    expect(() => objectsOfMessage('{"hello": 1}')).toThrow("not an S3 event notification: no Records array");
  });
});

describe("WAF's S3 log files", () => {
  it("are keyed as the AWS WAF developer guide's example", () => {
    expect(
      wafS3LogObjectKey({
        accountId: "11111111111",
        region: "us-east-1",
        webAclName: "TEST-WEBACL",
        time: Date.UTC(2021, 9, 28, 19, 50),
        hash: "e0ca43b5",
      }),
    ).toBe(
      "AWSLogs/11111111111/WAFLogs/us-east-1/TEST-WEBACL/2021/10/28/19/50/11111111111_waflogs_us-east-1_TEST-WEBACL_20211028T1950Z_e0ca43b5.log.gz",
    );
  });

  it("hold one web ACL's records of one 5-minute interval each, lines byte for byte in their order", () => {
    const ndjson = readFileSync(`${SAMPLES}/waf-records.ndjson`, "utf8");
    const lines = ndjson.split("\n").filter((line) => line !== "");

    const files = wafS3LogFiles(ndjson, "waf-records.ndjson");

    expect(files.map((file) => file.key.split("/").slice(0, 5).join("/"))).toEqual([
      "AWSLogs/123456789012/WAFLogs/us-east-1/hello-world",
      "AWSLogs/111122223333/WAFLogs/eu-west-3/example-acl",
      "AWSLogs/111122223333/WAFLogs/us-east-1/shop-prod",
    ]);
    expect(files.map((file) => file.lines)).toEqual([
      `${lines[0]}\n`,
      `${lines[1]}\n`,
      `${lines[2]}\n${lines[3]}\n`,
    ]);
    expect(files[0]!.key).toMatch(
      /\/2020\/06\/17\/01\/25\/123456789012_waflogs_us-east-1_hello-world_20200617T0125Z_[0-9a-f]{8}\.log\.gz$/,
    );
  });

  it("reject a line that is not a WAF record, naming the file and line", () => {
    expect(() => wafS3LogFiles('{"timestamp": 1}\n', "x.ndjson")).toThrow(
      'x.ndjson:1: expected a WAF log record with "webaclId" (a web ACL ARN) and "timestamp" (ms since epoch)',
    );
    expect(() => wafS3LogFiles("\nnot json\n", "x.ndjson")).toThrow(/^x\.ndjson:2: not JSON/);
  });
});
