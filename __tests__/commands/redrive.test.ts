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
import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  exitCodeOf,
  failureQueueRecords,
  failureStoreRecords,
  formatSummary,
  payloadlessProblem,
  redrive,
  summarize,
} from "../../commands/lib/redrive";
import { originProblem, parseFailureRecord } from "../../commands/lib/redrive-record";
import { main, parseRedriveArgs, REDRIVE_USAGE } from "../../commands/redrive";
import { parseConfig } from "../../src/config";
import { minimalEnvironmentInput } from "../helpers/config";
import { readSampleEvent, subscriptionEvent } from "../helpers/cloudwatch-logs-event";

const FUNCTION = "waf-log-pipeline-dev-processor";
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION}`;
const LOG_GROUP = `/aws/lambda/${FUNCTION}`;
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/111122223333/waf-log-pipeline-dev-processor-failures";
const BUCKET = "waf-log-pipeline-dev-failures-111122223333-us-east-1";
const PREFIX = `aws/lambda/async/${FUNCTION}/`;
const EXPECTED = { functionName: FUNCTION, accountId: "111122223333", region: "us-east-1" };

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
  'the on-failure record holds no request payload (Lambda leaves it out of records over the size limit): the event cannot be replayed from it; find its log events in the log group /aws/lambda/waf-log-pipeline-dev-processor by time: the invocation with request id e4b46cbf-b738-4c4a-8880-a18cdf61200e (condition RetriesExhausted, error "SlowDown: Please reduce your request rate.") failed up to 2026-11-29T10:00:00.000Z; its "subscription event failed" line names the WAF log group and log stream whose log events it held. Delete the record once they are recovered';

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
const s3 = mockClient(S3Client);

function target() {
  return { functionName: FUNCTION_ARN, expected: EXPECTED, processorLogGroupName: LOG_GROUP };
}

function io(progress: string[] = []) {
  return { lambda: new LambdaClient({}), progress: (line: string) => progress.push(line) };
}

/** The legacy failure queue, as redrive reads it. */
function queue() {
  return failureQueueRecords(new SQSClient({}), QUEUE_URL, 300);
}

/** The failure store, as redrive reads it. */
function store() {
  return failureStoreRecords(new S3Client({}), BUCKET, PREFIX);
}

/** The object key Lambda gives a record (aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>). */
function recordKey(n: number): string {
  return `${PREFIX}2026/11/29/2026-11-29T10.00.${String(n).padStart(2, "0")}-0b6e1f52-1c7e-4a55-9f07-1b2a3c4d5e${String(n).padStart(2, "0")}`;
}

/** An S3 GetObject body: what redrive reads of it is `transformToString`. */
function objectBody(text: string): GetObjectCommandOutput["Body"] {
  return { transformToString: async () => text } as unknown as GetObjectCommandOutput["Body"];
}

/** The failure store holds `records` (by key), listed in pages of `pageSize`. */
function storeHolds(records: Record<string, unknown>, pageSize = 1000) {
  const keys = Object.keys(records);
  s3.on(ListObjectsV2Command).callsFake((input: { ContinuationToken?: string }) => {
    const start = Number(input.ContinuationToken ?? "0");
    const page = keys.slice(start, start + pageSize);
    const next = start + pageSize;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: next < keys.length,
      ...(next < keys.length ? { NextContinuationToken: String(next) } : {}),
    };
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const record = records[input.Key];
    return { Body: objectBody(typeof record === "string" ? record : JSON.stringify(record)) };
  });
  s3.on(DeleteObjectCommand).resolves({});
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
  s3.reset();
});

describe("parseFailureRecord", () => {
  it("reads an on-failure record of the function", () => {
    const event = readSampleEvent("cwl-data-message.json");

    const parsed = parseFailureRecord(JSON.stringify(failureRecord(event)), EXPECTED);

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

    expect(parseFailureRecord(body, EXPECTED)).toMatchObject({
      ok: true,
      requestPayload: '{"awslogs":{"data":"H4sIAAAA=","n":1}}',
    });
  });

  it("reports a body that is not JSON", () => {
    expect(parseFailureRecord("not json", EXPECTED)).toEqual({
      ok: false,
      refused: false,
      problem: `the body is not JSON: Unexpected token 'o', "not json" is not valid JSON`,
    });
  });

  it("reports every missing or mistyped field with its path", () => {
    const record = failureRecord({ awslogs: { data: "" } }) as Record<string, unknown>;
    delete record.version;
    (record.requestContext as Record<string, unknown>).approximateInvokeCount = "3";

    expect(parseFailureRecord(JSON.stringify(record), EXPECTED)).toEqual({
      ok: false,
      refused: false,
      problem:
        'not a Lambda on-failure record: version: expected a string, e.g. "1.0"; requestContext.approximateInvokeCount: expected a whole number',
    });
  });

  it("reads a record without requestPayload as a valid record that has no payload", () => {
    expect(parseFailureRecord(JSON.stringify(payloadlessRecord()), EXPECTED)).toMatchObject({
      ok: true,
      requestPayload: undefined,
      errorMessage: "SlowDown: Please reduce your request rate.",
    });
  });

  it("reads a requestPayload of null as a payload", () => {
    expect(parseFailureRecord(JSON.stringify(failureRecord(null)), EXPECTED)).toMatchObject({
      ok: true,
      requestPayload: "null",
    });
  });

  it.each([
    [
      "another function",
      "arn:aws:lambda:us-east-1:111122223333:function:other:$LATEST",
      `the record is of another function "other" (expected ${FUNCTION}): it must not be replayed into this function`,
    ],
    [
      "another account",
      `arn:aws:lambda:us-east-1:999988887777:function:${FUNCTION}:$LATEST`,
      'the record is of another account "999988887777" (expected 111122223333): it must not be replayed into this function',
    ],
    [
      "another region",
      `arn:aws:lambda:eu-west-1:111122223333:function:${FUNCTION}`,
      'the record is of another region "eu-west-1" (expected us-east-1): it must not be replayed into this function',
    ],
    [
      "another function, account and region",
      "arn:aws:lambda:eu-west-1:999988887777:function:other",
      `the record is of another function "other" (expected ${FUNCTION}), account "999988887777" (expected 111122223333), region "eu-west-1" (expected us-east-1): it must not be replayed into this function`,
    ],
  ])("refuses a record of %s, naming it", (_what, functionArn, problem) => {
    const record = failureRecord({ awslogs: { data: "" } });
    record.requestContext.functionArn = functionArn;

    expect(parseFailureRecord(JSON.stringify(record), EXPECTED)).toEqual({
      ok: false,
      refused: true,
      problem,
    });
  });

  it("refuses a record that names no Lambda function", () => {
    expect(originProblem("arn:aws:sqs:us-east-1:111122223333:queue", EXPECTED)).toBe(
      'the record names "arn:aws:sqs:us-east-1:111122223333:queue", not a Lambda function ARN',
    );
  });
});

describe("redrive from the failure store", () => {
  it("invokes the function synchronously with each record's requestPayload and deletes the object on success", async () => {
    const event = subscriptionEvent(['{"timestamp":1}']);
    storeHolds({ [recordKey(1)]: failureRecord(event) });
    invokeSucceeds();

    const summary = await redrive(store(), target(), { dryRun: false }, io());

    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Prefix: PREFIX, ContinuationToken: undefined },
    ]);
    expect(lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: FUNCTION_ARN,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      },
    ]);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: recordKey(1) },
    ]);
    expect(summary).toMatchObject({ store: "failure store", found: 1, redriven: 1, stillFailing: 0 });
  });

  it("replays a record far over the 256 KiB an SQS message could hold, whole", async () => {
    // Random text does not compress: the gzip payload stays about as large as the log events.
    const big = subscriptionEvent(Array.from({ length: 300 }, () => randomBytes(1200).toString("base64")));
    const body = JSON.stringify(failureRecord(big));
    expect(Buffer.byteLength(body)).toBeGreaterThan(262_144);
    storeHolds({ [recordKey(1)]: body });
    invokeSucceeds();

    const summary = await redrive(store(), target(), { dryRun: false }, io());

    expect(
      new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array),
    ).toBe(JSON.stringify(big));
    expect(summary).toMatchObject({ redriven: 1 });
  });

  it("reads every page of the listing, in key (time) order", async () => {
    const records = Object.fromEntries(
      [3, 1, 2].map((n) => [recordKey(n), failureRecord(subscriptionEvent([`e${n}`]))]),
    );
    storeHolds(records, 2);
    invokeSucceeds();

    const summary = await redrive(store(), target(), { dryRun: false }, io());

    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(2);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      recordKey(1),
      recordKey(2),
      recordKey(3),
    ]);
    expect(summary.redriven).toBe(3);
  });

  it("leaves a record whose invocation fails again in the failure store and counts it by error", async () => {
    storeHolds({ [recordKey(1)]: failureRecord(subscriptionEvent(["x"])) });
    invokeFails("S3 PutObject failed: SlowDown");

    const summary = await redrive(store(), target(), { dryRun: false }, io());

    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(summary).toMatchObject({
      stillFailing: 1,
      byError: [{ error: "S3 PutObject failed: SlowDown", count: 1 }],
    });
  });

  it("refuses a record of another account, invoking and deleting nothing, and names it", async () => {
    const record = failureRecord(subscriptionEvent(["x"]));
    record.requestContext.functionArn = `arn:aws:lambda:us-east-1:999988887777:function:${FUNCTION}`;
    storeHolds({ [recordKey(1)]: record });
    invokeSucceeds();
    const progress: string[] = [];

    const summary = await redrive(store(), target(), { dryRun: false }, io(progress));

    expect([lambda.commandCalls(InvokeCommand).length, s3.commandCalls(DeleteObjectCommand).length]).toEqual([
      0, 0,
    ]);
    expect(summary.refused).toEqual([
      {
        id: recordKey(1),
        problem:
          'the record is of another account "999988887777" (expected 111122223333): it must not be replayed into this function',
      },
    ]);
    expect(progress).toEqual([
      `[1/1] ${recordKey(1)} refused, left in the failure store: the record is of another account "999988887777" (expected 111122223333): it must not be replayed into this function`,
    ]);
    expect(exitCodeOf([summary])).toBe(1);
  });

  it("reports a record it cannot read and goes on with the next", async () => {
    storeHolds({
      [recordKey(1)]: failureRecord(subscriptionEvent(["x"])),
      [recordKey(2)]: failureRecord(subscriptionEvent(["y"])),
    });
    s3.on(GetObjectCommand, { Key: recordKey(1) }).rejects(
      Object.assign(new Error("Access Denied"), { name: "AccessDenied" }),
    );
    invokeSucceeds();

    const summary = await redrive(store(), target(), { dryRun: false }, io());

    expect([summary.unreadable, summary.redriven]).toEqual([
      [{ id: recordKey(1), problem: "GetObject failed: AccessDenied: Access Denied" }],
      1,
    ]);
  });

  it("in a dry run reads and groups the records and changes nothing", async () => {
    storeHolds({
      [recordKey(1)]: failureRecord(subscriptionEvent(["x"])),
      [recordKey(2)]: failureRecord(subscriptionEvent(["y"]), { condition: "EventAgeExceeded" }),
    });

    const summary = await redrive(store(), target(), { dryRun: true }, io());

    expect(lambda.calls()).toHaveLength(0);
    expect(s3.calls().map((c) => c.args[0].constructor.name)).toEqual([
      "ListObjectsV2Command",
      "GetObjectCommand",
      "GetObjectCommand",
    ]);
    expect(summary).toMatchObject({ found: 2, wouldRedrive: 2 });
    expect(exitCodeOf([summary])).toBe(0);
  });

  it("shows progress as [n/total] on long runs", async () => {
    storeHolds(
      Object.fromEntries([1, 2, 3].map((n) => [recordKey(n), failureRecord(subscriptionEvent([`e${n}`]))])),
    );
    invokeSucceeds();
    const progress: string[] = [];

    await redrive(store(), target(), { dryRun: false }, io(progress));

    expect(progress).toEqual([1, 2, 3].map((n) => `[${n}/3] ${recordKey(n)} redriven, deleted`));
  });

  it("stops after --max records", async () => {
    storeHolds(
      Object.fromEntries([1, 2, 3].map((n) => [recordKey(n), failureRecord(subscriptionEvent([`e${n}`]))])),
    );
    invokeSucceeds();

    const summary = await redrive(store(), target(), { dryRun: false, max: 2 }, io());

    expect([summary.found, s3.commandCalls(GetObjectCommand).length]).toEqual([2, 2]);
  });

  it("counts a record whose DeleteObject fails after a successful Invoke as still failing", async () => {
    storeHolds({ [recordKey(1)]: failureRecord(subscriptionEvent(["x"])) });
    s3.on(DeleteObjectCommand).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
    invokeSucceeds();

    const summary = await redrive(store(), target(), { dryRun: false }, io());

    expect(summary.byError).toEqual([
      {
        error: "invoked successfully, but deleting the record failed: AccessDenied: Access Denied",
        count: 1,
      },
    ]);
  });
});

describe("redrive from the legacy failure queue", () => {
  it("invokes the function synchronously with the requestPayload and deletes the message on success", async () => {
    const event = subscriptionEvent(['{"timestamp":1}']);
    queueHolds([message("m1", failureRecord(event))]);
    invokeSucceeds();

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

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
    expect(summary).toMatchObject({ store: "failure queue", found: 1, redriven: 1, stillFailing: 0 });
  });

  it("keeps a message whose invocation fails again, visible again at the end for the next run", async () => {
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    invokeFails("S3 PutObject failed: SlowDown");

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: "handle-m1", VisibilityTimeout: 0 },
    ]);
    expect(summary).toMatchObject({
      stillFailing: 1,
      byError: [{ error: "S3 PutObject failed: SlowDown", count: 1 }],
    });
  });

  it("counts an Invoke that Lambda refuses as still failing and keeps the message", async () => {
    queueHolds([message("m1", failureRecord(subscriptionEvent(["x"])))]);
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

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

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

    expect(summary).toMatchObject({
      redriven: 0,
      stillFailing: 1,
      byError: [
        {
          error: "invoked successfully, but deleting the record failed: ReceiptHandleIsInvalid: expired",
          count: 1,
        },
      ],
    });
  });

  it("leaves a message that is not an on-failure record on the queue and reports it", async () => {
    queueHolds([message("m1", "{}")]);
    invokeSucceeds();

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(summary.notRecords).toEqual([
      {
        id: "m1",
        problem:
          'not a Lambda on-failure record: version: expected a string, e.g. "1.0"; timestamp: expected an ISO 8601 timestamp string; requestContext: expected an object with requestId, functionArn, condition and approximateInvokeCount',
      },
    ]);
  });

  it("refuses a message holding a record of another region", async () => {
    const record = failureRecord(subscriptionEvent(["x"]));
    record.requestContext.functionArn = `arn:aws:lambda:eu-west-1:111122223333:function:${FUNCTION}`;
    queueHolds([message("m1", record)]);
    invokeSucceeds();

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

    expect([lambda.commandCalls(InvokeCommand).length, summary.refused.map((r) => r.id)]).toEqual([
      0,
      ["m1"],
    ]);
  });

  it("leaves a record without requestPayload on the queue without invoking, and reports what it holds", async () => {
    queueHolds([message("m1", payloadlessRecord())]);
    invokeSucceeds();

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

    expect([
      lambda.commandCalls(InvokeCommand).length,
      sqs.commandCalls(DeleteMessageCommand).length,
      summary.noPayload,
    ]).toEqual([
      0,
      0,
      [
        {
          id: "m1",
          timestamp: "2026-11-29T10:00:00.000Z",
          requestId: "e4b46cbf-b738-4c4a-8880-a18cdf61200e",
          condition: "RetriesExhausted",
          error: "SlowDown: Please reduce your request rate.",
          problem: PAYLOADLESS_PROBLEM,
        },
      ],
    ]);
  });

  it("reports a record without requestPayload in a dry run too, not as one it would redrive", async () => {
    queueHolds([message("m1", payloadlessRecord())]);

    const summary = await redrive(queue(), target(), { dryRun: true }, io());

    expect([summary.wouldRedrive, summary.byError, summary.noPayload.map((r) => r.id)]).toEqual([
      0,
      [],
      ["m1"],
    ]);
  });

  it("prints one progress line saying a record without requestPayload cannot be replayed", async () => {
    queueHolds([message("m1", payloadlessRecord())]);
    const progress: string[] = [];

    await redrive(queue(), target(), { dryRun: false }, io(progress));

    expect(progress).toEqual([`[1] m1 cannot be replayed, left on the queue: ${PAYLOADLESS_PROBLEM}`]);
  });

  it("in a dry run invokes and deletes nothing and makes every message visible again", async () => {
    queueHolds([
      message("m1", failureRecord(subscriptionEvent(["x"]))),
      message("m2", failureRecord(subscriptionEvent(["y"]), { condition: "EventAgeExceeded" })),
    ]);

    const summary = await redrive(queue(), target(), { dryRun: true }, io());

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

  it("in a dry run still makes every other message visible again when one ChangeMessageVisibility fails", async () => {
    queueHolds(["m1", "m2", "m3"].map((id) => message(id, failureRecord(subscriptionEvent([id])))));
    sqs
      .on(ChangeMessageVisibilityCommand, { ReceiptHandle: "handle-m1" })
      .rejects(Object.assign(new Error("expired"), { name: "ReceiptHandleIsInvalid" }));

    const summary = await redrive(queue(), target(), { dryRun: true }, io());

    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle),
    ).toEqual(["handle-m1", "handle-m2", "handle-m3"]);
    expect(summary.releaseErrors).toEqual([
      "m1: ChangeMessageVisibility failed: ReceiptHandleIsInvalid: expired",
    ]);
    expect(exitCodeOf([summary])).toBe(1);
  });

  it("makes the received messages visible again even when a receive fails half way", async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message("m1", failureRecord(subscriptionEvent(["x"])))] })
      .rejects(Object.assign(new Error("down"), { name: "ServiceUnavailable" }));

    await expect(redrive(queue(), target(), { dryRun: true }, io())).rejects.toThrow("down");
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle),
    ).toEqual(["handle-m1"]);
  });

  it("stops after --max messages and asks SQS for no more than that", async () => {
    const batch = ["m1", "m2", "m3", "m4", "m5"].map((id) =>
      message(id, failureRecord(subscriptionEvent([id]))),
    );
    sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages: number }) => ({
      Messages: batch.splice(0, input.MaxNumberOfMessages),
    }));
    invokeSucceeds();

    const summary = await redrive(queue(), target(), { dryRun: false, max: 3 }, io());

    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([
      3,
    ]);
    expect(summary).toMatchObject({ found: 3, redriven: 3 });
  });

  it("keeps received messages invisible long enough to invoke a whole batch, and stops when the queue is empty", async () => {
    queueHolds([]);

    await redrive(queue(), target(), { dryRun: false }, io());

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

    const summary = await redrive(queue(), target(), { dryRun: false }, io());

    expect(summary).toMatchObject({ found: 1, stillFailing: 1 });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
  });
});

const STORE = {
  kind: "failure store",
  location: `s3://${BUCKET}/${PREFIX}`,
  left: "left in the failure store",
};
const QUEUE = { kind: "failure queue", location: QUEUE_URL, left: "left on the queue" };

describe("formatSummary", () => {
  it("lists counts, still-failing errors, refused and unreadable records", () => {
    const summary = summarize(
      STORE,
      [
        { kind: "redriven", id: "k1" },
        { kind: "still-failing", id: "k2", error: "SlowDown" },
        { kind: "still-failing", id: "k3", error: "SlowDown" },
        { kind: "still-failing", id: "k4", error: "AccessDenied" },
        { kind: "not-a-record", id: "k5", problem: "the body is not JSON: x" },
        { kind: "refused", id: "k6", problem: "the record is of another account" },
      ],
      false,
    );

    expect(formatSummary(summary)).toBe(
      [
        `failure store s3://${BUCKET}/${PREFIX}`,
        "found: 6",
        "redriven: 1",
        "still failing (left in the failure store): 3",
        "refused (another function, account or region; left in the failure store): 1",
        "not on-failure records (left in the failure store): 1",
        "records without request payload, cannot be replayed (left in the failure store): 0",
        "still failing, by error message:",
        "  2  SlowDown",
        "  1  AccessDenied",
        "refused:",
        "  k6: the record is of another account",
        "not on-failure records:",
        "  k5: the body is not JSON: x",
      ].join("\n"),
    );
    expect(exitCodeOf([summary])).toBe(1);
  });

  it("groups a dry run by condition and error", () => {
    const summary = summarize(
      QUEUE,
      [
        { kind: "would-redrive", id: "m1", condition: "RetriesExhausted", error: "SlowDown" },
        { kind: "would-redrive", id: "m2", condition: "EventAgeExceeded", error: "(no error message)" },
      ],
      true,
    );

    expect(formatSummary(summary)).toBe(
      [
        `failure queue ${QUEUE_URL}`,
        "found: 2",
        "would redrive: 2",
        "refused (another function, account or region; left on the queue): 0",
        "not on-failure records (left on the queue): 0",
        "records without request payload, cannot be replayed (left on the queue): 0",
        "would redrive, by condition and error message:",
        "  1  EventAgeExceeded  (no error message)",
        "  1  RetriesExhausted  SlowDown",
        "dry run: nothing was invoked, deleted or changed in the failure queue",
      ].join("\n"),
    );
    expect(exitCodeOf([summary])).toBe(0);
  });

  it("lists each record without request payload and exits 1, as it is left in place", () => {
    const held = {
      id: "m1",
      timestamp: "2026-11-29T10:00:00.000Z",
      requestId: "r1",
      condition: "EventAgeExceeded",
      error: "(no error message)",
      problem: "P",
    };
    const summary = summarize(
      QUEUE,
      [
        { kind: "redriven", id: "m0" },
        { kind: "no-payload", ...held },
      ],
      false,
    );

    expect([formatSummary(summary), exitCodeOf([summary])]).toEqual([
      [
        `failure queue ${QUEUE_URL}`,
        "found: 2",
        "redriven: 1",
        "still failing (left on the queue): 0",
        "refused (another function, account or region; left on the queue): 0",
        "not on-failure records (left on the queue): 0",
        "records without request payload, cannot be replayed (left on the queue): 1",
        "records without request payload:",
        "  m1: P",
      ].join("\n"),
      1,
    ]);
  });

  it("exits 0 only when every store was emptied", () => {
    const emptied = summarize(STORE, [{ kind: "redriven", id: "k1" }], false);
    const failing = summarize(QUEUE, [{ kind: "still-failing", id: "m1", error: "x" }], false);

    expect([exitCodeOf([emptied]), exitCodeOf([emptied, failing])]).toEqual([0, 1]);
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
      'the on-failure record holds no request payload (Lambda leaves it out of records over the size limit): the event cannot be replayed from it; find its log events in the log group /aws/lambda/f by time: the invocation with request id r-1 (condition EventAgeExceeded, error "(no error message)") failed up to 2026-01-02T03:04:05.678Z; its "subscription event failed" line names the WAF log group and log stream whose log events it held. Delete the record once they are recovered',
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
    {
      environments: {
        dev: minimalEnvironmentInput(),
        prod: { ...minimalEnvironmentInput(), failureStore: { bucketName: "prod-waf-failures" } },
      },
    },
    "test.json",
  );

  async function run(argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await main(
      argv,
      { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) },
      {
        loadConfig: () => config,
        clients: () => ({ s3: new S3Client({}), sqs: new SQSClient({}), lambda: new LambdaClient({}) }),
      },
    );
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
  }

  function noQueue() {
    sqs
      .on(GetQueueUrlCommand)
      .rejects(new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: {} }));
  }

  it("rejects an unknown environment, listing the known ones", async () => {
    const result = await run(["--env", "staging"]);

    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'redrive: unknown environment "staging"; known environments: dev, prod',
    });
  });

  it("drains the failure store, then the legacy failure queue, and prints both summaries", async () => {
    storeHolds({ [recordKey(1)]: failureRecord(subscriptionEvent(["x"])) });
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
    queueHolds([message("m1", failureRecord(subscriptionEvent(["y"])))]);
    invokeSucceeds();

    const result = await run(["--env", "dev"]);

    expect(sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input)).toEqual([
      { QueueName: "waf-log-pipeline-dev-processor-failures", QueueOwnerAWSAccountId: "111122223333" },
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n\n").map((s) => s.split("\n").slice(0, 3))).toEqual([
      [`failure store s3://${BUCKET}/${PREFIX}`, "found: 1", "redriven: 1"],
      [`failure queue ${QUEUE_URL}`, "found: 1", "redriven: 1"],
    ]);
    expect(result.stderr.split("\n")).toEqual([
      `redrive: s3://${BUCKET}/${PREFIX} → ${FUNCTION} (us-east-1, 111122223333)`,
      `[1/1] ${recordKey(1)} redriven, deleted`,
      `redrive: ${QUEUE_URL} → ${FUNCTION}`,
      "[1] m1 redriven, deleted",
    ]);
  });

  it("says to remove the failure queue once a run found it empty", async () => {
    storeHolds({});
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
    queueHolds([]);

    const result = await run(["--env", "dev"]);

    expect(result.stderr).toContain(
      'redrive: the failure queue waf-log-pipeline-dev-processor-failures is empty; remove it with "keepFailureQueue": false in environment dev',
    );
  });

  it("reads the failure store named in the configuration, and skips a queue that no longer exists", async () => {
    storeHolds({});
    noQueue();

    const result = await run(["--env", "prod"]);

    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({
      Bucket: "prod-waf-failures",
      Prefix: "aws/lambda/async/waf-log-pipeline-prod-processor/",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "redrive: no failure queue waf-log-pipeline-prod-processor-failures (removed, or never deployed): nothing to drain there",
    );
  });

  it("exits 1 when records are still failing, with the JSON summary", async () => {
    storeHolds({ [recordKey(1)]: failureRecord(subscriptionEvent(["x"])) });
    noQueue();
    invokeFails("boom");

    const result = await run(["--env", "dev", "--json"]);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      environment: "dev",
      function: FUNCTION_ARN,
      failureStore: {
        store: "failure store",
        location: `s3://${BUCKET}/${PREFIX}`,
        left: "left in the failure store",
        dryRun: false,
        found: 1,
        redriven: 0,
        stillFailing: 1,
        wouldRedrive: 0,
        notRecords: [],
        refused: [],
        unreadable: [],
        noPayload: [],
        byError: [{ error: "boom", count: 1 }],
        releaseErrors: [],
      },
      failureQueue: null,
    });
  });

  it("exits 1 naming the AWS error when the failure store cannot be listed", async () => {
    s3.on(ListObjectsV2Command).rejects(
      Object.assign(new Error("The specified bucket does not exist"), { name: "NoSuchBucket" }),
    );

    const result = await run(["--env", "dev"]);

    expect(result.code).toBe(1);
    expect(result.stderr.split("\n").at(-1)).toBe(
      "redrive: NoSuchBucket: The specified bucket does not exist",
    );
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
