/**
 * The records Lambda sends to an on-failure destination (here: an SQS queue) for an asynchronous
 * invocation it gave up on, and how redrive reads them from SQS message bodies.
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

/** A message body that is not an on-failure record, and why. */
export interface UnreadableFailureRecord {
  readonly ok: false;
  /** What is wrong, naming the field, e.g. `requestContext.condition: expected a string ...`. */
  readonly problem: string;
}

/**
 * Reads an SQS message body as an on-failure destination record.
 *
 * @param body the message body (JSON text)
 * @param functionName when given, the record's `requestContext.functionArn` must name this function
 *   (a record of another function must not be replayed into this one)
 * @returns the record and its `requestPayload` as JSON text; the record with `requestPayload: undefined`
 *   when it has none (a valid record that cannot be replayed); or the problem. Never throws.
 */
export function parseFailureRecord(
  body: string,
  functionName?: string,
): ParsedFailureRecord | PayloadlessFailureRecord | UnreadableFailureRecord {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, problem: `the body is not JSON: ${(error as Error).message}` };
  }
  const result = onFailureRecordSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      return `${path === "" ? "(body)" : path}: ${issue.message}`;
    });
    return { ok: false, problem: `not a Lambda on-failure record: ${problems.join("; ")}` };
  }
  const record = result.data;
  if (functionName !== undefined) {
    const recordFunction = functionNameOfArn(record.requestContext.functionArn);
    if (recordFunction !== functionName) {
      return {
        ok: false,
        problem: `the record is for function ${JSON.stringify(recordFunction ?? record.requestContext.functionArn)}, not ${functionName}`,
      };
    }
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

/**
 * The function name in a Lambda function ARN
 * (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`), or `undefined` for another string.
 */
export function functionNameOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts[2] === "lambda" && parts[5] === "function" ? parts[6] : undefined;
}
