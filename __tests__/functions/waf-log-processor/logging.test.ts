import { PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Context } from "aws-lambda";
import { createHandler } from "../../../functions/waf-log-processor/index";
import { BASE_EVENT_ID, readSampleEvent, subscriptionEvent } from "../../helpers/cloudwatch-logs-event";

const s3Mock = mockClient(S3Client);

/** Everything written to a stream while the test runs, as parsed JSON lines. */
function capture(stream: NodeJS.WriteStream): () => Record<string, unknown>[] {
  const chunks: string[] = [];
  vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(chunk.toString());
    return true;
  });
  return () =>
    chunks
      .join("")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function newHandler(env: Record<string, string> = {}) {
  return createHandler({
    env: { S3_BUCKET: "waf-logs-test", AWS_REGION: "us-east-1", ...env },
    s3: new S3Client({ region: "us-east-1" }),
  });
}

const METRIC_NAMES = [
  "LogEventsIn",
  "BytesIn",
  "LinesWritten",
  "LinesWrapped",
  "LinesWithoutTimestamp",
  "BytesOut",
  "ObjectsWritten",
  "DuplicateDeliveries",
  "ControlMessages",
];

/** The EMF line's metric values, checking its metadata on the way. */
function emfValues(line: Record<string, unknown>, environment: string): Record<string, unknown> {
  const { _aws, ...values } = line as { _aws: { CloudWatchMetrics: unknown } } & Record<string, unknown>;
  expect(_aws.CloudWatchMetrics).toEqual([
    {
      Namespace: "WafLogPipeline",
      Dimensions: [["Environment"]],
      Metrics: METRIC_NAMES.map((Name) => ({ Name, Unit: Name.startsWith("Bytes") ? "Bytes" : "Count" })),
    },
  ]);
  expect(values.Environment).toBe(environment);
  return values;
}

beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(PutObjectCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("waf-log-processor log line", () => {
  it("prints one structured JSON line per invocation with the counts", async () => {
    const stdout = capture(process.stdout);

    const result = await newHandler({ POWERTOOLS_METRICS_DISABLED: "true" })(
      readSampleEvent("cwl-data-message.json"),
    );

    expect(stdout()).toEqual([
      expect.objectContaining({
        level: "INFO",
        message: "subscription event processed",
        service: "waf-log-processor",
        logGroup: "aws-waf-logs-example",
        logStream: "us-east-1_example-web-acl_0",
        eventsIn: 4,
        linesOut: 4,
        linesWrapped: 0,
        bytesIn: result.bytesIn,
        bytesOut: result.bytesOut,
        key: result.key,
        outcome: "written",
      }),
    ]);
  });

  it("logs a failure as one ERROR line with the error and what was known", async () => {
    const stderr = capture(process.stderr);
    capture(process.stdout);
    s3Mock
      .on(PutObjectCommand)
      .rejects(new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: {} }));

    await expect(newHandler()(readSampleEvent("cwl-data-message.json"))).rejects.toThrow();

    expect(stderr()).toEqual([
      expect.objectContaining({
        level: "ERROR",
        message: "subscription event failed",
        logGroup: "aws-waf-logs-example",
        eventsIn: 4,
        outcome: "failed",
        error: expect.objectContaining({ name: "SlowDown" }),
      }),
    ]);
  });

  it("prints nothing with POWERTOOLS_LOG_LEVEL=SILENT and POWERTOOLS_METRICS_DISABLED=true", async () => {
    const stdout = capture(process.stdout);

    await newHandler({ POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" })(
      readSampleEvent("cwl-data-message.json"),
    );

    expect(stdout()).toEqual([]);
  });
});

/** A Lambda context as the Node.js runtime passes it (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). */
function lambdaContext(awsRequestId: string): Context {
  return {
    awsRequestId,
    functionName: "waf-log-pipeline-prod-processor",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:waf-log-pipeline-prod-processor",
    memoryLimitInMB: "512",
    logGroupName: "/aws/lambda/waf-log-pipeline-prod-processor",
    logStreamName: "2026/12/04/[$LATEST]0123456789abcdef0123456789abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe("waf-log-processor log lines name the invocation and the batch", () => {
  const FIRST_ID = "38000000000000000000000000000000000000000000000000000000";

  it("carries the request id, log group, log stream and first log event id on the INFO line", async () => {
    const stdout = capture(process.stdout);

    await newHandler({ POWERTOOLS_METRICS_DISABLED: "true" })(
      readSampleEvent("cwl-data-message.json"),
      lambdaContext("c6af9ac6-7b61-11e6-9a41-93e812345678"),
    );

    expect(stdout()).toEqual([
      expect.objectContaining({
        message: "subscription event processed",
        function_request_id: "c6af9ac6-7b61-11e6-9a41-93e812345678",
        function_name: "waf-log-pipeline-prod-processor",
        logGroup: "aws-waf-logs-example",
        logStream: "us-east-1_example-web-acl_0",
        firstLogEventId: FIRST_ID,
      }),
    ]);
  });

  it("carries them on the ERROR line of a batch that S3 refused", async () => {
    const stderr = capture(process.stderr);
    capture(process.stdout);
    s3Mock
      .on(PutObjectCommand)
      .rejects(new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: {} }));

    await expect(
      newHandler()(readSampleEvent("cwl-data-message.json"), lambdaContext("req-failed")),
    ).rejects.toThrow();

    expect(stderr()).toEqual([
      expect.objectContaining({
        level: "ERROR",
        message: "subscription event failed",
        function_request_id: "req-failed",
        logGroup: "aws-waf-logs-example",
        logStream: "us-east-1_example-web-acl_0",
        firstLogEventId: FIRST_ID,
      }),
    ]);
  });

  it("carries the request id on the ERROR line of an event it could not decode", async () => {
    const stderr = capture(process.stderr);

    await expect(
      newHandler()({ awslogs: { data: "!" } }, lambdaContext("req-undecodable")),
    ).rejects.toThrow();

    const [line] = stderr();
    expect(line).toMatchObject({ level: "ERROR", function_request_id: "req-undecodable" });
    expect(line).not.toHaveProperty("logGroup");
  });

  it("does not carry one invocation's batch into the next invocation's lines", async () => {
    const stderr = capture(process.stderr);
    capture(process.stdout);
    const process_ = newHandler({ POWERTOOLS_METRICS_DISABLED: "true" });
    await process_(readSampleEvent("cwl-data-message.json"), lambdaContext("req-1"));

    await expect(process_({ awslogs: { data: "!" } }, lambdaContext("req-2"))).rejects.toThrow();

    const [line] = stderr();
    expect(line).toMatchObject({ function_request_id: "req-2" });
    expect(line).not.toHaveProperty("logGroup");
    expect(line).not.toHaveProperty("firstLogEventId");
  });
});

describe("waf-log-processor metrics", () => {
  it("emits the counts of a written object as one EMF line in namespace WafLogPipeline", async () => {
    const stdout = capture(process.stdout);

    const result = await newHandler({ POWERTOOLS_LOG_LEVEL: "SILENT", ENVIRONMENT_NAME: "prod" })(
      subscriptionEvent(['{"a":1}', "plain"]),
    );

    expect(stdout()).toHaveLength(1);
    expect(emfValues(stdout()[0]!, "prod")).toEqual({
      Environment: "prod",
      LogEventsIn: 2,
      BytesIn: result.bytesIn,
      LinesWritten: 2,
      LinesWrapped: 1,
      LinesWithoutTimestamp: 1,
      BytesOut: result.bytesOut,
      ObjectsWritten: 1,
      DuplicateDeliveries: 0,
      ControlMessages: 0,
    });
  });

  it("counts a duplicate delivery and writes no lines", async () => {
    const stdout = capture(process.stdout);
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: "PreconditionFailed",
        $fault: "client",
        $metadata: { httpStatusCode: 412 },
      }),
    );

    const result = await newHandler({ POWERTOOLS_LOG_LEVEL: "SILENT", ENVIRONMENT_NAME: "dev" })(
      readSampleEvent("cwl-data-message.json"),
    );

    expect(emfValues(stdout()[0]!, "dev")).toEqual({
      Environment: "dev",
      LogEventsIn: 4,
      BytesIn: result.bytesIn,
      LinesWritten: 0,
      LinesWrapped: 0,
      LinesWithoutTimestamp: 0,
      BytesOut: 0,
      ObjectsWritten: 0,
      DuplicateDeliveries: 1,
      ControlMessages: 0,
    });
  });

  it("counts a control message, with Environment unknown by default", async () => {
    const stdout = capture(process.stdout);

    const result = await newHandler({ POWERTOOLS_LOG_LEVEL: "SILENT" })(
      readSampleEvent("cwl-control-message.json"),
    );

    expect(emfValues(stdout()[0]!, "unknown")).toEqual({
      Environment: "unknown",
      LogEventsIn: 1,
      BytesIn: result.bytesIn,
      LinesWritten: 0,
      LinesWrapped: 0,
      LinesWithoutTimestamp: 0,
      BytesOut: 0,
      ObjectsWritten: 0,
      DuplicateDeliveries: 0,
      ControlMessages: 1,
    });
  });

  it("counts the records without a usable timestamp and logs their log event ids", async () => {
    const stdout = capture(process.stdout);
    const stderr = capture(process.stderr);
    const records = [
      '{"timestamp":1764460800000,"action":"ALLOW"}',
      '{"action":"ALLOW"}',
      '{"timestamp":"2025-11-30T00:00:00Z","action":"ALLOW"}',
      '{"timestamp":1764460800000.5,"action":"ALLOW"}',
      '{"timestamp":1764460800,"action":"ALLOW"}',
    ];

    const result = await newHandler({ ENVIRONMENT_NAME: "prod" })(subscriptionEvent(records));

    const [warning] = stderr();
    const [info, emf] = stdout();
    expect(warning).toMatchObject({
      level: "WARN",
      message: "records without a usable timestamp",
      linesWithoutTimestamp: 3,
      logEventIds: [1n, 2n, 3n].map((n) => String(BASE_EVENT_ID + n)),
      key: result.key,
      logGroup: "aws-waf-logs-example",
    });
    expect(info).toMatchObject({ message: "subscription event processed", linesWithoutTimestamp: 3 });
    expect(emfValues(emf!, "prod")).toMatchObject({ LinesWritten: 5, LinesWithoutTimestamp: 3 });
  });
});
