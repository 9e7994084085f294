/**
 * Builders of CloudWatch Logs subscription events for tests: `{"awslogs":{"data": base64(gzip(JSON))}}`.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

/** The subscription event Lambda receives. */
export interface SubscriptionEvent {
  readonly awslogs: { readonly data: string };
}

/** One log event of a payload. */
export interface TestLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** Directory of the sample inputs (copies of the team's shared real-format samples). */
export const SAMPLES_DIR = new URL("../fixtures/samples/", import.meta.url);

/** Timestamp of the first generated log event: 2025-11-30T00:00:00.000Z, in ms since the epoch. */
export const BASE_TIMESTAMP = 1_764_460_800_000;

/** First generated log event id (CloudWatch Logs ids are 56-digit decimal strings). */
export const BASE_EVENT_ID = 38_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** Wraps raw bytes as `awslogs.data` (base64 only: the bytes must already be gzip for a valid event). */
export function eventFromBytes(bytes: Uint8Array): SubscriptionEvent {
  return { awslogs: { data: Buffer.from(bytes).toString("base64") } };
}

/** Encodes any JSON value as a subscription event: base64(gzip(JSON.stringify(payload))). */
export function eventFromPayload(payload: unknown): SubscriptionEvent {
  return eventFromBytes(gzipSync(JSON.stringify(payload)));
}

/**
 * Log events for the given messages: ids count up from {@link BASE_EVENT_ID}, timestamps from
 * `firstTimestamp` one ms apart.
 */
export function logEvents(messages: readonly string[], firstTimestamp = BASE_TIMESTAMP): TestLogEvent[] {
  return messages.map((message, index) => ({
    id: String(BASE_EVENT_ID + BigInt(index)),
    timestamp: firstTimestamp + index,
    message,
  }));
}

/** A `DATA_MESSAGE` payload; `overrides` replaces any top-level field. */
export function dataPayload(events: readonly unknown[], overrides: Record<string, unknown> = {}) {
  return {
    messageType: "DATA_MESSAGE",
    owner: "111122223333",
    logGroup: "aws-waf-logs-example",
    logStream: "us-east-1_example-web-acl_0",
    subscriptionFilters: ["waf-log-pipeline"],
    logEvents: events,
    ...overrides,
  };
}

/** A `DATA_MESSAGE` subscription event carrying `messages` as log events (see {@link logEvents}). */
export function subscriptionEvent(
  messages: readonly string[],
  overrides: Record<string, unknown> = {},
): SubscriptionEvent {
  return eventFromPayload(dataPayload(logEvents(messages), overrides));
}

/** Reads a sample file of `__tests__/fixtures/samples/` as text. */
export function readSample(name: string): string {
  return readFileSync(new URL(name, SAMPLES_DIR), "utf8");
}

/** Reads a sample subscription event, e.g. `cwl-data-message.json`. */
export function readSampleEvent(name: string): SubscriptionEvent {
  return JSON.parse(readSample(name)) as SubscriptionEvent;
}

/** The WAF records of `waf-records.ndjson`, one string per line, byte for byte. */
export function sampleRecords(): string[] {
  return readSample("waf-records.ndjson").replace(/\n$/, "").split("\n");
}
