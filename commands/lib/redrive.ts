/**
 * Redrive: replays the events the processor function gave up on. Its on-failure destination, an SQS
 * queue, holds one Lambda on-failure record per event (see `redrive-record.ts`). For each record,
 * redrive invokes the function synchronously with the record's `requestPayload` and deletes the
 * message only when that invocation succeeds; otherwise the message stays on the queue (its receive
 * count grows) and the error is counted. A record without `requestPayload` (Lambda leaves it out of
 * records over the size limit) cannot be replayed: it is reported with what it holds (timestamp,
 * request id, condition, error), counted separately and left on the queue.
 *
 * Pure parts (grouping, the summary and its text) take and return plain values; `redrive()` does the
 * I/O through the SQS and Lambda clients it is given.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { parseFailureRecord } from "./redrive-record";

/** Most messages one ReceiveMessage returns (an SQS limit). */
export const RECEIVE_BATCH_SIZE = 10;

/** Long-poll wait of each ReceiveMessage, in seconds: short, so an empty queue ends the run quickly. */
export const RECEIVE_WAIT_SECONDS = 2;

/** Longest visibility timeout SQS accepts, in seconds (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/** Seconds added to the function timeout per invocation for the Invoke round trip. */
export const INVOKE_MARGIN_SECONDS = 30;

/** Group key for records and invocations without an error message. */
export const NO_ERROR_MESSAGE = "(no error message)";

/** What to redrive, where. */
export interface RedriveTarget {
  /** Queue URL of the failure queue (from GetQueueUrl). */
  readonly queueUrl: string;
  /** Name or ARN of the processor function, for Invoke. */
  readonly functionName: string;
  /** Function name that records must name in `requestContext.functionArn`. */
  readonly recordFunctionName: string;
  /** The function's log group, e.g. `/aws/lambda/waf-log-pipeline-dev-processor`, named in reports. */
  readonly processorLogGroupName: string;
  /** The function's timeout in seconds; sets how long received messages stay invisible. */
  readonly functionTimeoutSeconds: number;
}

/** How to redrive. */
export interface RedriveOptions {
  /** List and group only: invoke nothing, delete nothing, make every received message visible again. */
  readonly dryRun: boolean;
  /** Stop after this many messages. @default no limit (until the queue is empty) */
  readonly max?: number;
}

/** What happened to one received message. */
export type MessageOutcome =
  | { readonly kind: "redriven"; readonly messageId: string }
  | { readonly kind: "still-failing"; readonly messageId: string; readonly error: string }
  | {
      readonly kind: "would-redrive";
      readonly messageId: string;
      readonly condition: string;
      readonly error: string;
    }
  | { readonly kind: "not-a-record"; readonly messageId: string; readonly problem: string }
  | ({ readonly kind: "no-payload" } & PayloadlessRecord);

/** An on-failure record without `requestPayload`: what it holds, and what the operator can do. */
export interface PayloadlessRecord {
  readonly messageId: string;
  /** The record's `timestamp` (ISO 8601): when Lambda gave up on the event. */
  readonly timestamp: string;
  /** `requestContext.requestId`: the request id in the function's log lines (START, END, REPORT). */
  readonly requestId: string;
  /** `requestContext.condition`, e.g. `RetriesExhausted`. */
  readonly condition: string;
  /** `responsePayload.errorMessage`, or {@link NO_ERROR_MESSAGE}. */
  readonly error: string;
  /** The explanation printed for the operator (see {@link payloadlessProblem}). */
  readonly problem: string;
}

/** Messages with the same group key and how many there are. */
export interface ErrorGroup {
  /** `requestContext.condition` (dry run only). */
  readonly condition?: string;
  /** Error message (`responsePayload.errorMessage`, or the new invocation's error). */
  readonly error: string;
  readonly count: number;
}

/** The result of a run; `summary.text` formats it. */
export interface RedriveSummary {
  readonly dryRun: boolean;
  /** Messages received (each counted once). */
  readonly found: number;
  /** Invoked successfully and deleted. */
  readonly redriven: number;
  /** Invoked again and failed again (or Invoke itself failed); left on the queue. */
  readonly stillFailing: number;
  /** Dry run: records that would be invoked. */
  readonly wouldRedrive: number;
  /** Messages that are not on-failure records of the function; left on the queue. */
  readonly notRecords: readonly { readonly messageId: string; readonly problem: string }[];
  /** On-failure records without `requestPayload`, which cannot be replayed; left on the queue. */
  readonly noPayload: readonly PayloadlessRecord[];
  /** Dry run: by condition and recorded error; otherwise: still-failing messages by their new error. Largest first. */
  readonly byError: readonly ErrorGroup[];
}

/**
 * Groups outcomes into the summary. Groups are ordered by count (largest first), then by condition and
 * error text, so the output is the same on every run.
 */
export function summarize(outcomes: readonly MessageOutcome[], dryRun: boolean): RedriveSummary {
  const groups = new Map<string, ErrorGroup>();
  for (const outcome of outcomes) {
    if (outcome.kind !== "still-failing" && outcome.kind !== "would-redrive") continue;
    const condition = outcome.kind === "would-redrive" ? outcome.condition : undefined;
    const key = JSON.stringify([condition ?? "", outcome.error]);
    const group = groups.get(key);
    groups.set(key, {
      ...(condition !== undefined ? { condition } : {}),
      error: outcome.error,
      count: (group?.count ?? 0) + 1,
    });
  }
  const byError = [...groups.values()].sort(
    (a, b) =>
      b.count - a.count ||
      (a.condition ?? "").localeCompare(b.condition ?? "") ||
      a.error.localeCompare(b.error),
  );
  const count = (kind: MessageOutcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
  return {
    dryRun,
    found: outcomes.length,
    redriven: count("redriven"),
    stillFailing: count("still-failing"),
    wouldRedrive: count("would-redrive"),
    notRecords: outcomes.flatMap((o) =>
      o.kind === "not-a-record" ? [{ messageId: o.messageId, problem: o.problem }] : [],
    ),
    noPayload: outcomes.flatMap((o) => {
      if (o.kind !== "no-payload") return [];
      const { kind: _kind, ...record } = o;
      return [record];
    }),
    byError,
  };
}

/**
 * The summary as text for people (stdout), e.g.
 * ```
 * found: 3
 * redriven: 1
 * still failing: 1
 * not on-failure records (left on the queue): 1
 * records without request payload, cannot be replayed (left on the queue): 1
 * still failing, by error message:
 *   1  S3 PutObject failed: SlowDown
 * not on-failure records:
 *   5c0f…: the body is not JSON: …
 * records without request payload:
 *   9d2e…: the on-failure record holds no request payload (…): …
 * ```
 */
export function formatSummary(summary: RedriveSummary): string {
  const lines = [`found: ${summary.found}`];
  if (summary.dryRun) {
    lines.push(`would redrive: ${summary.wouldRedrive}`);
  } else {
    lines.push(`redriven: ${summary.redriven}`, `still failing: ${summary.stillFailing}`);
  }
  lines.push(`not on-failure records (left on the queue): ${summary.notRecords.length}`);
  lines.push(
    `records without request payload, cannot be replayed (left on the queue): ${summary.noPayload.length}`,
  );
  if (summary.byError.length > 0) {
    lines.push(
      summary.dryRun ? "would redrive, by condition and error message:" : "still failing, by error message:",
    );
    const width = Math.max(...summary.byError.map((g) => String(g.count).length));
    for (const group of summary.byError) {
      const condition = group.condition !== undefined ? `${group.condition}  ` : "";
      lines.push(`  ${String(group.count).padStart(width)}  ${condition}${group.error}`);
    }
  }
  if (summary.notRecords.length > 0) {
    lines.push("not on-failure records:");
    for (const { messageId, problem } of summary.notRecords) lines.push(`  ${messageId}: ${problem}`);
  }
  if (summary.noPayload.length > 0) {
    lines.push("records without request payload:");
    for (const { messageId, problem } of summary.noPayload) lines.push(`  ${messageId}: ${problem}`);
  }
  if (summary.dryRun)
    lines.push("dry run: nothing was invoked or deleted; every received message is visible again");
  return lines.join("\n");
}

/** Exit code of a run: 0 when everything found was redriven (or a dry run), 1 when anything is left. */
export function exitCodeOf(summary: RedriveSummary): 0 | 1 {
  if (summary.dryRun) return 0;
  return summary.stillFailing === 0 && summary.notRecords.length === 0 && summary.noPayload.length === 0
    ? 0
    : 1;
}

/**
 * What an operator reads for an on-failure record without `requestPayload`: why it cannot be replayed
 * and where the event's log events can be found, from what the record holds.
 *
 * @param logGroupName the function's log group
 * @param record the record's timestamp (ISO 8601), request id, condition and error message
 */
export function payloadlessProblem(
  logGroupName: string,
  record: Pick<PayloadlessRecord, "timestamp" | "requestId" | "condition" | "error">,
): string {
  return (
    "the on-failure record holds no request payload (Lambda leaves it out of records over the size limit): " +
    `the event cannot be replayed from the queue; find its log events in the log group ${logGroupName} by time: ` +
    `the invocation with request id ${record.requestId} (condition ${record.condition}, error ${JSON.stringify(record.error)}) ` +
    `failed up to ${record.timestamp}; its "subscription event failed" line names the WAF log group and log stream ` +
    "whose log events it held. Delete the message once they are recovered"
  );
}

/** The clients redrive talks to, and where it reports progress (one line per call). */
export interface RedriveIo {
  readonly sqs: Pick<SQSClient, "send">;
  readonly lambda: Pick<LambdaClient, "send">;
  readonly progress: (line: string) => void;
}

/**
 * Receives messages from the failure queue until it is empty (a ReceiveMessage returns none) or
 * `options.max` messages were received, and redrives (or, in a dry run, lists) each one.
 *
 * Received messages stay invisible for the whole run (long enough to invoke a full batch one after
 * the other), so a message that fails again is not received twice in one run; it becomes visible
 * again when that timeout ends. A dry run makes every received message visible again at the end.
 *
 * @throws the SQS client's error when ReceiveMessage or ChangeMessageVisibility fails (a failing
 *   Invoke, or a DeleteMessage failing after a successful Invoke, is counted as still failing instead)
 */
export async function redrive(
  target: RedriveTarget,
  options: RedriveOptions,
  io: RedriveIo,
): Promise<RedriveSummary> {
  const visibilityTimeout = Math.min(
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    RECEIVE_BATCH_SIZE * (target.functionTimeoutSeconds + INVOKE_MARGIN_SECONDS),
  );
  const outcomes: MessageOutcome[] = [];
  const seen = new Set<string>();
  const toRestore: Message[] = [];
  const max = options.max ?? Number.POSITIVE_INFINITY;

  try {
    while (outcomes.length < max) {
      const received = await io.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: target.queueUrl,
          MaxNumberOfMessages: Math.min(RECEIVE_BATCH_SIZE, max - outcomes.length),
          WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
          VisibilityTimeout: visibilityTimeout,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      const messages = (received.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ""));
      if (messages.length === 0) break;
      for (const message of messages) {
        if (outcomes.length >= max) break;
        seen.add(message.MessageId ?? "");
        if (options.dryRun) toRestore.push(message);
        const outcome = await handleMessage(message, target, options, io);
        outcomes.push(outcome);
        io.progress(progressLine(outcomes.length, outcome));
      }
    }
  } finally {
    for (const message of toRestore) {
      await io.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: target.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }
  return summarize(outcomes, options.dryRun);
}

async function handleMessage(
  message: Message,
  target: RedriveTarget,
  options: RedriveOptions,
  io: RedriveIo,
): Promise<MessageOutcome> {
  const messageId = message.MessageId ?? "(no message id)";
  const parsed = parseFailureRecord(message.Body ?? "", target.recordFunctionName);
  if (!parsed.ok) return { kind: "not-a-record", messageId, problem: parsed.problem };
  if (parsed.requestPayload === undefined) {
    const { timestamp, requestContext } = parsed.record;
    const held = {
      timestamp,
      requestId: requestContext.requestId,
      condition: requestContext.condition,
      error: parsed.errorMessage ?? NO_ERROR_MESSAGE,
    };
    return {
      kind: "no-payload",
      messageId,
      ...held,
      problem: payloadlessProblem(target.processorLogGroupName, held),
    };
  }
  if (options.dryRun) {
    return {
      kind: "would-redrive",
      messageId,
      condition: parsed.record.requestContext.condition,
      error: parsed.errorMessage ?? NO_ERROR_MESSAGE,
    };
  }

  const error = await invoke(target.functionName, parsed.requestPayload, io.lambda);
  if (error !== undefined) return { kind: "still-failing", messageId, error };
  try {
    await io.sqs.send(
      new DeleteMessageCommand({ QueueUrl: target.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  } catch (deleteError) {
    // The event was processed; the record stays and a later redrive replays it (safe: same object key).
    const { name, message: text } = deleteError as Error;
    return {
      kind: "still-failing",
      messageId,
      error: `invoked successfully, but DeleteMessage failed: ${name}: ${text}`,
    };
  }
  return { kind: "redriven", messageId };
}

/**
 * Invokes the function synchronously with `payload` (JSON text, sent as is). Resolves with `undefined`
 * on success, or the error: the function's `errorMessage` when it returned `FunctionError`, else
 * `Invoke failed: <error name>: <message>` when Lambda refused the call (throttling, permissions).
 */
async function invoke(
  functionName: string,
  payload: string,
  lambda: Pick<LambdaClient, "send">,
): Promise<string | undefined> {
  let response;
  try {
    response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(payload),
      }),
    );
  } catch (error) {
    return `Invoke failed: ${(error as Error).name}: ${(error as Error).message}`;
  }
  if (response.FunctionError === undefined) return undefined;
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : "";
  try {
    const body = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof body.errorMessage === "string") return body.errorMessage;
  } catch {
    // fall through: report the function error type and the raw payload
  }
  return text === "" ? `${response.FunctionError} function error` : `${response.FunctionError}: ${text}`;
}

function progressLine(index: number, outcome: MessageOutcome): string {
  const head = `[${index}] ${outcome.messageId}`;
  switch (outcome.kind) {
    case "redriven":
      return `${head} redriven, deleted`;
    case "still-failing":
      return `${head} still failing, left on the queue: ${outcome.error}`;
    case "would-redrive":
      return `${head} would redrive (${outcome.condition}: ${outcome.error})`;
    case "not-a-record":
      return `${head} not an on-failure record, left on the queue: ${outcome.problem}`;
    case "no-payload":
      return `${head} cannot be replayed, left on the queue: ${outcome.problem}`;
  }
}
