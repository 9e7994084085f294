/**
 * Sends a time window of a WAF log group through the processor again, for the log events CloudWatch
 * Logs never forwarded (a subscription filter disabled after a delivery error skips its window) or
 * whose on-failure record Lambda could not keep: reads them with `FilterLogEvents`, packs them per log
 * stream into subscription events of the shape CloudWatch Logs sends
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample),
 * and invokes the processor synchronously with each.
 *
 * Packing is deterministic (events in the order `FilterLogEvents` returns them, cut at the same
 * limits), so running the same window again sends the same payloads and the processor's
 * content-derived object keys make the second run write nothing new. Log events that had been
 * forwarded before are sent again in other batches, so they are archived twice: keep the window to
 * what was skipped.
 */
import { gzipSync } from "node:zlib";
import { FilterLogEventsCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { invoke } from "./redrive";

/**
 * Most log events in one subscription event, and most bytes of their messages (each counted with 26
 * bytes of overhead): CloudWatch Logs' own batch limits for `PutLogEvents`, 10,000 events and
 * 1,048,576 bytes (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html),
 * so a backfilled batch is never larger than one CloudWatch Logs could have delivered.
 */
export const MAX_BATCH_EVENTS = 10_000;
/** See {@link MAX_BATCH_EVENTS}. */
export const MAX_BATCH_BYTES = 1_048_576;
/** Bytes `PutLogEvents` adds to each event's message size. */
export const EVENT_OVERHEAD_BYTES = 26;

/** One log event as `FilterLogEvents` returns it. */
export interface WindowLogEvent {
  readonly logStreamName: string;
  /** Log event id. */
  readonly id: string;
  /** ms since epoch. */
  readonly timestamp: number;
  readonly message: string;
}

/** The window to send again: `[startMs, endMs]`, ms since epoch, both inclusive. */
export interface BackfillWindow {
  readonly logGroupName: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Every log event of the window, page by page (`nextToken`), in the order CloudWatch Logs returns them. */
export async function* windowLogEvents(
  logs: Pick<CloudWatchLogsClient, "send">,
  window: BackfillWindow,
): AsyncGenerator<WindowLogEvent> {
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: window.logGroupName,
        startTime: window.startMs,
        endTime: window.endMs,
        nextToken,
      }),
    );
    for (const event of page.events ?? []) {
      if (
        event.logStreamName === undefined ||
        event.eventId === undefined ||
        event.timestamp === undefined ||
        event.message === undefined
      ) {
        continue; // FilterLogEvents always sets them; nothing to send without them
      }
      yield {
        logStreamName: event.logStreamName,
        id: event.eventId,
        timestamp: event.timestamp,
        message: event.message,
      };
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
}

/** Log events of one log stream that go into one subscription event. */
export interface Batch {
  readonly logStreamName: string;
  readonly events: readonly WindowLogEvent[];
}

/**
 * Packs `events` per log stream into batches of at most {@link MAX_BATCH_EVENTS} events and
 * {@link MAX_BATCH_BYTES} bytes (UTF-8 message bytes + {@link EVENT_OVERHEAD_BYTES} each). A stream's
 * batch is yielded as soon as the next event would not fit, the rest at the end in order of each
 * stream's first event; so memory holds at most one open batch per log stream.
 */
export async function* batches(events: AsyncIterable<WindowLogEvent>): AsyncGenerator<Batch> {
  const open = new Map<string, { events: WindowLogEvent[]; bytes: number }>();
  for await (const event of events) {
    const size = Buffer.byteLength(event.message, "utf8") + EVENT_OVERHEAD_BYTES;
    let batch = open.get(event.logStreamName);
    if (
      batch !== undefined &&
      (batch.events.length >= MAX_BATCH_EVENTS || batch.bytes + size > MAX_BATCH_BYTES)
    ) {
      yield { logStreamName: event.logStreamName, events: batch.events };
      open.delete(event.logStreamName);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { events: [], bytes: 0 };
      open.set(event.logStreamName, batch);
    }
    batch.events.push(event);
    batch.bytes += size;
  }
  for (const [logStreamName, batch] of open) yield { logStreamName, events: batch.events };
}

/** What a subscription event names besides its log events. */
export interface SubscriptionContext {
  /** Account of the log group (`owner`). */
  readonly owner: string;
  readonly logGroupName: string;
  /** Name of the subscription filter the events are attributed to. */
  readonly filterName: string;
}

/**
 * The Lambda event CloudWatch Logs would have sent for `batch`:
 * `{"awslogs":{"data": base64(gzip(JSON))}}` with `messageType` `DATA_MESSAGE`, as JSON text.
 */
export function subscriptionEvent(batch: Batch, context: SubscriptionContext): string {
  const data = {
    messageType: "DATA_MESSAGE",
    owner: context.owner,
    logGroup: context.logGroupName,
    logStream: batch.logStreamName,
    subscriptionFilters: [context.filterName],
    logEvents: batch.events.map(({ id, timestamp, message }) => ({ id, timestamp, message })),
  };
  return JSON.stringify({ awslogs: { data: gzipSync(JSON.stringify(data)).toString("base64") } });
}

/** A batch the processor did not take. */
export interface FailedBatch {
  readonly logStreamName: string;
  /** Id and timestamp (ms) of the batch's first and last log events. */
  readonly first: { readonly id: string; readonly timestamp: number };
  readonly last: { readonly id: string; readonly timestamp: number };
  readonly events: number;
  readonly error: string;
}

/** What a run did. */
export interface BackfillSummary {
  readonly logGroupName: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly dryRun: boolean;
  /** Log events read from the window. */
  readonly events: number;
  /** Subscription events built from them. */
  readonly batches: number;
  /** Batches the processor took (0 in a dry run). */
  readonly sent: number;
  readonly failed: readonly FailedBatch[];
}

/** Where the function is and how to report progress. */
export interface BackfillTarget {
  /** Name or ARN of the processor function. */
  readonly functionName: string;
  readonly context: SubscriptionContext;
}

/**
 * Reads the window, packs it and (unless `dryRun`) invokes the function synchronously with each batch,
 * one at a time; a batch the function fails on (or Lambda refuses) is reported and the run goes on.
 * `progress` gets one line per batch.
 *
 * @throws the error of a `FilterLogEvents` call (the log group does not exist, access denied)
 */
export async function backfill(
  io: {
    readonly logs: Pick<CloudWatchLogsClient, "send">;
    readonly lambda: Pick<LambdaClient, "send">;
    readonly progress: (line: string) => void;
  },
  window: BackfillWindow,
  target: BackfillTarget,
  options: { readonly dryRun: boolean },
): Promise<BackfillSummary> {
  let events = 0;
  let count = 0;
  let sent = 0;
  const failed: FailedBatch[] = [];
  for await (const batch of batches(windowLogEvents(io.logs, window))) {
    count += 1;
    events += batch.events.length;
    const first = batch.events[0]!;
    const last = batch.events[batch.events.length - 1]!;
    const head = `[${count}] ${batch.logStreamName}: ${batch.events.length} log events from ${new Date(first.timestamp).toISOString()}`;
    if (options.dryRun) {
      io.progress(`${head} would be sent`);
      continue;
    }
    const error = await invoke(target.functionName, subscriptionEvent(batch, target.context), io.lambda);
    if (error === undefined) {
      sent += 1;
      io.progress(`${head} sent`);
    } else {
      failed.push({
        logStreamName: batch.logStreamName,
        first: { id: first.id, timestamp: first.timestamp },
        last: { id: last.id, timestamp: last.timestamp },
        events: batch.events.length,
        error,
      });
      io.progress(`${head} failed: ${error}`);
    }
  }
  return {
    logGroupName: window.logGroupName,
    startMs: window.startMs,
    endMs: window.endMs,
    dryRun: options.dryRun,
    events,
    batches: count,
    sent,
    failed,
  };
}

/** The summary as lines of text. */
export function formatBackfillSummary(summary: BackfillSummary): string {
  const lines = [
    `log group ${summary.logGroupName}, ${new Date(summary.startMs).toISOString()} to ${new Date(summary.endMs).toISOString()}`,
    `log events: ${summary.events}`,
    `batches: ${summary.batches}`,
  ];
  if (summary.dryRun) {
    lines.push("dry run: nothing was sent");
  } else {
    lines.push(`sent: ${summary.sent}`, `failed: ${summary.failed.length}`);
    for (const batch of summary.failed) {
      lines.push(
        `  ${batch.logStreamName} ${new Date(batch.first.timestamp).toISOString()}..${new Date(batch.last.timestamp).toISOString()} (${batch.events} log events, first id ${batch.first.id}): ${batch.error}`,
      );
    }
  }
  return lines.join("\n");
}
