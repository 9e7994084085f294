/**
 * The records Lambda sends to an on-failure destination (the failure store in S3, or the legacy SQS
 * failure queue) for an asynchronous invocation it gave up on, and how redrive reads them from object
 * and message bodies.
 *
 * Record shape: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 * ```json
 * {
 *   "version": "1.0",
 *   "timestamp": "2019-11-14T18:16:05.568Z",
 *   "requestContext": {
 *     "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
 *     "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:my-function:$LATEST",
 *     "condition": "RetriesExhausted",
 *     "approximateInvokeCount": 3
 *   },
 *   "requestPayload": { "...": "the event the function was invoked with" },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "responsePayload": { "errorType": "Error", "errorMessage": "...", "trace": ["..."] }
 * }
 * ```
 * `condition` is `RetriesExhausted` (every attempt returned an error) or `EventAgeExceeded` (the event
 * waited longer than the maximum event age, e.g. while the function was throttled); in the second
 * case the function may never have run, so `responseContext` and `responsePayload` are optional here.
 *
 * `requestPayload` is optional too: when a record would exceed the destination's message size limit
 * (SQS: 256 KB), Lambda sends it without the payload (same page, and the `OnFailure` note in
 * https://docs.aws.amazon.com/lambda/latest/api/API_OnFailure.html). Such a record is valid but cannot
 * be replayed: {@link parseFailureRecord} returns it with `requestPayload: undefined`.
 */
import { z } from "zod";

/** Zod schema of an on-failure destination record (unknown extra fields are kept, not rejected). */
export const onFailureRecordSchema = z.looseObject({
  version: z.string({ error: 'expected a string, e.g. "1.0"' }),
  timestamp: z.string({ error: "expected an ISO 8601 timestamp string" }),
  requestContext: z.looseObject(
    {
      requestId: z.string({ error: "expected the request id string" }),
      functionArn: z.string({ error: "expected the function ARN string" }),
      condition: z.string({ error: "expected a string such as RetriesExhausted or EventAgeExceeded" }),
      approximateInvokeCount: z.int({ error: "expected a whole number" }).min(0, { error: "expected ≥ 0" }),
    },
    { error: "expected an object with requestId, functionArn, condition and approximateInvokeCount" },
  ),
  /** The original event; missing when Lambda left it out of a record over the size limit. */
  requestPayload: z.unknown().optional(),
  responseContext: z
    .looseObject(
      {
        statusCode: z.int({ error: "expected a whole number" }).optional(),
        executedVersion: z.string({ error: "expected a string" }).optional(),
        functionError: z.string({ error: "expected a string such as Unhandled" }).optional(),
      },
      { error: "expected an object with statusCode, executedVersion and functionError" },
    )
    .optional(),
  responsePayload: z.unknown().optional(),
});

/** An on-failure destination record. */
export type OnFailureRecord = z.infer<typeof onFailureRecordSchema>;

/** A message body read as an on-failure record, with its `requestPayload` as JSON text. */
export interface ParsedFailureRecord {
  readonly ok: true;
  readonly record: OnFailureRecord;
  /** `requestPayload` as JSON text (`JSON.stringify` of the parsed value: the same JSON value the function got). */
  readonly requestPayload: string;
  /** `responsePayload.errorMessage`, or `undefined` when the record has none. */
  readonly errorMessage: string | undefined;
}

/**
 * A valid on-failure record without `requestPayload` (Lambda leaves it out of records over the
 * destination's size limit): the event cannot be replayed from it.
 */
export interface PayloadlessFailureRecord {
  readonly ok: true;
  readonly record: OnFailureRecord;
  readonly requestPayload: undefined;
  /** `responsePayload.errorMessage`, or `undefined` when the record has none. */
  readonly errorMessage: string | undefined;
}

/** A body that is not an on-failure record, or the record of another function, account or region, and why. */
export interface UnreadableFailureRecord {
  readonly ok: false;
  /** True for a valid record of another function, account or region (it must not be replayed here). */
  readonly refused: boolean;
  /** What is wrong, naming the field (e.g. `requestContext.condition: expected a string ...`) or the origin. */
  readonly problem: string;
}

/** The function, account and region a record must be of to be replayed into the processor. */
export interface ExpectedOrigin {
  readonly functionName: string;
  /** 12 digits. */
  readonly accountId: string;
  /** e.g. `us-east-1`. */
  readonly region: string;
}

/** The parts of a Lambda function ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`). */
export interface FunctionArnParts {
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
}

/** The region, account and name of a Lambda function ARN, or `undefined` for another string. */
export function functionArnParts(arn: string): FunctionArnParts | undefined {
  const parts = arn.split(":");
  if (parts[0] !== "arn" || parts[2] !== "lambda" || parts[5] !== "function" || parts[6] === undefined) {
    return undefined;
  }
  return { region: parts[3] ?? "", accountId: parts[4] ?? "", functionName: parts[6] };
}

/**
 * Why a record whose `requestContext.functionArn` is `functionArn` must not be replayed into the
 * `expected` function, or `undefined` when it is that function's: another function name, account or
 * region (a record copied from elsewhere, or a destination shared by mistake). Names both sides.
 */
export function originProblem(functionArn: string, expected: ExpectedOrigin): string | undefined {
  const found = functionArnParts(functionArn);
  if (found === undefined)
    return `the record names ${JSON.stringify(functionArn)}, not a Lambda function ARN`;
  const differences = [
    found.functionName !== expected.functionName
      ? `function ${JSON.stringify(found.functionName)} (expected ${expected.functionName})`
      : undefined,
    found.accountId !== expected.accountId
      ? `account ${JSON.stringify(found.accountId)} (expected ${expected.accountId})`
      : undefined,
    found.region !== expected.region
      ? `region ${JSON.stringify(found.region)} (expected ${expected.region})`
      : undefined,
  ].filter((d): d is string => d !== undefined);
  return differences.length === 0
    ? undefined
    : `the record is of another ${differences.join(", ")}: it must not be replayed into this function`;
}

/**
 * Reads an object or message body as an on-failure destination record.
 *
 * @param body the body (JSON text)
 * @param expected when given, the record's `requestContext.functionArn` must name this function in this
 *   account and region (a record of another function, account or region must not be replayed here)
 * @returns the record and its `requestPayload` as JSON text; the record with `requestPayload: undefined`
 *   when it has none (a valid record that cannot be replayed); or the problem. Never throws.
 */
export function parseFailureRecord(
  body: string,
  expected?: ExpectedOrigin,
): ParsedFailureRecord | PayloadlessFailureRecord | UnreadableFailureRecord {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, refused: false, problem: `the body is not JSON: ${(error as Error).message}` };
  }
  const result = onFailureRecordSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      return `${path === "" ? "(body)" : path}: ${issue.message}`;
    });
    return { ok: false, refused: false, problem: `not a Lambda on-failure record: ${problems.join("; ")}` };
  }
  const record = result.data;
  if (expected !== undefined) {
    const problem = originProblem(record.requestContext.functionArn, expected);
    if (problem !== undefined) return { ok: false, refused: true, problem };
  }
  const response = record.responsePayload;
  const message =
    typeof response === "object" && response !== null && "errorMessage" in response
      ? (response as { errorMessage: unknown }).errorMessage
      : undefined;
  const errorMessage = typeof message === "string" ? message : undefined;
  // JSON has no undefined: an undefined requestPayload is a missing one.
  if (record.requestPayload === undefined)
    return { ok: true, record, requestPayload: undefined, errorMessage };
  return { ok: true, record, requestPayload: JSON.stringify(record.requestPayload), errorMessage };
}
