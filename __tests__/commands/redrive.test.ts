import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  exitCodeOf,
  formatSummary,
  payloadlessProblem,
  redrive,
  summarize,
} from "../../commands/lib/redrive";
import { parseFailureRecord } from "../../commands/lib/redrive-record";
import { main, parseRedriveArgs, REDRIVE_USAGE } from "../../commands/redrive";
import { parseConfig } from "../../src/config";
import { minimalEnvironmentInput } from "../helpers/config";
import { readSampleEvent, subscriptionEvent } from "../helpers/cloudwatch-logs-event";

const FUNCTION = "waf-log-pipeline-dev-processor";
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION}`;
const LOG_GROUP = `/aws/lambda/${FUNCTION}`;
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/111122223333/waf-log-pipeline-dev-processor-failures";

/** An on-failure destination record as Lambda writes it (documented shape), for `requestPayload`. */
function failureRecord(
  requestPayload: unknown,
  overrides: { condition?: string; errorMessage?: string } = {},
) {
  return {
    version: "1.0",
    timestamp: "2026-11-29T10:00:00.000Z",
    requestContext: {
      requestId: "e4b46cbf-b738-4c4a-8880-a18cdf61200e",
      functionArn: `${FUNCTION_ARN}:$LATEST`,
      condition: overrides.condition ?? "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: {
      errorType: "S3ServiceException",
      errorMessage: overrides.errorMessage ?? "SlowDown: Please reduce your request rate.",
      trace: ["S3ServiceException: SlowDown", "    at handler (index.cjs:1:1)"],
    },
  };
}

/** An on-failure record over the size limit: Lambda left out `requestPayload`. */
function payloadlessRecord() {
  const record: Partial<ReturnType<typeof failureRecord>> = failureRecord(undefined);
  delete record.requestPayload;
  return record;
}

/** What redrive says about {@link payloadlessRecord}. */
const PAYLOADLESS_PROBLEM =
  'the on-failure record holds no request payload (Lambda leaves it out of records over the size limit): the event cannot be replayed from the queue; find its log events in the log group /aws/lambda/waf-log-pipeline-dev-processor by time: the invocation with request id e4b46cbf-b738-4c4a-8880-a18cdf61200e (condition RetriesExhausted, error "SlowDown: Please reduce your request rate.") failed up to 2026-11-29T10:00:00.000Z; its "subscription event failed" line names the WAF log group and log stream whose log events it held. Delete the message once they are recovered';

/** An SQS message whose body is `body` (a record object is serialized). */
function message(id: string, body: unknown): Message {
  return {
    MessageId: id,
    ReceiptHandle: `handle-${id}`,
    Body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);

function target() {
  return {
    queueUrl: QUEUE_URL,
    functionName: FUNCTION_ARN,
    recordFunctionName: FUNCTION,
    processorLogGroupName: LOG_GROUP,
    functionTimeoutSeconds: 300,
  };
}

function io(progress: string[] = []) {
  return {
    sqs: new SQSClient({}),
    lambda: new LambdaClient({}),
    progress: (line: string) => progress.push(line),
  };
}

/** Queue contents: the first ReceiveMessage returns `messages`, later ones return nothing. */
function queueHolds(messages: Message[]) {
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
}

/** An Invoke response payload (the SDK types it as its blob adapter; the bytes are what matter here). */
function responsePayload(text: string): InvokeCommandOutput["Payload"] {
  return new TextEncoder().encode(text) as InvokeCommandOutput["Payload"];
}

function invokeSucceeds() {
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: responsePayload("null") });
}

function invokeFails(errorMessage: string) {
  lambda.on(InvokeCommand).resolves({
    StatusCode: 200,
    FunctionError: "Unhandled",
    Payload: responsePayload(JSON.stringify({ errorType: "Error", errorMessage, trace: [] })),
  });
}

beforeEach(() => {
  sqs.reset();
  lambda.reset();
});

describe("parseFailureRecord", () => {
  it("reads an on-failure record of the function", () => {
    const event = readSampleEvent("cwl-data-message.json");

    const parsed = parseFailureRecord(JSON.stringify(failureRecord(event)), FUNCTION);

    expect(parsed).toMatchObject({
      ok: true,
      requestPayload: JSON.stringify(event),
      errorMessage: "SlowDown: Please reduce your request rate.",
    });
  });

  it("replays the JSON value of requestPayload (escapes and spacing of the record do not matter)", () => {
    const payload = '{ "awslogs" : {"data":"H4sI\\u0041AAA=" , "n": 1.0} }';
    const body = JSON.stringify(failureRecord(null)).replace(
      '"requestPayload":null',
      `"requestPayload":${payload}`,
    );

    expect(parseFailureRecord(body, FUNCTION)).toMatchObject({
      ok: true,
      requestPayload: '{"awslogs":{"data":"H4sIAAAA=","n":1}}',
    });
  });

  it("reports a body that is not JSON", () => {
    expect(parseFailureRecord("not json", FUNCTION)).toEqual({
      ok: false,
      problem: `the body is not JSON: Unexpected token 'o', "not json" is not valid JSON`,
    });
  });

  it("reports every missing or mistyped field with its path", () => {
    const record = failureRecord({ awslogs: { data: "" } }) as Record<string, unknown>;
    delete record.version;
    (record.requestContext as Record<string, unknown>).approximateInvokeCount = "3";

    expect(parseFailureRecord(JSON.stringify(record), FUNCTION)).toEqual({
      ok: false,
      problem:
        'not a Lambda on-failure record: version: expected a string, e.g. "1.0"; requestContext.approximateInvokeCount: expected a whole number',
    });
  });

  it("reads a record without requestPayload as a valid record that has no payload", () => {
    const record = payloadlessRecord();

    expect(parseFailureRecord(JSON.stringify(record), FUNCTION)).toEqual({
      ok: true,
      record,
      requestPayload: undefined,
      errorMessage: "SlowDown: Please reduce your request rate.",
    });
  });

  it("reads a requestPayload of null as a payload", () => {
    expect(parseFailureRecord(JSON.stringify(failureRecord(null)), FUNCTION)).toMatchObject({
      ok: true,
      requestPayload: "null",
    });
  });

  it("refuses a record of another function", () => {
    const record = failureRecord({ awslogs: { data: "" } });
    record.requestContext.functionArn = "arn:aws:lambda:us-east-1:111122223333:function:other:$LATEST";

    expect(parseFailureRecord(JSON.stringify(record), FUNCTION)).toEqual({
      ok: false,
      problem: `the record is for function "other", not ${FUNCTION}`,
    });
  });
});

describe("redrive", () => {
  it("invokes the function synchronously with the requestPayload and deletes the message on success", async () => {
    const event = subscriptionEvent(['{"timestamp":1}']);
    queueHolds([message("m1", failureRecord(event))]);
    invokeSucceeds();

    const summary = await redrive(target(), { dryRun: false }, io());

    expect(lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: FUNCTION_ARN,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: "handle-m1" },
    ]);
    expect(summary).toMatchObject({ found: 1, redriven: 1, stillFailing: 0 });
  });

  it("keeps a message whose invocation fails again and counts it by error message", async () => {
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    invokeFails("S3 PutObject failed: SlowDown");

    const summary = await redrive(target(), { dryRun: false }, io());

    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(summary).toMatchObject({
      found: 1,
      redriven: 0,
      stillFailing: 1,
      byError: [{ error: "S3 PutObject failed: SlowDown", count: 1 }],
    });
  });

  it("counts an Invoke that Lambda refuses as still failing and keeps the message", async () => {
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));

    const summary = await redrive(target(), { dryRun: false }, io());

    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(summary.byError).toEqual([
      { error: "Invoke failed: TooManyRequestsException: Rate exceeded", count: 1 },
    ]);
  });

  it("counts a message whose DeleteMessage fails after a successful Invoke as still failing", async () => {
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    invokeSucceeds();
    sqs
      .on(DeleteMessageCommand)
      .rejects(Object.assign(new Error("expired"), { name: "ReceiptHandleIsInvalid" }));

    const summary = await redrive(target(), { dryRun: false }, io());

    expect(summary).toMatchObject({
      redriven: 0,
      stillFailing: 1,
      byError: [
        {
          error: "invoked successfully, but DeleteMessage failed: ReceiptHandleIsInvalid: expired",
          count: 1,
        },
      ],
    });
  });

  it("leaves a message that is not an on-failure record on the queue and reports it", async () => {
    queueHolds([message("m1", "{}")]);
    invokeSucceeds();

    const summary = await redrive(target(), { dryRun: false }, io());

    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(summary.notRecords).toEqual([
      {
        messageId: "m1",
        problem:
          'not a Lambda on-failure record: version: expected a string, e.g. "1.0"; timestamp: expected an ISO 8601 timestamp string; requestContext: expected an object with requestId, functionArn, condition and approximateInvokeCount',
      },
    ]);
  });

  it("leaves a record without requestPayload on the queue without invoking, and reports what it holds", async () => {
    queueHolds([message("m1", payloadlessRecord())]);
    invokeSucceeds();

    const summary = await redrive(target(), { dryRun: false }, io());

    expect([
      lambda.commandCalls(InvokeCommand).length,
      sqs.commandCalls(DeleteMessageCommand).length,
      summary.noPayload,
    ]).toEqual([
      0,
      0,
      [
        {
          messageId: "m1",
          timestamp: "2026-11-29T10:00:00.000Z",
          requestId: "e4b46cbf-b738-4c4a-8880-a18cdf61200e",
          condition: "RetriesExhausted",
          error: "SlowDown: Please reduce your request rate.",
          problem: PAYLOADLESS_PROBLEM,
        },
      ],
    ]);
  });

  it("counts a record without requestPayload apart from unreadable messages and failures", async () => {
    queueHolds([message("m1", payloadlessRecord())]);

    const summary = await redrive(target(), { dryRun: false }, io());

    expect([summary.found, summary.redriven, summary.stillFailing, summary.notRecords]).toEqual([
      1,
      0,
      0,
      [],
    ]);
  });

  it("reports a record without requestPayload in a dry run too, not as one it would redrive", async () => {
    queueHolds([message("m1", payloadlessRecord())]);

    const summary = await redrive(target(), { dryRun: true }, io());

    expect([summary.wouldRedrive, summary.byError, summary.noPayload.map((r) => r.messageId)]).toEqual([
      0,
      [],
      ["m1"],
    ]);
  });

  it("prints one progress line saying a record without requestPayload cannot be replayed", async () => {
    queueHolds([message("m1", payloadlessRecord())]);
    const progress: string[] = [];

    await redrive(target(), { dryRun: false }, io(progress));

    expect(progress).toEqual([`[1] m1 cannot be replayed, left on the queue: ${PAYLOADLESS_PROBLEM}`]);
  });

  it("in a dry run invokes and deletes nothing and makes every message visible again", async () => {
    queueHolds([
      message("m1", failureRecord(subscriptionEvent(["x"]))),
      message("m2", failureRecord(subscriptionEvent(["y"]), { condition: "EventAgeExceeded" })),
    ]);

    const summary = await redrive(target(), { dryRun: true }, io());

    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: "handle-m1", VisibilityTimeout: 0 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: "handle-m2", VisibilityTimeout: 0 },
    ]);
    expect(summary.byError).toEqual([
      { condition: "EventAgeExceeded", error: "SlowDown: Please reduce your request rate.", count: 1 },
      { condition: "RetriesExhausted", error: "SlowDown: Please reduce your request rate.", count: 1 },
    ]);
  });

  it("stops after --max messages and asks SQS for no more than that", async () => {
    const batch = ["m1", "m2", "m3", "m4", "m5"].map((id) =>
      message(id, failureRecord(subscriptionEvent([id]))),
    );
    sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages: number }) => ({
      Messages: batch.splice(0, input.MaxNumberOfMessages),
    }));
    invokeSucceeds();

    const summary = await redrive(target(), { dryRun: false, max: 3 }, io());

    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([
      3,
    ]);
    expect(summary).toMatchObject({ found: 3, redriven: 3 });
  });

  it("keeps received messages invisible long enough to invoke a whole batch, and stops when the queue is empty", async () => {
    queueHolds([]);

    await redrive(target(), { dryRun: false }, io());

    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE_URL,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
        VisibilityTimeout: 3300,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      },
    ]);
  });

  it("counts a message received twice in one run once", async () => {
    const record = message("m1", failureRecord(subscriptionEvent(["x"])));
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [record] });
    invokeFails("boom");

    const summary = await redrive(target(), { dryRun: false }, io());

    expect(summary).toMatchObject({ found: 1, stillFailing: 1 });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
  });
});

describe("formatSummary", () => {
  it("lists counts, still-failing errors and unreadable messages", () => {
    const summary = summarize(
      [
        { kind: "redriven", messageId: "m1" },
        { kind: "still-failing", messageId: "m2", error: "SlowDown" },
        { kind: "still-failing", messageId: "m3", error: "SlowDown" },
        { kind: "still-failing", messageId: "m4", error: "AccessDenied" },
        { kind: "not-a-record", messageId: "m5", problem: "the body is not JSON: x" },
      ],
      false,
    );

    expect(formatSummary(summary)).toBe(
      [
        "found: 5",
        "redriven: 1",
        "still failing: 3",
        "not on-failure records (left on the queue): 1",
        "records without request payload, cannot be replayed (left on the queue): 0",
        "still failing, by error message:",
        "  2  SlowDown",
        "  1  AccessDenied",
        "not on-failure records:",
        "  m5: the body is not JSON: x",
      ].join("\n"),
    );
    expect(exitCodeOf(summary)).toBe(1);
  });

  it("groups a dry run by condition and error", () => {
    const summary = summarize(
      [
        { kind: "would-redrive", messageId: "m1", condition: "RetriesExhausted", error: "SlowDown" },
        {
          kind: "would-redrive",
          messageId: "m2",
          condition: "EventAgeExceeded",
          error: "(no error message)",
        },
      ],
      true,
    );

    expect(formatSummary(summary)).toBe(
      [
        "found: 2",
        "would redrive: 2",
        "not on-failure records (left on the queue): 0",
        "records without request payload, cannot be replayed (left on the queue): 0",
        "would redrive, by condition and error message:",
        "  1  EventAgeExceeded  (no error message)",
        "  1  RetriesExhausted  SlowDown",
        "dry run: nothing was invoked or deleted; every received message is visible again",
      ].join("\n"),
    );
    expect(exitCodeOf(summary)).toBe(0);
  });

  it("lists each record without request payload and exits 1, as it is left on the queue", () => {
    const held = {
      messageId: "m1",
      timestamp: "2026-11-29T10:00:00.000Z",
      requestId: "r1",
      condition: "EventAgeExceeded",
      error: "(no error message)",
      problem: "P",
    };
    const summary = summarize(
      [
        { kind: "redriven", messageId: "m0" },
        { kind: "no-payload", ...held },
      ],
      false,
    );

    expect([formatSummary(summary), exitCodeOf(summary)]).toEqual([
      [
        "found: 2",
        "redriven: 1",
        "still failing: 0",
        "not on-failure records (left on the queue): 0",
        "records without request payload, cannot be replayed (left on the queue): 1",
        "records without request payload:",
        "  m1: P",
      ].join("\n"),
      1,
    ]);
  });
});

describe("payloadlessProblem", () => {
  it("names the log group, the request id, the condition, the error and the time", () => {
    expect(
      payloadlessProblem("/aws/lambda/f", {
        timestamp: "2026-01-02T03:04:05.678Z",
        requestId: "r-1",
        condition: "EventAgeExceeded",
        error: "(no error message)",
      }),
    ).toBe(
      'the on-failure record holds no request payload (Lambda leaves it out of records over the size limit): the event cannot be replayed from the queue; find its log events in the log group /aws/lambda/f by time: the invocation with request id r-1 (condition EventAgeExceeded, error "(no error message)") failed up to 2026-01-02T03:04:05.678Z; its "subscription event failed" line names the WAF log group and log stream whose log events it held. Delete the message once they are recovered',
    );
  });
});

describe("parseRedriveArgs", () => {
  it("reads every option", () => {
    expect(parseRedriveArgs(["--env", "dev", "--dry-run", "--max", "5", "--json"])).toEqual({
      env: "dev",
      dryRun: true,
      max: 5,
      json: true,
      help: false,
    });
  });

  it("requires --env", () => {
    expect(() => parseRedriveArgs(["--dry-run"])).toThrow("--env <env> is required");
  });

  it("rejects a --max that is not a whole number ≥ 1", () => {
    expect(() => parseRedriveArgs(["--env", "dev", "--max", "0"])).toThrow(
      '--max must be a whole number ≥ 1, got "0"',
    );
  });
});

describe("redrive command", () => {
  const config = parseConfig(
    { environments: { dev: minimalEnvironmentInput(), prod: minimalEnvironmentInput() } },
    "test.json",
  );

  async function run(argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await main(
      argv,
      { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) },
      { loadConfig: () => config, clients: () => ({ sqs: new SQSClient({}), lambda: new LambdaClient({}) }) },
    );
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
  }

  it("rejects an unknown environment, listing the known ones", async () => {
    const result = await run(["--env", "staging"]);

    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'redrive: unknown environment "staging"; known environments: dev, prod',
    });
  });

  it("finds the failure queue by name in the environment's account and prints the summary", async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    invokeSucceeds();

    const result = await run(["--env", "dev"]);

    expect(sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input)).toEqual([
      { QueueName: "waf-log-pipeline-dev-processor-failures", QueueOwnerAWSAccountId: "111122223333" },
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: [
        "found: 1",
        "redriven: 1",
        "still failing: 0",
        "not on-failure records (left on the queue): 0",
        "records without request payload, cannot be replayed (left on the queue): 0",
      ].join("\n"),
      stderr: [
        "redrive: waf-log-pipeline-dev-processor-failures → waf-log-pipeline-dev-processor (us-east-1, 111122223333)",
        "[1] m1 redriven, deleted",
      ].join("\n"),
    });
  });

  it("exits 1 when messages are still failing, with the JSON summary", async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    invokeFails("boom");

    const result = await run(["--env", "dev", "--json"]);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      environment: "dev",
      queueUrl: QUEUE_URL,
      function: FUNCTION_ARN,
      dryRun: false,
      found: 1,
      redriven: 0,
      stillFailing: 1,
      wouldRedrive: 0,
      notRecords: [],
      noPayload: [],
      byError: [{ error: "boom", count: 1 }],
    });
  });

  it("says when the failure queue does not exist", async () => {
    sqs
      .on(GetQueueUrlCommand)
      .rejects(new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: {} }));

    const result = await run(["--env", "prod"]);

    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "redrive: queue waf-log-pipeline-prod-processor-failures does not exist in account 111122223333, region us-east-1; is environment prod deployed?",
    });
  });

  it("exits 2 with the usage for a bad command line", async () => {
    const result = await run(["--env", "dev", "--max", "many"]);

    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `redrive: --max must be a whole number ≥ 1, got "many"\n\n${REDRIVE_USAGE}`,
    });
  });
});
