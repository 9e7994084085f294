import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEventFiles, readEventFile, UsageError } from "../../commands/lib/event-files";
import { main, parseReplayArgs, REPLAY_USAGE } from "../../commands/replay";

describe("parseReplayArgs", () => {
  it("defaults to the embedded server, bucket waf-log-replay and download to .replay", () => {
    expect(parseReplayArgs(["a.json"])).toEqual({
      source: "cloudwatch",
      paths: ["a.json"],
      out: ".replay",
      bucket: "waf-log-replay",
      endpoint: undefined,
    });
  });

  it("does not download from an --endpoint unless --out is given", () => {
    expect(parseReplayArgs(["--endpoint", "http://127.0.0.1:9000", "--bucket", "logs", "a.json"])).toEqual({
      source: "cloudwatch",
      paths: ["a.json"],
      out: undefined,
      bucket: "logs",
      endpoint: "http://127.0.0.1:9000",
    });
  });

  it("rejects --endpoint without --bucket", () => {
    expect(() => parseReplayArgs(["--endpoint", "https://s3.eu-west-1.amazonaws.com", "a.json"])).toThrow(
      new UsageError("--endpoint needs --bucket (the bucket to write to)"),
    );
  });

  it("rejects an --endpoint that is not an http(s) URL", () => {
    expect(() => parseReplayArgs(["--endpoint", "s3.amazonaws.com", "--bucket", "b", "a.json"])).toThrow(
      new UsageError('--endpoint: expected an http:// or https:// URL, got "s3.amazonaws.com"'),
    );
  });

  it("rejects a command line without event files", () => {
    expect(() => parseReplayArgs(["--out", "x"])).toThrow(new UsageError("no event files given"));
  });

  it("rejects unknown options", () => {
    expect(() => parseReplayArgs(["--bukket", "b", "a.json"])).toThrow(/^Unknown option '--bukket'/);
  });
});

describe("listEventFiles", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "replay-files-"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("expands a directory into its *.json files sorted by name, files kept as given", async () => {
    for (const name of ["b.json", "a.json", "B.json", "notes.txt"]) await writeFile(join(dir, name), "{}");
    await mkdir(join(dir, "nested.json"));

    const files = await listEventFiles([join(dir, "a.json"), dir]);

    expect(files).toEqual([
      join(dir, "a.json"),
      join(dir, "B.json"),
      join(dir, "a.json"),
      join(dir, "b.json"),
    ]);
  });

  it("names a missing path", async () => {
    await expect(listEventFiles([join(dir, "missing.json")])).rejects.toThrow(
      new UsageError(`${join(dir, "missing.json")}: no such file or directory`),
    );
  });

  it("names a directory without event files", async () => {
    await expect(listEventFiles([dir])).rejects.toThrow(
      new UsageError(`${dir}: no *.json files in this directory`),
    );
  });
});

describe("readEventFile", () => {
  it("says when a file is not JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replay-read-"));
    const file = join(dir, "bad.json");
    await writeFile(file, "{");
    try {
      await expect(readEventFile(file)).rejects.toThrow(/^not valid JSON: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("replay main", () => {
  it("exits 2 with the error and the usage for a missing event file", async () => {
    const stderr: string[] = [];
    const stdout: string[] = [];

    const code = await main(["/nonexistent/event.json"], {
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
    });

    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: [],
      stderr: [`replay: /nonexistent/event.json: no such file or directory\n\n${REPLAY_USAGE}`],
    });
  });
});
