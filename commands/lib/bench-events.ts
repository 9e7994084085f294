/**
 * The subscription events `npm run bench` measures peak memory on: a realistic event as large as
 * CloudWatch Logs makes them, and compressible ones that inflate about a hundredfold.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 */
import { gzipSync } from "node:zlib";
import type { CloudWatchLogsEvent, CloudWatchLogsLogEvent } from "aws-lambda";
import { encodeSubscriptionEvent, EVENT_OVERHEAD_BYTES, type BatchSource } from "./subscription-event";
import { generateWafLogEvents } from "./waf-records";

/** The log group and stream the bench's events claim to come from. */
export const BENCH_SOURCE: BatchSource = {
  owner: "111122223333",
  logGroup: "aws-waf-logs-shop-prod",
  logStream: "us-east-1_shop-prod_0",
  subscriptionFilters: ["waf-log-pipeline"],
};

const FIRST_ID = 38_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
const FIRST_TIMESTAMP = 1_764_460_800_000;

/**
 * A realistic event: generated WAF records (seed `seed`) in one payload, as many as fit in
 * `messageBytes` counted as CloudWatch Logs counts a batch (messages plus 26 bytes each). With
 * 1,048,576 (CloudWatch Logs' batch limit) it is the largest event CloudWatch Logs delivers; larger
 * sizes go past it (for the memory sweep) and ignore the 10,000-event limit.
 */
export function realisticEvent(messageBytes: number, seed: number): CloudWatchLogsEvent {
  const logEvents: CloudWatchLogsLogEvent[] = [];
  let bytes = 0;
  for (let batch = 0; bytes < messageBytes; batch++) {
    for (const logEvent of generateWafLogEvents({ count: 1_000, seed: seed * 1_000 + batch })) {
      const size = Buffer.byteLength(logEvent.message) + EVENT_OVERHEAD_BYTES;
      if (bytes + size > messageBytes) return encode(logEvents);
      logEvents.push({ ...logEvent, id: String(FIRST_ID + BigInt(logEvents.length)) });
      bytes += size;
    }
  }
  return encode(logEvents);
}

function encode(logEvents: CloudWatchLogsLogEvent[]): CloudWatchLogsEvent {
  return encodeSubscriptionEvent({
    messageType: "DATA_MESSAGE",
    ...BENCH_SOURCE,
    subscriptionFilters: [...BENCH_SOURCE.subscriptionFilters],
    logEvents,
  });
}

/** The longest generated WAF record of seed 3 (2,575 bytes): repeated, it compresses about 130:1. */
function repeatedRecord(): string {
  const records = generateWafLogEvents({ count: 200, seed: 3, nonJsonShare: 0 });
  return records.reduce((a, b) => (b.message.length > a.message.length ? b : a)).message;
}

/** Log events `from`..`from + count - 1`, all with the same message, ids and ms counting up. */
function repeatedLogEvents(message: string, from: number, count: number): CloudWatchLogsLogEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    id: String(FIRST_ID + BigInt(from + n)),
    timestamp: FIRST_TIMESTAMP + from + n,
    message,
  }));
}

/**
 * A compressible event: one WAF record repeated with counting ids, as many times as fit in
 * `decodedBytes` of payload JSON, gzipped at level 9 (one gzip member, as CloudWatch Logs sends).
 * 97.5 MB give an event of about 1.03 MB (its base64 under 1 MiB).
 */
export function compressibleEvent(decodedBytes: number): CloudWatchLogsEvent {
  const message = repeatedRecord();
  const perEvent = JSON.stringify(repeatedLogEvents(message, 0, 1)[0]).length + 1;
  const envelope = JSON.stringify({ messageType: "DATA_MESSAGE", ...BENCH_SOURCE, logEvents: [] }).length;
  const count = Math.max(1, Math.floor((decodedBytes - envelope) / perEvent));
  const payload = {
    messageType: "DATA_MESSAGE",
    ...BENCH_SOURCE,
    logEvents: repeatedLogEvents(message, 0, count),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(payload), { level: 9 }).toString("base64") } };
}

/**
 * A compressible payload of `copies` × about `blockBytes`, built cheaply as several gzip members
 * (RFC 1952 §2.2; zlib reads them as one stream): the envelope and the first block, then the same
 * block of log events again and again, then the closing brackets. Ids repeat across blocks, which
 * the processor does not mind. For the memory sweep, where single-member events of this size
 * would take minutes to compress.
 */
export function repeatedBlockEvent(blockBytes: number, copies: number): CloudWatchLogsEvent {
  const message = repeatedRecord();
  const perEvent = JSON.stringify(repeatedLogEvents(message, 0, 1)[0]).length + 1;
  const block = JSON.stringify(
    repeatedLogEvents(message, 0, Math.max(1, Math.floor(blockBytes / perEvent))),
  ).slice(1, -1);
  const head = JSON.stringify({ messageType: "DATA_MESSAGE", ...BENCH_SOURCE, logEvents: [] }).slice(0, -2);
  const next = gzipSync(`,${block}`, { level: 6 });
  const members = [
    gzipSync(`${head}${block}`, { level: 6 }),
    ...Array<Buffer>(copies - 1).fill(next),
    gzipSync("]}"),
  ];
  return { awslogs: { data: Buffer.concat(members).toString("base64") } };
}
