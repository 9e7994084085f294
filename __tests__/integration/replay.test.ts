import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createS3Client, EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from "../../commands/lib/embedded-s3";
import { filesUnder } from "../../commands/lib/file-tree";
import { main } from "../../commands/replay";

const SAMPLES = "__tests__/fixtures/samples";
const DATA_EVENT = `${SAMPLES}/cwl-data-message.json`;
const CONTROL_EVENT = `${SAMPLES}/cwl-control-message.json`;
/** Key of the sample data event: first log event 2020-06-17T01:26:32.516Z, log group and stream of the sample. */
const SAMPLE_KEY =
  /^raw\/account=111122223333\/region=us-east-1\/year=2020\/month=06\/day=17\/hour=01\/aws-waf-logs-example\/us-east-1_example-web-acl_0\/[A-Za-z0-9._=-]+\.jsonl\.gz$/;

/** `text` as a regular expression that matches it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function runReplay(argv: string[], progressIntervalMs?: number) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    ...(progressIntervalMs === undefined ? {} : { progressIntervalMs }),
  });
  return { code, stdout, stderr };
}

describe("npm run replay (embedded S3 server)", () => {
  let work: string;
  let out: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "replay-test-"));
    out = join(work, "out");
  });

  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("writes exactly one object, under the documented key layout, for a data and a control message", async () => {
    await runReplay(["--out", out, DATA_EVENT, CONTROL_EVENT]);

    const files = filesUnder(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(SAMPLE_KEY);
  });

  it("stores the WAF records byte for byte, one per line", async () => {
    await runReplay(["--out", out, DATA_EVENT, CONTROL_EVENT]);

    const [key] = filesUnder(out);
    const lines = gunzipSync(await readFile(join(out, key!))).toString("utf8");
    expect(lines).toBe(await readFile(`${SAMPLES}/waf-records.ndjson`, "utf8"));
  });

  it("ends with one JSON line of counts and exit code 0", async () => {
    const { code, stdout } = await runReplay(["--out", out, DATA_EVENT, CONTROL_EVENT]);

    expect(code).toBe(0);
    expect(stdout).toEqual(['{"events":2,"objects":1,"records":4,"failed":0}']);
  });

  it("reports a file the processor rejects with its name on stderr, exits 1, and still writes the other file", async () => {
    const bad = join(work, "bad-base64.json");
    await writeFile(bad, JSON.stringify({ awslogs: { data: "not base64 at all!" } }));

    const { code, stdout, stderr } = await runReplay(["--out", out, bad, DATA_EVENT]);

    expect(code).toBe(1);
    expect(stderr).toEqual([
      expect.stringMatching(new RegExp(`^${literal(bad)}: awslogs.data is not valid base64: `)),
    ]);
    expect(stdout).toEqual(['{"events":2,"objects":1,"records":4,"failed":1}']);
    expect(filesUnder(out)).toEqual([expect.stringMatching(SAMPLE_KEY)]);
  });

  it("reports a file that is not JSON as such", async () => {
    const bad = join(work, "truncated.json");
    await writeFile(bad, '{"awslogs":{"data":"H4sI');

    const { code, stderr } = await runReplay(["--out", out, bad]);

    expect(code).toBe(1);
    expect(stderr).toEqual([expect.stringMatching(new RegExp(`^${literal(bad)}: not valid JSON: `))]);
  });

  it("replays the *.json files of a directory", async () => {
    const dir = join(work, "events");
    await mkdir(dir);
    await writeFile(join(dir, "a-data.json"), await readFile(DATA_EVENT));
    await writeFile(join(dir, "b-control.json"), await readFile(CONTROL_EVENT));
    await writeFile(join(dir, "notes.txt"), "not an event");

    const { code, stdout } = await runReplay(["--out", out, dir]);

    expect(code).toBe(0);
    expect(stdout).toEqual(['{"events":2,"objects":1,"records":4,"failed":0}']);
  });

  it("prints progress on stderr, keeping stdout for the summary", async () => {
    const { stdout, stderr } = await runReplay(["--out", out, DATA_EVENT, CONTROL_EVENT], 0);

    expect(stderr).toEqual([
      "replay: 1/2 event files, 1 objects, 0 failed",
      "replay: 2/2 event files, 1 objects, 0 failed",
    ]);
    expect(stdout).toHaveLength(1);
  });
});

describe("npm run replay --endpoint", () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  afterEach(() => {
    for (const [name, value] of [
      ["AWS_ACCESS_KEY_ID", saved.id],
      ["AWS_SECRET_ACCESS_KEY", saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("writes to the given bucket with credentials from the standard chain", async () => {
    const server = await startEmbeddedS3({ bucket: "existing-bucket" });
    const client = createS3Client({ endpoint: server.endpoint, credentials: EMBEDDED_S3_CREDENTIALS });
    try {
      process.env.AWS_ACCESS_KEY_ID = EMBEDDED_S3_CREDENTIALS.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = EMBEDDED_S3_CREDENTIALS.secretAccessKey;

      const { code, stdout } = await runReplay([
        "--endpoint",
        server.endpoint,
        "--bucket",
        "existing-bucket",
        DATA_EVENT,
      ]);

      const listed = await client.send(new ListObjectsV2Command({ Bucket: "existing-bucket" }));
      expect(code).toBe(0);
      expect(stdout).toEqual(['{"events":1,"objects":1,"records":4,"failed":0}']);
      expect((listed.Contents ?? []).map((object) => object.Key)).toEqual([
        expect.stringMatching(SAMPLE_KEY),
      ]);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
