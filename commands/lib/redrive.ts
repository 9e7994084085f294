/**
 * Redrive: replays the events the processor function gave up on. Lambda keeps one on-failure record
 * per event (see `redrive-record.ts`) in the failure store, an S3 bucket (`aws/lambda/async/<function>/…`),
 * and, before the failure store existed, in the failure queue (SQS). For each record, redrive invokes the
 * function synchronously with the record's `requestPayload` and removes the record (DeleteObject,
 * DeleteMessage) only when that invocation succeeds; otherwise the record stays where it is and the error
 * is counted. A record of another function, account or region is refused, named, and left in place. A
 * record without `requestPayload` (Lambda leaves it out of records over the destination's size limit)
 * cannot be replayed: it is reported with what it holds, counted separately and left in place. A dry
 * run reads and groups the records and changes nothing (queue messages are made visible again).
 *
 * Pure parts (grouping, the summary and its text, the exit code) take and return plain values;
 * `redrive()` does the I/O through a {@link RecordStore} and the Lambda client it is given.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { type ExpectedOrigin, parseFailureRecord } from "./redrive-record";

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

/** What to redrive into. */
export interface RedriveTarget {
  /** Name or ARN of the processor function, for Invoke. */
  readonly functionName: string;
  /** The function, account and region every record must be of. */
  readonly expected: ExpectedOrigin;
  /** The function's log group, e.g. `/aws/lambda/waf-log-pipeline-dev-processor`, named in reports. */
  readonly processorLogGroupName: string;
}

/** How to redrive. */
export interface RedriveOptions {
  /** Read and group only: invoke nothing, delete nothing. */
  readonly dryRun: boolean;
  /** Stop after this many records. @default no limit */
  readonly max?: number;
}

/** One record as a store holds it. */
export interface StoredRecord {
  /** The object key, or the SQS message id. */
  readonly id: string;
  /** The record (JSON text), or why it could not be read. */
  readonly body: { readonly text: string } | { readonly error: string };
  /** What the store needs to remove or release it (receipt handle). */
  readonly handle?: string;
}

/**
 * Where on-failure records are kept. `records` yields each record once; `remove` deletes one whose
 * event was redriven; `release` is called once at the end with every record not removed (the queue
 * makes them visible again) and resolves with the errors it met, if any.
 */
export interface RecordStore {
  /** `failure store` or `failure queue`. */
  readonly kind: string;
  /** `s3://<bucket>/<prefix>` or the queue URL. */
  readonly location: string;
  /** "left in the failure store" or "left on the queue", for reports. */
  readonly left: string;
  records(max: number): AsyncIterable<StoredRecord>;
  /** Number of records, once known (S3 lists first); undefined for a queue. */
  total(): number | undefined;
  remove(record: StoredRecord): Promise<void>;
  release(records: readonly StoredRecord[]): Promise<string[]>;
}

/** What happened to one record. */
export type RecordOutcome =
  | { readonly kind: "redriven"; readonly id: string }
  | { readonly kind: "still-failing"; readonly id: string; readonly error: string }
  | {
      readonly kind: "would-redrive";
      readonly id: string;
      readonly condition: string;
      readonly error: string;
    }
  | { readonly kind: "not-a-record"; readonly id: string; readonly problem: string }
  | { readonly kind: "refused"; readonly id: string; readonly problem: string }
  | { readonly kind: "unreadable"; readonly id: string; readonly problem: string }
  | ({ readonly kind: "no-payload" } & PayloadlessRecord);

/** An on-failure record without `requestPayload`: what it holds, and what the operator can do. */
export interface PayloadlessRecord {
  readonly id: string;
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

/** Records with the same group key and how many there are. */
export interface ErrorGroup {
  /** `requestContext.condition` (dry run only). */
  readonly condition?: string;
  /** Error message (`responsePayload.errorMessage`, or the new invocation's error). */
  readonly error: string;
  readonly count: number;
}

/** A record left in place, and why. */
export interface LeftRecord {
  readonly id: string;
  readonly problem: string;
}

/** The result of a run over one store; {@link formatSummary} formats it. */
export interface RedriveSummary {
  /** `failure store` or `failure queue`. */
  readonly store: string;
  readonly location: string;
  /** How the store says "left in place". */
  readonly left: string;
  readonly dryRun: boolean;
  /** Records found (each counted once). */
  readonly found: number;
  /** Invoked successfully and removed. */
  readonly redriven: number;
  /** Invoked again and failed again (or Invoke itself, or the removal, failed); left in place. */
  readonly stillFailing: number;
  /** Dry run: records that would be invoked. */
  readonly wouldRedrive: number;
  /** Not on-failure records; left in place. */
  readonly notRecords: readonly LeftRecord[];
  /** Records of another function, account or region; left in place. */
  readonly refused: readonly LeftRecord[];
  /** Records that could not be read (GetObject failed); left in place. */
  readonly unreadable: readonly LeftRecord[];
  /** On-failure records without `requestPayload`, which cannot be replayed; left in place. */
  readonly noPayload: readonly PayloadlessRecord[];
  /** Dry run: by condition and recorded error; otherwise: still-failing records by their new error. Largest first. */
  readonly byError: readonly ErrorGroup[];
  /** Errors making queue messages visible again at the end (each such message reappears later anyway). */
  readonly releaseErrors: readonly string[];
}

/**
 * Groups outcomes into the summary of one store. Groups are ordered by count (largest first), then by
 * condition and error text, so the output is the same on every run.
 */
export function summarize(
  store: Pick<RecordStore, "kind" | "location" | "left">,
  outcomes: readonly RecordOutcome[],
  dryRun: boolean,
  releaseErrors: readonly string[] = [],
): RedriveSummary {
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
  const count = (kind: RecordOutcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
  const left = (kind: "not-a-record" | "refused" | "unreadable"): LeftRecord[] =>
    outcomes.flatMap((o) => (o.kind === kind ? [{ id: o.id, problem: o.problem }] : []));
  return {
    store: store.kind,
    location: store.location,
    left: store.left,
    dryRun,
    found: outcomes.length,
    redriven: count("redriven"),
    stillFailing: count("still-failing"),
    wouldRedrive: count("would-redrive"),
    notRecords: left("not-a-record"),
    refused: left("refused"),
    unreadable: left("unreadable"),
    noPayload: outcomes.flatMap((o) => {
      if (o.kind !== "no-payload") return [];
      const { kind: _kind, ...record } = o;
      return [record];
    }),
    byError,
    releaseErrors,
  };
}

/**
 * The summary of one store as text for people (stdout), e.g.
 * ```
 * failure store s3://waf-log-pipeline-prod-failures-…/aws/lambda/async/waf-log-pipeline-prod-processor/
 * found: 3
 * redriven: 1
 * still failing: 1
 * refused (another function, account or region; left in the failure store): 1
 * …
 * ```
 */
export function formatSummary(summary: RedriveSummary): string {
  const left = summary.left;
  const lines = [`${summary.store} ${summary.location}`, `found: ${summary.found}`];
  if (summary.dryRun) {
    lines.push(`would redrive: ${summary.wouldRedrive}`);
  } else {
    lines.push(`redriven: ${summary.redriven}`, `still failing (${left}): ${summary.stillFailing}`);
  }
  lines.push(`refused (another function, account or region; ${left}): ${summary.refused.length}`);
  lines.push(`not on-failure records (${left}): ${summary.notRecords.length}`);
  if (summary.unreadable.length > 0) lines.push(`unreadable (${left}): ${summary.unreadable.length}`);
  lines.push(`records without request payload, cannot be replayed (${left}): ${summary.noPayload.length}`);
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
  const list = (title: string, records: readonly LeftRecord[]) => {
    if (records.length === 0) return;
    lines.push(`${title}:`);
    for (const { id, problem } of records) lines.push(`  ${id}: ${problem}`);
  };
  list("refused", summary.refused);
  list("not on-failure records", summary.notRecords);
  list("unreadable", summary.unreadable);
  list("records without request payload", summary.noPayload);
  if (summary.releaseErrors.length > 0) {
    lines.push(
      "could not make these messages visible again (they reappear when their visibility timeout ends):",
    );
    for (const error of summary.releaseErrors) lines.push(`  ${error}`);
  }
  if (summary.dryRun) lines.push(`dry run: nothing was invoked, deleted or changed in the ${summary.store}`);
  return lines.join("\n");
}

/**
 * Exit code of a run: 1 when anything is left that the run could have removed (a record still
 * failing, refused, unreadable, not a record, or without payload; in a dry run, any record that could
 * not be redriven) or a message could not be made visible again; 0 otherwise.
 */
export function exitCodeOf(summaries: readonly RedriveSummary[]): 0 | 1 {
  const blocked = (s: RedriveSummary) =>
    s.refused.length +
    s.notRecords.length +
    s.unreadable.length +
    s.noPayload.length +
    s.releaseErrors.length;
  return summaries.every((s) => blocked(s) === 0 && (s.dryRun || s.stillFailing === 0)) ? 0 : 1;
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
    `the event cannot be replayed from it; find its log events in the log group ${logGroupName} by time: ` +
    `the invocation with request id ${record.requestId} (condition ${record.condition}, error ${JSON.stringify(record.error)}) ` +
    `failed up to ${record.timestamp}; its "subscription event failed" line names the WAF log group and log stream ` +
    "whose log events it held. Delete the record once they are recovered"
  );
}

/** The Lambda client redrive invokes with, and where it reports progress (one line per call). */
export interface RedriveIo {
  readonly lambda: Pick<LambdaClient, "send">;
  readonly progress: (line: string) => void;
}

/**
 * Redrives (or, in a dry run, lists) every record of `store`, up to `options.max`, one after the
 * other, and releases what it did not remove at the end (even when interrupted by an error).
 *
 * @throws the store's error when listing or receiving fails (a failing Invoke or removal is counted as
 *   still failing instead)
 */
export async function redrive(
  store: RecordStore,
  target: RedriveTarget,
  options: RedriveOptions,
  io: RedriveIo,
): Promise<RedriveSummary> {
  const outcomes: RecordOutcome[] = [];
  const kept: StoredRecord[] = [];
  let releaseErrors: string[];
  const max = options.max ?? Number.POSITIVE_INFINITY;
  try {
    for await (const record of store.records(max)) {
      const outcome = await handleRecord(record, store, target, options, io);
      if (outcome.kind !== "redriven") kept.push(record);
      outcomes.push(outcome);
      const total = store.total();
      io.progress(
        progressLine(`${outcomes.length}${total === undefined ? "" : `/${total}`}`, store, outcome),
      );
    }
  } finally {
    releaseErrors = await store.release(kept);
  }
  return summarize(store, outcomes, options.dryRun, releaseErrors);
}

async function handleRecord(
  record: StoredRecord,
  store: RecordStore,
  target: RedriveTarget,
  options: RedriveOptions,
  io: RedriveIo,
): Promise<RecordOutcome> {
  const { id } = record;
  if ("error" in record.body) return { kind: "unreadable", id, problem: record.body.error };
  const parsed = parseFailureRecord(record.body.text, target.expected);
  if (!parsed.ok) return { kind: parsed.refused ? "refused" : "not-a-record", id, problem: parsed.problem };
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
      id,
      ...held,
      problem: payloadlessProblem(target.processorLogGroupName, held),
    };
  }
  if (options.dryRun) {
    return {
      kind: "would-redrive",
      id,
      condition: parsed.record.requestContext.condition,
      error: parsed.errorMessage ?? NO_ERROR_MESSAGE,
    };
  }

  const error = await invoke(target.functionName, parsed.requestPayload, io.lambda);
  if (error !== undefined) return { kind: "still-failing", id, error };
  try {
    await store.remove(record);
  } catch (removeError) {
    // The event was processed; the record stays and a later redrive replays it (safe: same object key).
    const { name, message: text } = removeError as Error;
    return {
      kind: "still-failing",
      id,
      error: `invoked successfully, but deleting the record failed: ${name}: ${text}`,
    };
  }
  return { kind: "redriven", id };
}

/**
 * Invokes the function synchronously with `payload` (JSON text, sent as is). Resolves with `undefined`
 * on success, or the error: the function's `errorMessage` when it returned `FunctionError`, else
 * `Invoke failed: <error name>: <message>` when Lambda refused the call (throttling, permissions).
 */
export async function invoke(
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

function progressLine(position: string, store: RecordStore, outcome: RecordOutcome): string {
  const head = `[${position}] ${outcome.id}`;
  switch (outcome.kind) {
    case "redriven":
      return `${head} redriven, deleted`;
    case "still-failing":
      return `${head} still failing, ${store.left}: ${outcome.error}`;
    case "would-redrive":
      return `${head} would redrive (${outcome.condition}: ${outcome.error})`;
    case "not-a-record":
      return `${head} not an on-failure record, ${store.left}: ${outcome.problem}`;
    case "refused":
      return `${head} refused, ${store.left}: ${outcome.problem}`;
    case "unreadable":
      return `${head} unreadable, ${store.left}: ${outcome.problem}`;
    case "no-payload":
      return `${head} cannot be replayed, ${store.left}: ${outcome.problem}`;
  }
}

/**
 * The failure store: the on-failure records under `prefix` (`aws/lambda/async/<function>/`) in
 * `bucket`, listed first (so progress shows `[n/total]`), in key order (the keys hold the date and
 * time), read one at a time. Removing a record deletes its object (in the versioned bucket the record
 * stays as a noncurrent version until the lifecycle removes it). Nothing to release.
 */
export function failureStoreRecords(s3: Pick<S3Client, "send">, bucket: string, prefix: string): RecordStore {
  let total: number | undefined;
  return {
    kind: "failure store",
    location: `s3://${bucket}/${prefix}`,
    left: "left in the failure store",
    total: () => total,
    async *records(max) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      keys.sort();
      const chosen = keys.slice(0, Math.min(keys.length, max));
      total = chosen.length;
      for (const key of chosen) {
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const text = (await object.Body?.transformToString("utf-8")) ?? "";
          yield { id: key, body: { text } };
        } catch (error) {
          yield {
            id: key,
            body: { error: `GetObject failed: ${(error as Error).name}: ${(error as Error).message}` },
          };
        }
      }
    },
    async remove(record) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: record.id }));
    },
    async release() {
      return [];
    },
  };
}

/**
 * The legacy failure queue: messages received up to 10 at a time (long poll of 2 s) until a receive
 * returns nothing new or `max` were received. Received messages stay invisible for the run (long enough
 * to invoke a whole batch one after the other), so none is received twice; every message not deleted
 * is made visible again at the end, each one on its own, so one failing call does not keep the others
 * hidden.
 *
 * @param functionTimeoutSeconds the processor's timeout: sets how long received messages stay invisible
 */
export function failureQueueRecords(
  sqs: Pick<SQSClient, "send">,
  queueUrl: string,
  functionTimeoutSeconds: number,
): RecordStore {
  const visibilityTimeout = Math.min(
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    RECEIVE_BATCH_SIZE * (functionTimeoutSeconds + INVOKE_MARGIN_SECONDS),
  );
  return {
    kind: "failure queue",
    location: queueUrl,
    left: "left on the queue",
    total: () => undefined,
    async *records(max) {
      const seen = new Set<string>();
      let count = 0;
      while (count < max) {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(RECEIVE_BATCH_SIZE, max - count),
            WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
            VisibilityTimeout: visibilityTimeout,
            MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          }),
        );
        const messages = (received.Messages ?? []).filter((m: Message) => !seen.has(m.MessageId ?? ""));
        if (messages.length === 0) return;
        for (const message of messages) {
          if (count >= max) return;
          seen.add(message.MessageId ?? "");
          count += 1;
          yield {
            id: message.MessageId ?? "(no message id)",
            body: { text: message.Body ?? "" },
            handle: message.ReceiptHandle,
          };
        }
      }
    },
    async remove(record) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.handle }));
    },
    async release(records) {
      const errors: string[] = [];
      for (const record of records) {
        try {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: record.handle,
              VisibilityTimeout: 0,
            }),
          );
        } catch (error) {
          errors.push(
            `${record.id}: ChangeMessageVisibility failed: ${(error as Error).name}: ${(error as Error).message}`,
          );
        }
      }
      return errors;
    },
  };
}
