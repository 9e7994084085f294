/**
 * Builds CloudWatch Logs subscription events, the input of the processor.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 */
import { gzipSync } from "node:zlib";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent, CloudWatchLogsLogEvent } from "aws-lambda";

/** Most log events CloudWatch Logs puts in one subscription delivery. */
export const MAX_EVENTS_PER_BATCH = 10_000;

/**
 * Most bytes in one delivery, counted as CloudWatch Logs counts a PutLogEvents batch: the sum of
 * the messages' UTF-8 sizes plus 26 bytes per log event.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
 */
export const MAX_BATCH_BYTES = 1_048_576;

/** Overhead CloudWatch Logs counts per log event, in bytes. */
export const EVENT_OVERHEAD_BYTES = 26;

/** The Lambda event for one decoded payload: `{"awslogs":{"data": base64(gzip(JSON))}}`. */
export function encodeSubscriptionEvent(payload: CloudWatchLogsDecodedData): CloudWatchLogsEvent {
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString("base64") } };
}

/** Log group, log stream and account a batch claims to come from. */
export interface BatchSource {
  /** 12-digit account id. */
  readonly owner: string;
  /** Log group name, e.g. `aws-waf-logs-shop`. */
  readonly logGroup: string;
  /** Log stream name, e.g. `us-east-1_shop-prod_0`. */
  readonly logStream: string;
  /** Subscription filter names. */
  readonly subscriptionFilters: readonly string[];
}

/**
 * Splits log events into DATA_MESSAGE payloads in order, taking the target sizes (log events
 * per batch) in turn, and closing a batch early when the next log event would exceed
 * {@link MAX_BATCH_BYTES} or {@link MAX_EVENTS_PER_BATCH}, as CloudWatch Logs does.
 *
 * @param batchSizes target log events per batch, used round-robin; each in 1..10,000.
 * @throws RangeError when `batchSizes` is empty or holds a size outside 1..10,000.
 */
export function packBatches(
  logEvents: readonly CloudWatchLogsLogEvent[],
  source: BatchSource,
  batchSizes: readonly number[],
): CloudWatchLogsDecodedData[] {
  const bad = batchSizes.filter((size) => !Number.isInteger(size) || size < 1 || size > MAX_EVENTS_PER_BATCH);
  if (batchSizes.length === 0 || bad.length > 0) {
    throw new RangeError(
      `batchSizes: expected integers in 1..${MAX_EVENTS_PER_BATCH}, got [${batchSizes.join(", ")}]`,
    );
  }
  const batches: CloudWatchLogsDecodedData[] = [];
  let current: CloudWatchLogsLogEvent[] = [];
  let bytes = 0;
  const close = () => {
    if (current.length === 0) return;
    batches.push({
      messageType: "DATA_MESSAGE",
      owner: source.owner,
      logGroup: source.logGroup,
      logStream: source.logStream,
      subscriptionFilters: [...source.subscriptionFilters],
      logEvents: current,
    });
    current = [];
    bytes = 0;
  };
  for (const logEvent of logEvents) {
    const size = Buffer.byteLength(logEvent.message, "utf8") + EVENT_OVERHEAD_BYTES;
    const target = batchSizes[batches.length % batchSizes.length] ?? MAX_EVENTS_PER_BATCH;
    if (current.length > 0 && (current.length >= target || bytes + size > MAX_BATCH_BYTES)) close();
    current.push(logEvent);
    bytes += size;
  }
  close();
  return batches;
}
