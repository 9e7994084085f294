import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { main, parseBackfillArgs, parseTime } from "../../commands/backfill";
import {
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  batches,
  subscriptionEvent,
  type WindowLogEvent,
} from "../../commands/lib/backfill";
import { parseConfig } from "../../src/config";
import { decodeSubscriptionEvent } from "../../functions/waf-log-processor/decode";
import { minimalEnvironmentInput } from "../helpers/config";

const logs = mockClient(CloudWatchLogsClient);
const lambda = mockClient(LambdaClient);

beforeEach(() => {
  logs.reset();
  lambda.reset();
});

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const event = (stream: string, n: number, message = `{"n":${n}}`): WindowLogEvent => ({
  logStreamName: stream,
  id: `id-${stream}-${n}`,
  timestamp: 1_764_400_000_000 + n,
  message,
});

/** The log events of the subscription event `payload` (JSON text), decoded as the processor decodes them. */
function sentEvents(payload: Uint8Array | undefined) {
  const decoded = decodeSubscriptionEvent(JSON.parse(new TextDecoder().decode(payload)));
  if (decoded.kind !== "data") throw new Error("not a DATA_MESSAGE");
  return decoded.payload;
}

describe("batches", () => {
  it("packs each log stream on its own, in order", async () => {
    const out = await collect(batches(from([event("a", 1), event("b", 2), event("a", 3)])));

    expect(out.map((b) => [b.logStreamName, b.events.map((e) => e.id)])).toEqual([
      ["a", ["id-a-1", "id-a-3"]],
      ["b", ["id-b-2"]],
    ]);
  });

  it("cuts a batch at 10,000 log events", async () => {
    const many = Array.from({ length: MAX_BATCH_EVENTS + 1 }, (_, n) => event("a", n, "x"));
    const out = await collect(batches(from(many)));

    expect(out.map((b) => b.events.length)).toEqual([MAX_BATCH_EVENTS, 1]);
  });

  it("cuts a batch before it passes 1,048,576 bytes, counting 26 bytes a log event", async () => {
    const size = 100_000;
    const fit = Math.floor(MAX_BATCH_BYTES / (size + EVENT_OVERHEAD_BYTES));
    const big = Array.from({ length: fit + 1 }, (_, n) => event("a", n, "é".repeat(size / 2)));
    const out = await collect(batches(from(big)));

    expect(out.map((b) => b.events.length)).toEqual([fit, 1]);
  });
});

describe("subscriptionEvent", () => {
  it("is the DATA_MESSAGE event CloudWatch Logs sends, which the processor decodes", () => {
    const text = subscriptionEvent(
      { logStreamName: "s1", events: [event("s1", 1), event("s1", 2, "plain text ü")] },
      { owner: "111122223333", logGroupName: "aws-waf-logs-example", filterName: "f" },
    );

    expect(sentEvents(new TextEncoder().encode(text))).toEqual({
      messageType: "DATA_MESSAGE",
      owner: "111122223333",
      logGroup: "aws-waf-logs-example",
      logStream: "s1",
      subscriptionFilters: ["f"],
      logEvents: [
        { id: "id-s1-1", timestamp: 1_764_400_000_001, message: '{"n":1}' },
        { id: "id-s1-2", timestamp: 1_764_400_000_002, message: "plain text ü" },
      ],
    });
  });

  it("is the same text for the same batch, so a second run writes the same object keys", () => {
    const batch = { logStreamName: "s1", events: [event("s1", 1)] };
    const context = { owner: "111122223333", logGroupName: "g", filterName: "f" };
    expect(subscriptionEvent(batch, context)).toBe(subscriptionEvent(batch, context));
  });
});

describe("parseBackfillArgs", () => {
  const args = ["--env", "dev", "--log-group", "aws-waf-logs-example"];

  it("reads ISO 8601 times with a zone and ms since epoch", () => {
    const end = Date.UTC(2026, 10, 29, 10, 10);
    expect(
      parseBackfillArgs([...args, "--start", "2026-11-29T11:00:00+01:00", "--end", String(end), "--dry-run"]),
    ).toMatchObject({ startMs: Date.UTC(2026, 10, 29, 10), endMs: end, dryRun: true });
  });

  it("rejects a time without a zone, naming the option", () => {
    expect(() => parseTime("--start", "2026-11-29T10:00:00")).toThrow(
      '--start must be ISO 8601 with a time zone (like 2026-11-29T10:00:00Z) or ms since epoch, got "2026-11-29T10:00:00"',
    );
  });

  it("requires every option and a start not after the end", () => {
    expect(() => parseBackfillArgs(["--env", "dev"])).toThrow("--log-group is required");
    expect(() => parseBackfillArgs([...args, "--start", "2", "--end", "1"])).toThrow(
      "--start must not be after --end",
    );
  });
});

describe("backfill command", () => {
  const config = parseConfig({ environments: { dev: minimalEnvironmentInput() } }, "test.json");
  const window = ["--start", "2026-11-29T10:00:00Z", "--end", "2026-11-29T10:10:00Z"];

  async function run(argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await main(
      argv,
      { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) },
      {
        loadConfig: () => config,
        clients: () => ({ logs: new CloudWatchLogsClient({}), lambda: new LambdaClient({}) }),
      },
    );
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
  }

  function twoPages() {
    const api = (e: WindowLogEvent) => ({
      logStreamName: e.logStreamName,
      eventId: e.id,
      timestamp: e.timestamp,
      message: e.message,
    });
    logs
      .on(FilterLogEventsCommand, { nextToken: undefined })
      .resolves({ events: [api(event("a", 1)), api(event("b", 2))], nextToken: "page2" })
      .on(FilterLogEventsCommand, { nextToken: "page2" })
      .resolves({ events: [api(event("a", 3))] });
  }

  it("reads every page of the window and sends each log stream's events to the processor", async () => {
    twoPages();
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });

    const result = await run(["--env", "dev", "--log-group", "aws-waf-logs-example", ...window]);

    expect(result.code).toBe(0);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toEqual({
      logGroupName: "aws-waf-logs-example",
      startTime: Date.UTC(2026, 10, 29, 10, 0),
      endTime: Date.UTC(2026, 10, 29, 10, 10),
      nextToken: undefined,
    });
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.FunctionName, c.InvocationType])).toEqual([
      ["arn:aws:lambda:us-east-1:111122223333:function:waf-log-pipeline-dev-processor", "RequestResponse"],
      ["arn:aws:lambda:us-east-1:111122223333:function:waf-log-pipeline-dev-processor", "RequestResponse"],
    ]);
    expect(calls.map((c) => sentEvents(c.Payload as Uint8Array).logEvents.map((e) => e.id))).toEqual([
      ["id-a-1", "id-a-3"],
      ["id-b-2"],
    ]);
    expect(sentEvents(calls[0]!.Payload as Uint8Array)).toMatchObject({
      owner: "111122223333",
      logGroup: "aws-waf-logs-example",
      subscriptionFilters: ["waf-log-pipeline-dev-processor"],
    });
    expect(result.stdout).toBe(
      [
        "log group aws-waf-logs-example, 2026-11-29T10:00:00.000Z to 2026-11-29T10:10:00.000Z",
        "log events: 3",
        "batches: 2",
        "sent: 2",
        "failed: 0",
      ].join("\n"),
    );
  });

  it("reports a batch the processor fails on, goes on, and exits 1", async () => {
    twoPages();
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        StatusCode: 200,
        FunctionError: "Unhandled",
        Payload: new TextEncoder().encode('{"errorMessage":"SlowDown"}') as InvokeCommandOutput["Payload"],
      })
      .resolves({ StatusCode: 200 });

    const result = await run(["--env", "dev", "--log-group", "aws-waf-logs-example", ...window]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "sent: 1\nfailed: 1\n  a 2025-11-29T07:06:40.001Z..2025-11-29T07:06:40.003Z (2 log events, first id id-a-1): SlowDown",
    );
    expect(result.stderr).toContain("[1] a: 2 log events from 2025-11-29T07:06:40.001Z failed: SlowDown");
  });

  it("sends nothing in a dry run", async () => {
    twoPages();

    const result = await run(["--env", "dev", "--log-group", "aws-waf-logs-example", ...window, "--dry-run"]);

    expect(result.code).toBe(0);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(result.stdout).toContain("batches: 2\ndry run: nothing was sent");
  });

  it("refuses a log group that is not one of the environment's", async () => {
    const result = await run(["--env", "dev", "--log-group", "aws-waf-logs-other", ...window]);

    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'backfill: "aws-waf-logs-other" is not a WAF log group of environment dev; its log groups: aws-waf-logs-example',
    });
  });

  it("exits 1 naming the error when CloudWatch Logs refuses the read", async () => {
    logs
      .on(FilterLogEventsCommand)
      .rejects(Object.assign(new Error("no such group"), { name: "ResourceNotFoundException" }));

    const result = await run(["--env", "dev", "--log-group", "aws-waf-logs-example", ...window]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("backfill: ResourceNotFoundException: no such group");
  });
});
