import { describe, expect, it } from "vitest";
import {
  BUCKET_NAME_RULES,
  HEADER_NAME_PATTERN,
  KEY_PREFIX_RULES,
  bucketNameProblem,
  formatHeaderNames,
  keyPrefixProblem,
} from "../../../functions/waf-log-processor/environment";
import { parseHeaderNames } from "../../../functions/waf-log-processor/redact";

describe("keyPrefixProblem", () => {
  it.each(["raw/", "waf/raw/", "source=waf/a_b.c-d/", "a.b/"])("accepts %j", (prefix) => {
    expect(keyPrefixProblem(prefix)).toBeUndefined();
  });

  it.each([
    ["/raw/", 'must not start with "/"'],
    ["raw//x/", 'must not contain "//"'],
    ["raw/../", 'must not contain ".."'],
    ["a..b/", 'must not contain ".."'],
  ])("rejects %j: it %s", (prefix, reason) => {
    expect(keyPrefixProblem(prefix)).toBe(`${reason} (${KEY_PREFIX_RULES})`);
  });

  it.each(["", "raw", "raw logs/", "raw*/", ".hidden/", "it's/"])("rejects %j", (prefix) => {
    expect(keyPrefixProblem(prefix)).toBe(KEY_PREFIX_RULES);
  });

  it("rejects a prefix over 200 characters", () => {
    expect(keyPrefixProblem(`${"a".repeat(200)}/`)).toBe("must be at most 200 characters");
    expect(keyPrefixProblem(`${"a".repeat(199)}/`)).toBeUndefined();
  });
});

describe("bucketNameProblem", () => {
  it("accepts a valid name", () => {
    expect(bucketNameProblem("waf-log-pipeline-dev-111122223333-us-east-1")).toBeUndefined();
  });

  it.each([
    ["ab", "must be 3–63 characters long"],
    [
      "WAF_Logs",
      "must use only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit",
    ],
    ["a..b", "must not contain two adjacent dots"],
    ["192.168.1.1", "must not look like an IP address"],
    ["xn--waf", 'must not start with the reserved prefix "xn--"'],
    ["waf-logs-s3alias", 'must not end with the reserved suffix "-s3alias"'],
  ])("rejects %j", (name, problem) => {
    expect(bucketNameProblem(name)).toBe(problem);
  });

  it("names the rules in one message", () => {
    expect(BUCKET_NAME_RULES).toContain("S3 bucket naming rules");
  });
});

describe("header names", () => {
  it("accepts token characters up to 64 and rejects the rest", () => {
    expect(HEADER_NAME_PATTERN.test("x-api-key")).toBe(true);
    expect(HEADER_NAME_PATTERN.test("a".repeat(64))).toBe(true);
    expect(HEADER_NAME_PATTERN.test("a".repeat(65))).toBe(false);
    expect(HEADER_NAME_PATTERN.test("x api")).toBe(false);
  });

  it("formats REDACT_HEADERS so that the processor reads back the same names", () => {
    const value = formatHeaderNames(["Authorization", "x-api-key"]);

    expect(value).toBe("authorization,x-api-key");
    expect([...parseHeaderNames(value)]).toEqual(["authorization", "x-api-key"]);
  });

  it("formats an empty list as no variable", () => {
    expect(formatHeaderNames([])).toBeUndefined();
  });
});
