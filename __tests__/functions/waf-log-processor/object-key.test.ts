import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keySegment, objectKey, payloadDigest } from "../../../functions/waf-log-processor/object-key";

const base = {
  prefix: "raw/",
  accountId: "111122223333",
  region: "us-east-1",
  logGroup: "aws-waf-logs-example",
  logStream: "us-east-1_example-web-acl_0",
  firstTimestamp: Date.UTC(2025, 10, 30, 7, 5, 9, 123),
  firstEventId: "38000000000000000000000000000000000000000000000000000000",
  digest: "0123456789abcdef0123456789abcdef",
};

describe("objectKey", () => {
  it("lays out prefix, account and region, UTC date partitions, log group, log stream and id", () => {
    expect(objectKey(base)).toBe(
      "raw/account=111122223333/region=us-east-1/year=2025/month=11/day=30/hour=07/aws-waf-logs-example/us-east-1_example-web-acl_0/" +
        "38000000000000000000000000000000000000000000000000000000-0123456789abcdef0123456789abcdef.jsonl.gz",
    );
  });

  it("takes the date in UTC, zero-padded", () => {
    const key = objectKey({ ...base, firstTimestamp: Date.UTC(2024, 0, 2, 23, 59, 59, 999) });

    expect(
      key.startsWith("raw/account=111122223333/region=us-east-1/year=2024/month=01/day=02/hour=23/"),
    ).toBe(true);
  });

  it("works without a prefix", () => {
    expect(
      objectKey({ ...base, prefix: "" }).startsWith("account=111122223333/region=us-east-1/year=2025/"),
    ).toBe(true);
  });

  it("keeps the objects of two accounts and regions apart under their own partitions", () => {
    const keys = [
      objectKey({ ...base, accountId: "111122223333", region: "us-east-1" }),
      objectKey({ ...base, accountId: "444455556666", region: "eu-west-1" }),
    ];

    expect(keys.map((key) => key.split("/").slice(1, 3))).toEqual([
      ["account=111122223333", "region=us-east-1"],
      ["account=444455556666", "region=eu-west-1"],
    ]);
  });

  it("reduces an owner that is not an account id to one key segment", () => {
    expect(objectKey({ ...base, accountId: "../owner/x" }).split("/")[1]).toBe("account=.._owner_x");
  });

  it("turns a log group with slashes into one segment", () => {
    const key = objectKey({ ...base, logGroup: "/aws/waf/logs", logStream: "stream" });

    expect(key.split("/").slice(7, 9)).toEqual(["_aws_waf_logs", "stream"]);
  });
});

describe("keySegment", () => {
  it("keeps [A-Za-z0-9._=-]", () => {
    expect(keySegment("aws-waf-logs_A.b=9")).toBe("aws-waf-logs_A.b=9");
  });

  it("replaces every other character with _", () => {
    expect(keySegment("a/b c#d:é😀")).toBe("a_b_c_d____");
  });

  it("never yields . or .. or an empty segment", () => {
    expect([keySegment("."), keySegment(".."), keySegment("")]).toEqual(["_", "__", "_"]);
  });

  it("cuts long names to 200 characters", () => {
    expect(keySegment("x".repeat(512))).toBe("x".repeat(200));
  });
});

describe("payloadDigest", () => {
  it("is the first 32 hex characters of the SHA-256 of the bytes", () => {
    const bytes = Buffer.from('{"messageType":"DATA_MESSAGE"}');

    expect(payloadDigest(bytes)).toBe(createHash("sha256").update(bytes).digest("hex").slice(0, 32));
  });

  it("differs for payloads that differ in one byte", () => {
    expect(payloadDigest(Buffer.from("a1"))).not.toBe(payloadDigest(Buffer.from("a2")));
  });
});
