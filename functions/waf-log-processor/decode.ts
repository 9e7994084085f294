/**
 * Decoding of CloudWatch Logs subscription events: `{"awslogs":{"data": base64(gzip(JSON))}}`.
 *
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 *
 * Every way the input can be unreadable has its own error class, so the message (and the
 * on-failure record Lambda keeps) says which step failed: the event's shape, base64, gzip, JSON,
 * or the payload's shape.
 */
import { isUtf8 } from "node:buffer";
import { createGunzip } from "node:zlib";
import * as z from "zod/mini";
import { describeIssues } from "./zod";

/** One log event of a subscription payload. */
export interface LogEvent {
  /** CloudWatch Logs log event id (a decimal string of up to 56 digits). */
  readonly id: string;
  /** When the event was logged, in ms since the Unix epoch (UTC). */
  readonly timestamp: number;
  /** The log event's text, exactly as it was logged (for WAF: one JSON record). */
  readonly message: string;
}

/** A `DATA_MESSAGE` payload: log events of one log stream. */
export interface DataPayload {
  readonly messageType: "DATA_MESSAGE";
  /** AWS account id that owns the log group. */
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  /** Names of the subscription filters that matched. */
  readonly subscriptionFilters: readonly string[];
  /** Log events in the order CloudWatch Logs delivered them (possibly empty). */
  readonly logEvents: readonly LogEvent[];
}

/** A `CONTROL_MESSAGE` payload: CloudWatch Logs' health check of the destination, nothing to write. */
export interface ControlPayload {
  readonly messageType: "CONTROL_MESSAGE";
  readonly logGroup?: string;
  readonly logStream?: string;
  /** Number of log events in the payload (control messages carry one explanatory event). */
  readonly logEventCount: number;
}

/**
 * How the log events' `id` and `message` strings hold their text:
 * - `string`: as JavaScript strings (what `JSON.parse` of the UTF-8 payload gives);
 * - `utf8-bytes`: one character per UTF-8 byte of that text (code units 0–255, what `JSON.parse`
 *   of the payload read as Latin-1 gives). Writing such a string with `Buffer.write(s, "latin1")`
 *   gives exactly the UTF-8 bytes of the `string` form; `Buffer.from(s, "latin1").toString("utf8")`
 *   gives the `string` form.
 */
export type MessageText = "string" | "utf8-bytes";

/** The decoded subscription event. `decoded` is the gunzipped payload, `bytes` its length in bytes. */
export type DecodedEvent =
  | {
      readonly kind: "data";
      readonly payload: DataPayload;
      readonly decoded: Buffer;
      /** How the log events' `message` strings hold their text (ids are always plain strings). */
      readonly messageText: MessageText;
    }
  | { readonly kind: "control"; readonly payload: ControlPayload; readonly decoded: Buffer };

/** Which decoding step failed. */
export type DecodeErrorKind = "event-shape" | "base64" | "gzip" | "size" | "json" | "payload-shape";

/** Base class of every error thrown for an unreadable subscription event. */
export class SubscriptionEventError extends Error {
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The event is not `{"awslogs":{"data":"<string>"}}`. */
export class EventShapeError extends SubscriptionEventError {
  constructor(message: string) {
    super("event-shape", message);
  }
}

/** `awslogs.data` is not standard base64 (RFC 4648 §4, with padding). */
export class InvalidBase64Error extends SubscriptionEventError {
  constructor(message: string) {
    super("base64", message);
  }
}

/** The base64-decoded bytes are not a complete gzip stream. */
export class NotGzipError extends SubscriptionEventError {
  constructor(message: string) {
    super("gzip", message);
  }
}

/** The gunzipped payload would be larger than the configured cap (`MAX_PAYLOAD_BYTES`). */
export class PayloadTooLargeError extends SubscriptionEventError {
  constructor(message: string) {
    super("size", message);
  }
}

/** The gunzipped bytes are not JSON. */
export class InvalidJsonError extends SubscriptionEventError {
  constructor(message: string) {
    super("json", message);
  }
}

/** The JSON is not a subscription payload of the documented shape. */
export class PayloadShapeError extends SubscriptionEventError {
  constructor(message: string) {
    super("payload-shape", message);
  }
}

/** Latest timestamp `Date` can format: 9999-12-31T23:59:59.999Z, in ms since the epoch. */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

const eventSchema = z.object({ awslogs: z.object({ data: z.string() }) });

export const messageTypeSchema = z.object({ messageType: z.string() });

export const logEventSchema = z.object({
  id: z.string().check(z.minLength(1)),
  timestamp: z.int().check(z.minimum(0), z.maximum(MAX_TIMESTAMP_MS)),
  message: z.string(),
});

const envelopeFields = {
  messageType: z.literal("DATA_MESSAGE"),
  owner: z.string(),
  logGroup: z.string().check(z.minLength(1)),
  logStream: z.string().check(z.minLength(1)),
  subscriptionFilters: z.array(z.string()),
};

/** The whole `DATA_MESSAGE` payload: the authority on what is valid, and the source of error messages. */
const dataPayloadSchema = z.object({ ...envelopeFields, logEvents: z.array(logEventSchema) });

/** The payload without looking into the log events (checked by {@link isLogEventList} first). */
export const dataEnvelopeSchema = z.object({ ...envelopeFields, logEvents: z.array(z.unknown()) });

/**
 * Fast structural check of the log events, accepting nothing that {@link logEventSchema} rejects
 * (it only saves zod's per-event object copies on the hot path). When it finds anything, the full
 * schema decides and names the failing paths.
 */
export function isLogEventList(logEvents: readonly unknown[]): logEvents is LogEvent[] {
  for (const event of logEvents) {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
    const { id, timestamp, message } = event as Record<string, unknown>;
    if (typeof id !== "string" || id.length === 0 || typeof message !== "string") return false;
    if (
      !Number.isSafeInteger(timestamp) ||
      (timestamp as number) < 0 ||
      (timestamp as number) > MAX_TIMESTAMP_MS
    ) {
      return false;
    }
  }
  return true;
}

export const controlPayloadSchema = z.object({
  messageType: z.literal("CONTROL_MESSAGE"),
  logGroup: z.optional(z.string()),
  logStream: z.optional(z.string()),
  logEvents: z.optional(z.array(z.unknown())),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_CHAR = /[A-Za-z0-9+/]/;

/**
 * Decodes standard base64 strictly. Node's `Buffer.from(s, "base64")` never throws (it skips
 * characters outside the alphabet and accepts the URL-safe alphabet), so the text is checked first.
 *
 * @param text base64 text, padded to a multiple of 4 characters, no whitespace.
 * @returns the decoded bytes.
 * @throws InvalidBase64Error naming the first offending character (0-based offset) or the bad length.
 */
export function decodeBase64(text: string): Buffer {
  // Fast path: Node skips characters outside the alphabet (so the length comes out short) and
  // accepts the URL-safe "-" and "_" (so look for them); anything off falls to the exact check.
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = Buffer.from(text, "base64");
  if (
    text.length % 4 === 0 &&
    bytes.length === (text.length / 4) * 3 - padding &&
    !text.includes("-") &&
    !text.includes("_")
  ) {
    return bytes;
  }
  if (!BASE64.test(text)) {
    const body = text.replace(/=+$/, "");
    let offset = 0;
    while (offset < body.length && BASE64_CHAR.test(body.charAt(offset))) offset++;
    const found = offset < body.length ? body.charAt(offset) : "=";
    throw new InvalidBase64Error(
      found === "="
        ? `awslogs.data is not valid base64: padding "=" at offset ${offset} is not one or two characters at the end`
        : `awslogs.data is not valid base64: character ${JSON.stringify(found)} at offset ${offset} is not in the base64 alphabet`,
    );
  }
  throw new InvalidBase64Error(
    text.length % 4 !== 0
      ? `awslogs.data is not valid base64: length ${text.length} is not a multiple of 4`
      : `awslogs.data is not valid base64: it decodes to ${bytes.length} bytes, expected ${(text.length / 4) * 3 - padding}`,
  );
}

/** Bytes the gunzip stream hands over at a time (zlib's output chunk). */
export const GUNZIP_CHUNK_BYTES = 128 * 1024;

/**
 * Gunzips one complete gzip stream (several members, as `gunzipSync` reads them), stopping as soon
 * as the output grows past `maxBytes`, so a small payload that inflates to gigabytes ("gzip bomb")
 * costs at most `maxBytes` plus one chunk of memory.
 *
 * @param bytes the base64-decoded `awslogs.data`.
 * @param maxBytes most decompressed bytes accepted. @default no limit
 * @returns the decompressed bytes.
 * @throws NotGzipError when the bytes lack the gzip magic number (1f 8b) or the stream is corrupt or
 *   truncated; PayloadTooLargeError naming the cap and the bytes decompressed when it stopped.
 */
export async function gunzipData(bytes: Buffer, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  checkGzipMagic(bytes);
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  const chunks: Buffer[] = [];
  let size = 0;
  gunzip.end(bytes);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw payloadTooLarge(maxBytes, size);
      chunks.push(chunk);
    }
  } catch (error) {
    gunzip.destroy();
    if (error instanceof PayloadTooLargeError) throw error;
    throw new NotGzipError(`awslogs.data is not valid gzip: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks, size);
}

/** @throws NotGzipError when `bytes` do not start with the gzip magic number 1f 8b. */
export function checkGzipMagic(bytes: Uint8Array): void {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new NotGzipError(
      `awslogs.data is not gzip: the decoded ${bytes.length} bytes do not start with the gzip magic number 1f 8b`,
    );
  }
}

/** The error for a payload that decompressed past `maxBytes`; `reached` is what had come out when it stopped. */
export function payloadTooLarge(maxBytes: number, reached: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `awslogs.data decompresses to more than the cap of ${maxBytes} bytes (MAX_PAYLOAD_BYTES): stopped after ${reached} bytes`,
  );
}

/**
 * Parses and validates a gunzipped subscription payload.
 *
 * @param decoded UTF-8 JSON bytes.
 * @returns `data` for a valid `DATA_MESSAGE`; `control` for a `CONTROL_MESSAGE`.
 * @throws InvalidJsonError when the bytes are not JSON; PayloadShapeError listing every failed path
 *   (e.g. `logEvents.2.timestamp: Invalid input: expected number, received string`), or naming a
 *   `messageType` that is not exactly `DATA_MESSAGE` or `CONTROL_MESSAGE` (so an unknown or
 *   misspelt type is kept by the on-failure destination instead of being skipped).
 */
export function parsePayload(decoded: Buffer): DecodedEvent {
  let json: unknown;
  try {
    json = JSON.parse(decoded.toString("utf8"));
  } catch (error) {
    throw new InvalidJsonError(`awslogs.data does not contain valid JSON: ${(error as Error).message}`);
  }
  const kind = messageTypeSchema.safeParse(json);
  if (!kind.success) {
    throw new PayloadShapeError(`awslogs.data payload has the wrong shape: ${describeIssues(kind.error)}`);
  }
  const { messageType } = kind.data;
  if (messageType !== "DATA_MESSAGE" && messageType !== "CONTROL_MESSAGE")
    throw unknownMessageType(messageType);
  if (messageType === "CONTROL_MESSAGE") {
    const control = controlPayloadSchema.safeParse(json);
    if (!control.success) {
      throw new PayloadShapeError(
        `awslogs.data payload has the wrong shape: ${describeIssues(control.error)}`,
      );
    }
    const { logGroup, logStream, logEvents } = control.data;
    return {
      kind: "control",
      payload: { messageType, logGroup, logStream, logEventCount: logEvents?.length ?? 0 },
      decoded,
    };
  }
  const envelope = dataEnvelopeSchema.safeParse(json);
  if (envelope.success && isLogEventList(envelope.data.logEvents)) {
    return {
      kind: "data",
      payload: { ...envelope.data, messageType: "DATA_MESSAGE", logEvents: envelope.data.logEvents },
      decoded,
      messageText: "string",
    };
  }
  const data = dataPayloadSchema.safeParse(json);
  if (!data.success) {
    throw new PayloadShapeError(`awslogs.data payload has the wrong shape: ${describeIssues(data.error)}`);
  }
  return { kind: "data", payload: data.data, decoded, messageText: "string" };
}

/** The error for a `messageType` that is neither `DATA_MESSAGE` nor `CONTROL_MESSAGE` (compared exactly). */
export function unknownMessageType(found: string): PayloadShapeError {
  return new PayloadShapeError(
    `awslogs.data payload has messageType ${JSON.stringify(found)}; expected exactly "DATA_MESSAGE" or "CONTROL_MESSAGE"`,
  );
}

const NON_ASCII = /[\u0080-\uffff]/;

/** The text of a `utf8-bytes` string (see {@link MessageText}) as a JavaScript string. */
export function fromUtf8Bytes(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, "latin1").toString("utf8") : text;
}

/**
 * The fast path of {@link parsePayload} for a valid `DATA_MESSAGE`: `JSON.parse` of the payload read
 * as Latin-1 (one character per byte, no UTF-8 decoding), keeping the messages as `utf8-bytes`.
 *
 * Taken only when the payload is valid UTF-8 and holds no `\u` at all, so every non-ASCII character
 * comes from a raw UTF-8 byte inside a string (JSON allows non-ASCII nowhere else) and never from a
 * `\uXXXX` escape: then each string parses to exactly the UTF-8 bytes of what the UTF-8 reading
 * gives, both readings accept the same texts, and the ASCII-only field names and `messageType`
 * compare the same. The envelope's names and the log event ids are turned back into plain strings.
 *
 * @returns undefined when the condition does not hold or the payload is anything but a valid
 *   `DATA_MESSAGE` (the caller then takes the plain path, which gives the canonical result or error).
 */
function parseDataPayloadAsBytes(decoded: Buffer): DecodedEvent | undefined {
  if (!isUtf8(decoded) || decoded.includes("\\u")) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(decoded.toString("latin1"));
  } catch {
    return undefined;
  }
  const envelope = dataEnvelopeSchema.safeParse(json);
  if (!envelope.success || !isLogEventList(envelope.data.logEvents)) return undefined;
  const { owner, logGroup, logStream, subscriptionFilters, logEvents } = envelope.data;
  for (const event of logEvents as { id: string }[]) event.id = fromUtf8Bytes(event.id);
  return {
    kind: "data",
    payload: {
      messageType: "DATA_MESSAGE",
      owner: fromUtf8Bytes(owner),
      logGroup: fromUtf8Bytes(logGroup),
      logStream: fromUtf8Bytes(logStream),
      subscriptionFilters: subscriptionFilters.map(fromUtf8Bytes),
      logEvents,
    },
    decoded,
    messageText: "utf8-bytes",
  };
}

/**
 * The compressed payload of a subscription event: `awslogs.data`, base64-decoded.
 *
 * @throws EventShapeError when the event is not `{"awslogs":{"data":"<string>"}}`; InvalidBase64Error.
 */
export function eventData(event: unknown): Buffer {
  const shape = eventSchema.safeParse(event);
  if (!shape.success) {
    throw new EventShapeError(
      `Subscription event has the wrong shape (expected {"awslogs":{"data":"<base64>"}}): ${describeIssues(shape.error)}`,
    );
  }
  return decodeBase64(shape.data.awslogs.data);
}

/** Options of {@link decodeSubscriptionEvent}. */
export interface DecodeOptions {
  /**
   * Allow the log event messages of a `DATA_MESSAGE` to come back as `utf8-bytes` (see
   * {@link MessageText}; the result's `messageText` says which form was used), which saves decoding
   * the payload's UTF-8 into UTF-16 and encoding the messages back. @default false (plain strings)
   */
  readonly utf8ByteMessages?: boolean;
  /** Most bytes the payload may decompress to (see {@link gunzipData}). @default no limit */
  readonly maxPayloadBytes?: number;
}

/**
 * Decodes a CloudWatch Logs subscription event delivered to Lambda.
 *
 * @param event `{"awslogs":{"data": base64(gzip(JSON payload))}}`, see
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 * @param options see {@link DecodeOptions}.
 * @returns the validated payload, the gunzipped bytes, and how the messages hold their text.
 * @throws EventShapeError, InvalidBase64Error, NotGzipError, PayloadTooLargeError, InvalidJsonError
 *   or PayloadShapeError (all `SubscriptionEventError`s): the class and message say which step failed.
 */
export async function decodeSubscriptionEvent(
  event: unknown,
  options: DecodeOptions = {},
): Promise<DecodedEvent> {
  const decoded = await gunzipData(eventData(event), options.maxPayloadBytes);
  return (options.utf8ByteMessages ? parseDataPayloadAsBytes(decoded) : undefined) ?? parsePayload(decoded);
}
