import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { filesUnder } from "../../commands/lib/file-tree";
import { wafS3LogFiles } from "../../commands/lib/s3-source-replay";
import { main, parseReplayArgs } from "../../commands/replay";
import { UsageError } from "../../commands/lib/cli";

const RECORDS = "__tests__/fixtures/samples/waf-records.ndjson";

async function runReplay(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

describe("npm run replay -- --source s3 (WAF's own S3 files through the landing bucket's notification path)", () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), "s3-replay-test-"));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("notifies every file once and Cortex reads each one byte for byte as WAF wrote it", async () => {
    const { code, stdout, stderr } = await runReplay(["--source", "s3", "--out", out, RECORDS]);

    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout[0]!)).toEqual({
      files: 3,
      notifications: 3,
      objects: 3,
      records: 4,
      unchanged: 3,
      failed: 0,
    });
    const expected = wafS3LogFiles(await readFile(RECORDS, "utf8"), RECORDS);
    expect(filesUnder(out).sort()).toEqual(expected.map((file) => file.key).sort());
    for (const file of expected) {
      const received = await readFile(join(out, file.key));
      expect(Buffer.compare(received, Buffer.from(file.body))).toBe(0);
    }
  });

  it("delivers the WAF records themselves, one per line, unwrapped, as in the input", async () => {
    await runReplay(["--source", "s3", "--out", out, RECORDS]);

    const lines = (
      await Promise.all(
        filesUnder(out).map(async (key) => gunzipSync(await readFile(join(out, key))).toString("utf8")),
      )
    )
      .join("")
      .split("\n")
      .filter((line) => line !== "");
    const input = (await readFile(RECORDS, "utf8")).split("\n").filter((line) => line !== "");
    expect(lines.sort()).toEqual(input.sort());
    for (const line of lines) expect(Object.keys(JSON.parse(line))).toContain("httpRequest");
  });

  it("fails with the file and line of an input that is not WAF records", async () => {
    const { code, stderr } = await runReplay([
      "--source",
      "s3",
      "__tests__/fixtures/samples/cwl-data-message.json",
    ]);

    expect(code).toBe(1);
    expect(stderr[0]).toMatch(/^replay: __tests__\/fixtures\/samples\/cwl-data-message\.json:1: /);
  });
});

describe("parseReplayArgs --source", () => {
  it("takes --source s3 with the embedded server and an aws-waf-logs- bucket", () => {
    expect(parseReplayArgs(["--source", "s3", "a.ndjson"])).toEqual({
      source: "s3",
      paths: ["a.ndjson"],
      out: ".replay",
      bucket: "aws-waf-logs-replay",
      endpoint: undefined,
    });
  });

  it("rejects --endpoint, a bucket WAF cannot log to, and an unknown source", () => {
    expect(() => parseReplayArgs(["--source", "s3", "--endpoint", "http://x", "--bucket", "b", "a"])).toThrow(
      UsageError,
    );
    expect(() => parseReplayArgs(["--source", "s3", "--bucket", "logs", "a"])).toThrow(
      /^--bucket: must start with "aws-waf-logs-"/,
    );
    expect(() => parseReplayArgs(["--source", "firehose", "a"])).toThrow(
      new UsageError('--source: expected "cloudwatch" or "s3", got "firehose"'),
    );
  });
});
