import { constants, crc32, deflateRawSync, gunzipSync, gzipSync } from "node:zlib";
import { PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GUNZIP_CHUNK_BYTES } from "../../../functions/waf-log-processor/decode";
import { defaultMaxPayloadBytes } from "../../../functions/waf-log-processor/environment";
import {
  CONFLICT_MAX_ATTEMPTS,
  ConfigError,
  InvalidBase64Error,
  PayloadTooLargeError,
  createHandler,
  handler,
  type ProcessResult,
} from "../../../functions/waf-log-processor/index";
import {
  BASE_TIMESTAMP,
  dataPayload,
  eventFromBytes,
  eventFromPayload,
  readSample,
  readSampleEvent,
  sampleRecords,
  subscriptionEvent,
} from "../../helpers/cloudwatch-logs-event";

const s3Mock = mockClient(S3Client);

/** Configuration for the tests: logs and metrics silenced (see logging.test.ts for those). */
const ENV = {
  S3_BUCKET: "waf-logs-test",
  AWS_REGION: "us-east-1",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  POWERTOOLS_METRICS_DISABLED: "true",
};

function newHandler(env: Record<string, string> = {}) {
  return createHandler({ env: { ...ENV, ...env }, s3: new S3Client({ region: "us-east-1" }) });
}

function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
  });
}

/** The PutObject inputs the handler sent, in order. */
function puts() {
  return s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
}

/** The gunzipped body of the n-th PutObject, as text. */
function writtenText(n = 0): string {
  return gunzipSync(puts()[n]!.Body as Buffer).toString("utf8");
}

beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(PutObjectCommand).resolves({});
});

/**
 * The gzip body GzipBody makes of a text shorter than its first segment: gzip header, the text as
 * raw deflate at `level` ended by a sync flush, an empty final block, CRC-32 and length.
 */
function oneSegmentGzip(text: string, level: number): Buffer {
  const bytes = Buffer.from(text);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(bytes), 0);
  trailer.writeUInt32LE(bytes.length, 4);
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]),
    deflateRawSync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH }),
    Buffer.from([0x03, 0x00]),
    trailer,
  ]);
}
describe("waf-log-processor handler", () => {
  it("writes the four sample records byte-identical, one per line", async () => {
    await newHandler()(readSampleEvent("cwl-data-message.json"));

    expect(writtenText()).toBe(readSample("waf-records.ndjson"));
  });

  it("stores a gzip object: application/gzip, no Content-Encoding, only if absent", async () => {
    await newHandler()(readSampleEvent("cwl-data-message.json"));

    const input = puts()[0]!;
    expect(input).toMatchObject({
      Bucket: "waf-logs-test",
      ContentType: "application/gzip",
      IfNoneMatch: "*",
    });
    expect(input).not.toHaveProperty("ContentEncoding");
  });

  it("returns what it did", async () => {
    const event = readSampleEvent("cwl-data-message.json");

    const result = await newHandler()(event);

    expect(result).toEqual<ProcessResult>({
      outcome: "written",
      key: puts()[0]!.Key!,
      eventsIn: 4,
      linesOut: 4,
      linesWrapped: 0,
      linesWithoutTimestamp: 0,
      bytesIn: gunzipSync(Buffer.from(event.awslogs.data, "base64")).length,
      bytesOut: (puts()[0]!.Body as Buffer).length,
    });
  });

  it("writes the key from prefix, first event hour, log group and log stream", async () => {
    const result = await newHandler()(readSampleEvent("cwl-data-message.json"));

    expect(result.key).toMatch(
      /^raw\/account=111122223333\/region=us-east-1\/year=2020\/month=06\/day=17\/hour=01\/aws-waf-logs-example\/us-east-1_example-web-acl_0\/38000000000000000000000000000000000000000000000000000000-[0-9a-f]{32}\.jsonl\.gz$/,
    );
    expect(puts()[0]!.Key).toBe(result.key);
  });

  it("uses S3_PREFIX", async () => {
    const result = await newHandler({ S3_PREFIX: "waf/prod/" })(subscriptionEvent(["x"]));

    expect(
      result.key!.startsWith(
        "waf/prod/account=111122223333/region=us-east-1/year=2025/month=11/day=30/hour=00/",
      ),
    ).toBe(true);
  });

  it("gives a redelivered event the same key", async () => {
    const event = subscriptionEvent(['{"a":1}']);
    const process = newHandler();

    const first = await process(event);
    const second = await process(structuredClone(event));

    expect(second.key).toBe(first.key);
  });

  it("gives two batches of the same log stream in the same millisecond different keys", async () => {
    const process = newHandler();
    const event = (id: string, message: string) =>
      eventFromPayload(dataPayload([{ id, timestamp: BASE_TIMESTAMP, message }]));

    const first = await process(event("1", '{"a":1}'));
    const second = await process(event("2", '{"a":2}'));

    expect(second.key).not.toBe(first.key);
  });

  it("gives two batches with the same first log event but different later ones different keys", async () => {
    const process = newHandler();
    const first = { id: "1", timestamp: BASE_TIMESTAMP, message: '{"a":1}' };
    const batch = (secondMessage: string) =>
      eventFromPayload(dataPayload([first, { id: "2", timestamp: BASE_TIMESTAMP, message: secondMessage }]));

    const one = await process(batch('{"b":1}'));
    const other = await process(batch('{"b":2}'));

    expect(one.key!.split("/").slice(0, -1)).toEqual(other.key!.split("/").slice(0, -1));
    expect(other.key).not.toBe(one.key);
  });

  it("compresses at GZIP_LEVEL", async () => {
    const records = sampleRecords();

    await newHandler({ GZIP_LEVEL: "9" })(subscriptionEvent(records));

    expect(puts()[0]!.Body).toEqual(oneSegmentGzip(records.map((r) => `${r}\n`).join(""), 9));
  });

  it("compresses at level 6 by default", async () => {
    const records = sampleRecords();

    await newHandler()(subscriptionEvent(records));

    expect(puts()[0]!.Body).toEqual(oneSegmentGzip(records.map((r) => `${r}\n`).join(""), 6));
  });

  it("writes the same object for the same event after other large events (buffers kept between invocations)", async () => {
    const large = (fill: string) => [
      `{"timestamp":1764460800000,"args":"${fill.repeat(900_000)}"}`,
      ...sampleRecords(),
    ];
    const handler = newHandler();

    await handler(subscriptionEvent(large("a")));
    await handler(subscriptionEvent(large("b")));
    await handler(subscriptionEvent(sampleRecords()));
    await handler(subscriptionEvent(large("a")));

    expect(writtenText(0)).toBe(
      large("a")
        .map((m) => `${m}\n`)
        .join(""),
    );
    expect(writtenText(1)).toBe(
      large("b")
        .map((m) => `${m}\n`)
        .join(""),
    );
    expect(writtenText(2)).toBe(
      sampleRecords()
        .map((m) => `${m}\n`)
        .join(""),
    );
    expect(puts()[3]!.Body).toEqual(puts()[0]!.Body);
  });

  it("turns a 10,000-event batch into 10,000 lines", async () => {
    const records = sampleRecords();
    const messages = Array.from({ length: 10_000 }, (_, i) => records[i % records.length]!);

    const result = await newHandler()(subscriptionEvent(messages));

    expect(writtenText()).toBe(messages.map((m) => `${m}\n`).join(""));
    expect(result).toMatchObject({ eventsIn: 10_000, linesOut: 10_000, linesWrapped: 0 });
  });

  it("keeps a 300 KB message whole", async () => {
    const message = JSON.stringify({
      timestamp: BASE_TIMESTAMP,
      httpRequest: { args: "a".repeat(300 * 1024) },
    });

    await newHandler()(subscriptionEvent([message]));

    expect(writtenText()).toBe(`${message}\n`);
  });

  it("wraps messages that are not JSON objects and counts them", async () => {
    const result = await newHandler()(subscriptionEvent(["plain text", '{"a":1}']));

    expect(writtenText()).toBe(`{"timestamp":${BASE_TIMESTAMP},"message":"plain text"}\n{"a":1}\n`);
    expect(result).toMatchObject({ linesOut: 2, linesWrapped: 1 });
  });

  it("redacts the headers named in REDACT_HEADERS and keeps other records byte for byte", async () => {
    const records = sampleRecords();

    await newHandler({ REDACT_HEADERS: "Cookie" })(readSampleEvent("cwl-data-message.json"));

    expect(writtenText().split("\n")).toEqual([
      records[0],
      records[1],
      records[2],
      records[3]!.replace('{"name":"Cookie","value":"session=REDACTED"}', '{"name":"Cookie","value":"XXX"}'),
      "",
    ]);
  });

  it("writes nothing for a CONTROL_MESSAGE and succeeds", async () => {
    const result = await newHandler()(readSampleEvent("cwl-control-message.json"));

    expect(result).toEqual<ProcessResult>({
      outcome: "control",
      eventsIn: 1,
      linesOut: 0,
      linesWrapped: 0,
      linesWithoutTimestamp: 0,
      bytesIn: gunzipSync(Buffer.from(readSampleEvent("cwl-control-message.json").awslogs.data, "base64"))
        .length,
      bytesOut: 0,
    });
    expect(puts()).toEqual([]);
  });

  it("writes nothing for empty logEvents and succeeds", async () => {
    const result = await newHandler()(subscriptionEvent([]));

    expect(result).toMatchObject({ outcome: "empty", eventsIn: 0, linesOut: 0, bytesOut: 0 });
    expect(puts()).toEqual([]);
  });

  it("rejects unreadable input with the decoding error and writes nothing", async () => {
    await expect(newHandler()({ awslogs: { data: "not base64!" } })).rejects.toThrow(InvalidBase64Error);
    expect(puts()).toEqual([]);
  });

  it("counts a 412 answer as an earlier delivery of the same batch", async () => {
    s3Mock.on(PutObjectCommand).rejects(s3Error("PreconditionFailed", 412));

    const result = await newHandler()(readSampleEvent("cwl-data-message.json"));

    expect(result).toMatchObject({ outcome: "duplicate", linesOut: 4 });
    expect(result.key).toBe(puts()[0]!.Key);
    expect(puts()).toHaveLength(1);
  });

  it("reports a duplicate delivery through the 412 path with the same key", async () => {
    const event = readSampleEvent("cwl-data-message.json");
    const process = newHandler();
    s3Mock.on(PutObjectCommand).resolvesOnce({}).rejects(s3Error("PreconditionFailed", 412));

    const first = await process(event);
    const second = await process(event);

    expect([first.outcome, second.outcome]).toEqual(["written", "duplicate"]);
    expect(second.key).toBe(first.key);
  });

  it.each([
    ["500 InternalError", "InternalError", 500],
    ["503 SlowDown", "SlowDown", 503],
    ["throttling", "ThrottlingException", 429],
    ["403 AccessDenied", "AccessDenied", 403],
  ])("rethrows an S3 %s so Lambda retries the event", async (_label, name, status) => {
    const error = s3Error(name, status);
    s3Mock.on(PutObjectCommand).rejects(error);

    await expect(newHandler()(readSampleEvent("cwl-data-message.json"))).rejects.toBe(error);
    expect(puts()).toHaveLength(1);
  });

  describe("on 409 ConditionalRequestConflict", () => {
    beforeEach(() => {
      // Only the clock and setTimeout (the backoff's sleep): zlib and streams keep the real event loop.
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    /** Runs the handler on the sample event, jumping the fake clock to each timer until it settles. */
    async function settle(): Promise<{ result?: ProcessResult; error?: unknown; elapsedMs: number }> {
      const start = Date.now();
      let settled = false;
      const outcome = newHandler()(readSampleEvent("cwl-data-message.json")).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      void outcome.finally(() => (settled = true));
      while (!settled) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersToNextTimerAsync();
      }
      return { ...(await outcome), elapsedMs: Date.now() - start };
    }

    it("retries with growing, jittered delays until the write goes through", async () => {
      vi.spyOn(Math, "random").mockReturnValue(0.5);
      const conflict = s3Error("ConditionalRequestConflict", 409);
      s3Mock
        .on(PutObjectCommand)
        .rejectsOnce(conflict)
        .rejectsOnce(conflict)
        .rejectsOnce(conflict)
        .resolves({});

      const { result, elapsedMs } = await settle();

      expect(result?.outcome).toBe("written");
      expect(puts()).toHaveLength(4);
      expect(puts()[3]).toEqual(puts()[0]);
      // Half of the ceilings 100, 200 and 400 ms.
      expect(elapsedMs).toBe(50 + 100 + 200);
    });

    it(`gives up after ${CONFLICT_MAX_ATTEMPTS} attempts and rethrows the last 409`, async () => {
      const error = s3Error("ConditionalRequestConflict", 409);
      s3Mock.on(PutObjectCommand).rejects(error);

      const outcome = await settle();

      expect(outcome.error).toBe(error);
      expect(puts()).toHaveLength(CONFLICT_MAX_ATTEMPTS);
    });

    it("never waits longer than the ceilings, however unlucky the draw", async () => {
      vi.spyOn(Math, "random").mockReturnValue(0.999999);
      s3Mock.on(PutObjectCommand).rejects(s3Error("ConditionalRequestConflict", 409));

      const { elapsedMs } = await settle();

      expect(elapsedMs).toBe(99 + 199 + 399 + 799);
    });

    it("counts a 412 after a 409 retry as a duplicate", async () => {
      s3Mock
        .on(PutObjectCommand)
        .rejectsOnce(s3Error("ConditionalRequestConflict", 409))
        .rejects(s3Error("PreconditionFailed", 412));

      const { result } = await settle();

      expect(result?.outcome).toBe("duplicate");
      expect(puts()).toHaveLength(2);
    });
  });

  it("rejects a messageType that is not exactly DATA_MESSAGE or CONTROL_MESSAGE and writes nothing", async () => {
    const event = eventFromPayload(dataPayload([], { messageType: "data_message" }));

    await expect(newHandler()(event)).rejects.toThrow(
      'awslogs.data payload has messageType "data_message"; expected exactly "DATA_MESSAGE" or "CONTROL_MESSAGE"',
    );
    expect(puts()).toEqual([]);
  });

  it("rejects a payload that decompresses past MAX_PAYLOAD_BYTES, naming the cap", async () => {
    await expect(
      newHandler({ MAX_PAYLOAD_BYTES: "1000" })(readSampleEvent("cwl-data-message.json")),
    ).rejects.toThrow(
      /^awslogs\.data decompresses to more than the cap of 1000 bytes \(MAX_PAYLOAD_BYTES\): stopped after \d+ bytes$/,
    );
    expect(puts()).toEqual([]);
  });

  it("stops a gzip bomb at the cap derived from the function's memory", async () => {
    // "{" and 1 GiB of whitespace, as 1,024 gzip members of 1 MiB each: about 1 MB of gzip.
    const mebibyte = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const bomb = Buffer.concat([gzipSync("{"), ...Array<Buffer>(1024).fill(mebibyte)]);
    const cap = defaultMaxPayloadBytes(128);

    const error = await newHandler({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128" })(eventFromBytes(bomb)).catch(
      (e: unknown) => e as Error,
    );

    expect(error).toBeInstanceOf(PayloadTooLargeError);
    const reached = Number(/stopped after (\d+) bytes/.exec((error as Error).message)?.[1]);
    expect((error as Error).message).toContain(`the cap of ${cap} bytes`);
    expect(reached).toBeGreaterThan(cap);
    expect(reached).toBeLessThanOrEqual(cap + GUNZIP_CHUNK_BYTES);
  });
});

describe("createHandler", () => {
  it("throws a ConfigError naming S3_BUCKET when it is missing", () => {
    expect(() => createHandler({ env: { AWS_REGION: "us-east-1" }, s3: new S3Client({}) })).toThrow(
      new ConfigError(
        "Invalid processor configuration: S3_BUCKET is required: the name of the bucket the objects are written to",
      ),
    );
  });

  it("builds a path-style client without default checksums for S3_ENDPOINT", async () => {
    const process = createHandler({
      env: {
        ...ENV,
        S3_ENDPOINT: "http://127.0.0.1:4568",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
      },
    });

    await process(readSampleEvent("cwl-data-message.json"));

    const client = s3Mock.send.getCall(0).thisValue as S3Client;
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe("http://127.0.0.1:4568");
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
    expect(await client.config.region()).toBe("us-east-1");
    expect(await client.config.credentials()).toMatchObject({
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
  });
});

describe("the S3 client of createHandler", () => {
  it("calls S3 in the bucket's region (S3_BUCKET_REGION), not the function's, so another region's bucket answers no 301", async () => {
    const process = createHandler({
      env: { ...ENV, AWS_REGION: "us-east-1", S3_BUCKET_REGION: "eu-west-1" },
    });

    await process(readSampleEvent("cwl-data-message.json"));

    const client = s3Mock.send.getCall(0).thisValue as S3Client;
    expect(await client.config.region()).toBe("eu-west-1");
  });

  it("calls S3 in the function's region when S3_BUCKET_REGION is not set, and keys the objects by that region", async () => {
    const process = createHandler({ env: { ...ENV, AWS_REGION: "ap-southeast-2" } });

    const result = await process(readSampleEvent("cwl-data-message.json"));

    const client = s3Mock.send.getCall(0).thisValue as S3Client;
    expect(await client.config.region()).toBe("ap-southeast-2");
    expect(result.key).toContain("/region=ap-southeast-2/");
  });
});

describe("handler", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("reads its configuration from process.env on the first invocation", async () => {
    vi.stubEnv("S3_BUCKET", "");

    await expect(handler(readSampleEvent("cwl-data-message.json"))).rejects.toThrow(ConfigError);
  });
});
