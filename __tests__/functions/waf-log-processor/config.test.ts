import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../../functions/waf-log-processor/config";
import {
  ASSUMED_MEMORY_MB,
  BASE_RSS_BYTES,
  KEY_PREFIX_RULES,
  RSS_PER_PAYLOAD_BYTE,
  defaultMaxPayloadBytes,
} from "../../../functions/waf-log-processor/environment";

describe("readConfig", () => {
  it("applies the defaults", () => {
    expect(readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1" })).toEqual({
      bucket: "logs",
      sourceRegion: "eu-west-1",
      prefix: "raw/",
      gzipLevel: 6,
      redactHeaders: new Set(),
      environmentName: "unknown",
      metricsDisabled: false,
      maxPayloadBytes: defaultMaxPayloadBytes(ASSUMED_MEMORY_MB),
    });
  });

  it("reads every variable", () => {
    expect(
      readConfig({
        S3_BUCKET: "logs",
        AWS_REGION: "eu-west-1",
        S3_BUCKET_REGION: "us-east-1",
        S3_PREFIX: "waf/raw/",
        GZIP_LEVEL: "9",
        S3_ENDPOINT: "http://127.0.0.1:4568",
        REDACT_HEADERS: "Authorization,Cookie",
        ENVIRONMENT_NAME: "prod",
        POWERTOOLS_LOG_LEVEL: "SILENT",
        POWERTOOLS_METRICS_DISABLED: "true",
        MAX_PAYLOAD_BYTES: "50000000",
      }),
    ).toEqual({
      bucket: "logs",
      bucketRegion: "us-east-1",
      sourceRegion: "eu-west-1",
      prefix: "waf/raw/",
      gzipLevel: 9,
      endpoint: "http://127.0.0.1:4568",
      redactHeaders: new Set(["authorization", "cookie"]),
      environmentName: "prod",
      logLevel: "SILENT",
      metricsDisabled: true,
      maxPayloadBytes: 50_000_000,
    });
  });

  it("accepts an empty S3_PREFIX as no prefix", () => {
    expect(readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", S3_PREFIX: "" }).prefix).toBe("");
  });

  it("accepts GZIP_LEVEL 0", () => {
    expect(readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", GZIP_LEVEL: "0" }).gzipLevel).toBe(0);
  });

  it("requires S3_BUCKET", () => {
    expect(() => readConfig({ S3_BUCKET: "  ", AWS_REGION: "eu-west-1" })).toThrow(
      new ConfigError(
        "Invalid processor configuration: S3_BUCKET is required: the name of the bucket the objects are written to",
      ),
    );
  });

  it.each(["10", "-1", "6.5", "six"])("rejects GZIP_LEVEL %s", (level) => {
    expect(() => readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", GZIP_LEVEL: level })).toThrow(
      `Invalid processor configuration: GZIP_LEVEL must be an integer from 0 to 9, got "${level}"`,
    );
  });

  it.each(["raw", "a b/", ".hidden/"])("rejects S3_PREFIX %s", (prefix) => {
    expect(() => readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", S3_PREFIX: prefix })).toThrow(
      `Invalid processor configuration: S3_PREFIX ${KEY_PREFIX_RULES}, got "${prefix}"`,
    );
  });

  it.each([
    ["/raw/", 'must not start with "/"'],
    ["raw//", 'must not contain "//"'],
    ["raw/../", 'must not contain ".."'],
    ["a/..b/", 'must not contain ".."'],
  ])("rejects at cold start the S3_PREFIX %s, which %s", (prefix, reason) => {
    expect(() => readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", S3_PREFIX: prefix })).toThrow(
      `Invalid processor configuration: S3_PREFIX ${reason} (${KEY_PREFIX_RULES}), got "${prefix}"`,
    );
  });

  it("rejects an S3_ENDPOINT that is not an http(s) URL", () => {
    expect(() =>
      readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", S3_ENDPOINT: "127.0.0.1:4568" }),
    ).toThrow('Invalid processor configuration: S3_ENDPOINT must be an http(s) URL, got "127.0.0.1:4568"');
  });

  it("reports every problem at once", () => {
    expect(() => readConfig({ AWS_REGION: "eu-west-1", GZIP_LEVEL: "x", REDACT_HEADERS: "a b" })).toThrow(
      "Invalid processor configuration: S3_BUCKET is required: the name of the bucket the objects are written to; " +
        'GZIP_LEVEL must be an integer from 0 to 9, got "x"; ' +
        'REDACT_HEADERS must be comma-separated HTTP header names; not a header name: "a b"',
    );
  });

  it("derives the payload cap from the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE)", () => {
    const config = readConfig({
      S3_BUCKET: "logs",
      AWS_REGION: "eu-west-1",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
    });

    expect(config.maxPayloadBytes).toBe(defaultMaxPayloadBytes(1024));
    expect(config.maxPayloadBytes).toBe(
      Math.floor((1024 * 1024 * 1024 - BASE_RSS_BYTES) / RSS_PER_PAYLOAD_BYTE),
    );
  });

  it("rejects a MAX_PAYLOAD_BYTES that is not a whole number of bytes", () => {
    expect(() =>
      readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", MAX_PAYLOAD_BYTES: "10MB" }),
    ).toThrow(
      new ConfigError(
        'Invalid processor configuration: MAX_PAYLOAD_BYTES must be a whole number of bytes from 1, got "10MB"',
      ),
    );
  });

  it("takes the function's region from AWS_DEFAULT_REGION when AWS_REGION is not set", () => {
    expect(readConfig({ S3_BUCKET: "logs", AWS_DEFAULT_REGION: "ap-southeast-2" }).sourceRegion).toBe(
      "ap-southeast-2",
    );
  });

  it("requires AWS_REGION, which goes into every object key", () => {
    expect(() => readConfig({ S3_BUCKET: "logs" })).toThrow(
      "Invalid processor configuration: AWS_REGION is required: the region of the function and its log groups, " +
        "part of every object key (Lambda sets it; set it for replay)",
    );
  });

  it.each([
    ["AWS_REGION", "eu west 1"],
    ["S3_BUCKET_REGION", "EU-WEST-1"],
  ])("rejects %s %s, which is not a region name", (name, value) => {
    expect(() => readConfig({ S3_BUCKET: "logs", AWS_REGION: "eu-west-1", [name]: value })).toThrow(
      `Invalid processor configuration: ${name} must be an AWS region name like "eu-west-1", got "${value}"`,
    );
  });
});
