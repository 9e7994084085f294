import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createS3Client, EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from "../../commands/lib/embedded-s3";
import { filesUnder } from "../../commands/lib/file-tree";
import { main } from "../../commands/replay";
import { BASE_TIMESTAMP, dataPayload, eventFromPayload } from "../helpers/cloudwatch-logs-event";

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

/** A subscription event file whose one log event has an id of `idLength` digits. */
async function writeLongIdEvent(path: string, idLength: number): Promise<string> {
  const payload = dataPayload([{ id: "7".repeat(idLength), timestamp: BASE_TIMESTAMP, message: '{"a":1}' }]);
  await writeFile(path, JSON.stringify(eventFromPayload(payload)));
  return path;
}

/** The embedded S3 server's temporary directories in `dir` (tsx keeps its own cache there too). */
async function serverDirectories(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith("waf-log-pipeline-s3-"));
}

/** Resolves when `dir` holds an entry whose name starts with `prefix` (polled), or rejects after `ms`. */
async function waitForEntry(dir: string, prefix: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await readdir(dir)).some((name) => name.startsWith(prefix))) {
    if (Date.now() > deadline) throw new Error(`no ${prefix}* in ${dir} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `node --import tsx <args>` in the repository with TMPDIR set; resolves with its exit code and stderr. */
function spawnNode(args: string[], tmp: string, onSpawn?: (child: ChildProcess) => void) {
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      env: {
        ...process.env,
        TMPDIR: tmp,
        POWERTOOLS_LOG_LEVEL: "SILENT",
        POWERTOOLS_METRICS_DISABLED: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
    onSpawn?.(child);
  });
}

describe("npm run replay: log event ids of any length, no temporary files left", () => {
  let work: string;
  let tmp: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "replay-test-"));
    tmp = join(work, "tmp");
    await mkdir(tmp);
    vi.stubEnv("TMPDIR", tmp);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(work, { recursive: true, force: true });
  });

  it.each([56, 199, 240, 5_000])(
    "stores and downloads the object of a log event id of %i digits",
    async (idLength) => {
      const out = join(work, "out");
      const event = await writeLongIdEvent(join(work, "long-id.json"), idLength);

      const { code, stdout, stderr } = await runReplay(["--out", out, event]);

      expect(stderr).toEqual([]);
      expect(code).toBe(0);
      expect(stdout).toEqual(['{"events":1,"objects":1,"records":1,"failed":0}']);
      const [key] = filesUnder(out);
      expect(key).toMatch(new RegExp(`/${"7".repeat(Math.min(idLength, 200))}-[0-9a-f]{32}\\.jsonl\\.gz$`));
      expect(gunzipSync(await readFile(join(out, key!))).toString("utf8")).toBe('{"a":1}\n');
      expect(await serverDirectories(tmp)).toEqual([]);
    },
  );

  it("removes its temporary directory when a file fails and when the processor's configuration is invalid", async () => {
    const bad = join(work, "bad.json");
    await writeFile(bad, JSON.stringify({ awslogs: { data: "!" } }));

    expect((await runReplay(["--out", join(work, "out"), bad])).code).toBe(1);
    vi.stubEnv("GZIP_LEVEL", "12");
    const invalid = await runReplay(["--out", join(work, "out"), DATA_EVENT]);

    expect(invalid.code).toBe(1);
    expect(invalid.stderr.join("\n")).toContain("GZIP_LEVEL must be an integer from 0 to 9");
    expect(await serverDirectories(tmp)).toEqual([]);
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "removes its temporary directory when stopped by %s",
    async (signal) => {
      const events = join(work, "events");
      await mkdir(events);
      const body = await readFile(DATA_EVENT);
      for (let n = 0; n < 400; n++) await writeFile(join(events, `${String(n).padStart(4, "0")}.json`), body);

      const result = await spawnNode(
        ["commands/replay.ts", "--out", join(work, "out"), events],
        tmp,
        (child) => {
          void waitForEntry(tmp, "waf-log-pipeline-s3-", 60_000).then(() => child.kill(signal));
        },
      );

      expect(result.stderr).toContain(`replay: stopped by ${signal}`);
      expect(result.code).toBe(signal === "SIGINT" ? 130 : 143);
      expect(await serverDirectories(tmp)).toEqual([]);
    },
  );

  it("removes the embedded server's temporary directory when the process dies of an uncaught exception", async () => {
    const script = [
      'import { startEmbeddedS3 } from "./commands/lib/embedded-s3.ts";',
      'await startEmbeddedS3({ bucket: "b" });',
      'setTimeout(() => { throw new Error("boom"); }, 0);',
    ].join("\n");

    const result = await spawnNode(["--input-type=module", "-e", script], tmp);

    expect(result.stderr).toContain("Error: boom");
    expect(result.code).toBe(1);
    expect(await serverDirectories(tmp)).toEqual([]);
  });
});

describe("npm run replay: WAF's current log format, byte for byte", () => {
  let work: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "replay-current-"));
  });

  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** The messages of a sample event's payload, as CloudWatch Logs delivered them. */
  async function messagesOf(file: string): Promise<string[]> {
    const event = JSON.parse(await readFile(file, "utf8")) as { awslogs: { data: string } };
    const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8")) as {
      logEvents: { message: string }[];
    };
    return payload.logEvents.map((logEvent) => logEvent.message);
  }

  it("stores ja3/ja4 fingerprints, fragment, scheme, host, labels, oversizeFields, body sizes, CAPTCHA and challenge responses, lowercase HTTP/2 headers and IPv6 clients unchanged", async () => {
    const out = join(work, "out");
    const file = `${SAMPLES}/cwl-data-message-current.json`;

    const { code, stdout } = await runReplay(["--out", out, file]);

    const [key] = filesUnder(out);
    const stored = gunzipSync(await readFile(join(out, key!)));
    const expected = await readFile(`${SAMPLES}/waf-records-current.ndjson`);
    expect(code).toBe(0);
    expect(stdout).toEqual(['{"events":1,"objects":1,"records":3,"failed":0}']);
    expect(stored.equals(expected)).toBe(true);
    expect((await messagesOf(file)).join("\n") + "\n").toBe(expected.toString("utf8"));
    for (const field of [
      '"ja3Fingerprint":"773906b0efdefa24a7f2b8eb6985bf37"',
      '"ja4Fingerprint":"t13d1517h2_8daaf6152771_b0da82dd1658"',
      '"fragment":"#motdepasse","scheme":"https","host":"www.example.org"',
      '"labels":[{"name":"awswaf:managed:aws:bot-control:bot:category:http_library"}',
      '"oversizeFields":["REQUEST_BODY"]',
      '"requestBodySize":24576,"requestBodySizeInspectedByWAF":16384',
      '"captchaResponse":{"responseCode":405,"solveTimestamp":0,"failureReason":"TOKEN_MISSING"}',
      '"challengeResponse":{"responseCode":202',
      '{"name":"user-agent","value":',
      '"clientIp":"2001:db8:85a3::8a2e:370:7334"',
      '"x-kunde","value":"Müller & Söhne – 東京 – 😀"',
    ]) {
      expect(stored.toString("utf8")).toContain(field);
    }
  });

  it("stores a record of about 1 MB whole, as one line", async () => {
    const out = join(work, "out");
    const file = `${SAMPLES}/cwl-data-message-large.json`;
    const [message] = await messagesOf(file);

    const { code } = await runReplay(["--out", out, file]);

    const [key] = filesUnder(out);
    const stored = gunzipSync(await readFile(join(out, key!))).toString("utf8");
    expect(code).toBe(0);
    expect(Buffer.byteLength(message!)).toBeGreaterThan(1_000_000);
    expect(stored).toBe(`${message}\n`);
  });
});
