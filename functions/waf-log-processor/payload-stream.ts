/**
 * Streaming decoder of CloudWatch Logs subscription events: `awslogs.data` is gunzipped in chunks,
 * and the payload JSON is read as it arrives; each log event goes to a callback as soon as its
 * closing brace is in, so neither the decompressed payload nor its log events are ever held whole.
 *
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 *
 * What it accepts and rejects is what {@link decodeSubscriptionEvent} (the whole-payload reference,
 * `JSON.parse` of the payload) accepts and rejects, with the same error classes; a differential test
 * runs both on valid, mutated and truncated payloads. Messages of JSON errors differ: they name the
 * log event or byte offset where the text stops being JSON.
 */
import { isAscii, isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { createGunzip, gunzipSync, type ZlibOptions } from "node:zlib";
import {
  checkGzipMagic,
  controlPayloadSchema,
  dataEnvelopeSchema,
  eventData,
  fromUtf8Bytes,
  GUNZIP_CHUNK_BYTES,
  InvalidJsonError,
  isLogEventList,
  logEventSchema,
  MAX_TIMESTAMP_MS,
  messageTypeSchema,
  NotGzipError,
  parsePayload,
  PayloadShapeError,
  payloadTooLarge,
  unknownMessageType,
  type ControlPayload,
  type DataPayload,
  type LogEvent,
  type MessageText,
} from "./decode";
import { BufferPool } from "./buffer-pool";
import { DIGEST_HEX_LENGTH } from "./object-key";
import { describeIssues } from "./zod";

/**
 * Most bytes one JSON value of the payload may take (a log event, or an envelope member), so a
 * hostile payload cannot make the reader hold a giant value: 8 MiB, eight times CloudWatch Logs'
 * largest log event (1 MB, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
 */
export const MAX_VALUE_BYTES = 8 * 1024 * 1024;

/**
 * Gunzip settings: output in chunks of {@link GUNZIP_CHUNK_BYTES}, and up to 1 MiB decompressed
 * ahead on the thread pool while the reader works on earlier chunks. (zlib passes stream options on
 * to its Transform; @types/node lists only zlib's own.)
 */
const GUNZIP_OPTIONS: ZlibOptions & { readableHighWaterMark: number } = {
  chunkSize: GUNZIP_CHUNK_BYTES,
  readableHighWaterMark: 1024 * 1024,
};

/**
 * Payloads whose gzip trailer says they decompress to at most this many bytes are gunzipped in one
 * step on the calling thread and then read chunk by chunk, as if streamed: 2 MiB, above what one
 * CloudWatch Logs delivery holds (1,048,576 bytes of log events, counted as message bytes plus 26
 * each, https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html;
 * the largest realistic payload is about 1.2 MB with its JSON escapes). That spares the thread-pool
 * round trips of a stream, which cost more than the gunzip of such a payload (`npm run bench`).
 * Memory stays bounded: the output is capped at this size whatever the trailer says (ISIZE is the
 * last member's length modulo 2^32, RFC 1952 §2.3.1, so it proves nothing). A larger payload, a
 * trailer that lies, or any gunzip error sends the payload down the stream, which decides every
 * error exactly as before.
 */
export const WHOLE_PAYLOAD_BYTES = 2 * 1024 * 1024;

/** The smallest gzip member: 10 bytes of header, an empty deflate block and 8 bytes of trailer. */
const MIN_GZIP_BYTES = 20;

/**
 * Whether to read a log event's bytes as Latin-1 (messages as their UTF-8 bytes, see `MessageText`):
 * only when they are valid UTF-8 with non-ASCII bytes and no `\u` escape. ASCII text reads the same
 * either way and UTF-8 decoding of ASCII is fast, which spares the search for `\u`.
 */
function readAsBytes(bytes: Buffer): boolean {
  return !isAscii(bytes) && isUtf8(bytes) && bytes.indexOf(BACKSLASH_U) < 0;
}

/** Most problems listed in one PayloadShapeError. */
const MAX_LISTED_ISSUES = 20;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BACKSLASH_U = Buffer.from("\\u", "latin1");
/**
 * What follows a log event that is not the last, as CloudWatch Logs writes the payload
 * (`…"message":"…"},{"id":"…`). In valid JSON these bytes occur only outside strings: inside one,
 * the quote before `id` would have to be escaped (`\"`), or it would end the string and leave `id`
 * where JSON allows no letter. See {@link PayloadReader.quickLogEvent}.
 */
const NEXT_LOG_EVENT = Buffer.from('},{"id":"', "latin1");

/**
 * Log events of at least this many bytes take the direct path when the caller accepts message
 * bytes (`onLogEventBytes`): see {@link PayloadReader.directLogEvent}. Below it the strings
 * `JSON.parse` makes are small, and the direct path for every log event was no faster on bench's
 * generated records (CPU time per pass, A/B at load 7: 409–472 ms against 387–409 ms).
 */
export const DIRECT_LOG_EVENT_BYTES = 64 * 1024;
/** How CloudWatch Logs writes a log event, up to its id's digits, and between the members. */
const ID_MEMBER = Buffer.from('{"id":"', "latin1");
const TIMESTAMP_MEMBER = Buffer.from('","timestamp":', "latin1");
const MESSAGE_MEMBER = Buffer.from(',"message":"', "latin1");
/** What each JSON escape character (the byte after a backslash) stands for; 0 for none (`u` included). */
const UNESCAPED = new Uint8Array(128);
for (const [escape, byte] of [
  ['"', 0x22],
  ["\\", 0x5c],
  ["/", 0x2f],
  ["b", 0x08],
  ["f", 0x0c],
  ["n", 0x0a],
  ["r", 0x0d],
  ["t", 0x09],
] as const) {
  UNESCAPED[escape.charCodeAt(0)] = byte;
}

/** Whether `buffer` holds `literal` at `at`. */
function hasAt(buffer: Buffer, at: number, literal: Buffer): boolean {
  if (at + literal.length > buffer.length) return false;
  for (let k = 0; k < literal.length; k++) if (buffer[at + k] !== literal[k]) return false;
  return true;
}

// Where the reader is in the payload `{"name": value, …, "logEvents": [ {…}, … ], …}`.
const BEFORE_OBJECT = 0;
const FIRST_NAME_OR_END = 1;
const NAME = 2;
const IN_NAME = 3;
const COLON_NEXT = 4;
const VALUE = 5;
const IN_VALUE = 6;
const AFTER_MEMBER = 7;
const FIRST_EVENT_OR_END = 8;
const EVENT = 9;
const IN_EVENT = 10;
const AFTER_EVENT = 11;
const DONE = 12;

const STATE_NAMES = [
  "before the payload's opening brace",
  "after the payload's opening brace",
  "where a member name belongs",
  "inside a member name",
  "before a colon",
  "where a member value belongs",
  "inside a member value",
  "after a member",
  "after the opening bracket of logEvents",
  "where a log event belongs",
  "inside a log event",
  "after a log event",
  "after the payload's end",
];

// What kind of value is being scanned.
const STRING = 0;
const CONTAINER = 1;
const SCALAR = 2;

function isWhitespace(code: number): boolean {
  return code === SPACE || code === LF || code === CR || code === TAB;
}

/** A character for messages: printable ASCII as is, anything else as its hex byte. */
function describeByte(code: number): string {
  return code > 0x20 && code < 0x7f
    ? JSON.stringify(String.fromCharCode(code))
    : `byte 0x${code.toString(16)}`;
}

/** The decoded payload, without its log events (those went to the callback). */
export type StreamedPayload =
  | {
      readonly kind: "data";
      readonly payload: Omit<DataPayload, "logEvents">;
      /** Log events in the payload. */
      readonly logEventCount: number;
      /** The first log event's id and timestamp (none for an empty `logEvents`). */
      readonly firstLogEvent?: Pick<LogEvent, "id" | "timestamp">;
      /** Gunzipped payload bytes. */
      readonly decodedBytes: number;
      /** See `payloadDigest`: SHA-256 of the gunzipped bytes, hex, cut to 32 characters. */
      readonly digest: string;
    }
  | {
      readonly kind: "control";
      readonly payload: ControlPayload;
      readonly decodedBytes: number;
      readonly digest: string;
    };

/** Options of {@link streamSubscriptionEvent}. */
export interface StreamOptions {
  /** Most bytes the payload may decompress to (see `PayloadTooLargeError`). @default no limit */
  readonly maxPayloadBytes?: number;
  /**
   * Receives every well-formed log event, in order, as soon as it has been read (also those of a
   * payload that later turns out invalid: the call then rejects, and what was received must be dropped).
   * `messageText` says how `message` holds its text; ids are plain strings.
   */
  readonly onLogEvent: (event: LogEvent, messageText: MessageText) => void;
  /** Called after each decompressed chunk has been read; awaited when it returns a promise (backpressure). */
  readonly afterChunk?: () => Promise<void> | undefined;
  /**
   * Receives, instead of `onLogEvent`, a log event of at least `directLogEventBytes` bytes written
   * exactly as CloudWatch Logs writes one (`{"id":"<digits>","timestamp":<digits>,"message":"…"}`,
   * valid UTF-8, no `\u` escape): its id and timestamp, and its message as UTF-8 bytes, unescaped
   * straight from the payload (the bytes are valid only during the call). Without it, every log
   * event goes to `onLogEvent`.
   */
  readonly onLogEventBytes?: (event: Pick<LogEvent, "id" | "timestamp">, message: Buffer) => void;
  /** See `onLogEventBytes`. @default {@link DIRECT_LOG_EVENT_BYTES} */
  readonly directLogEventBytes?: number;
  /** See {@link WHOLE_PAYLOAD_BYTES}; 0 streams every payload. @default {@link WHOLE_PAYLOAD_BYTES} */
  readonly wholePayloadBytes?: number;
}

/**
 * The reader's buffers and message scratch, kept between invocations (see `BufferPool`): up to 4,
 * of at most 4 MiB each (what the largest CloudWatch Logs log event, 1 MB, and its chunk need).
 */
const readerBuffers = new BufferPool(4, 4 * 1024 * 1024);

/**
 * Reads the payload JSON from chunks, keeping only the value being read (at most
 * {@link MAX_VALUE_BYTES}) and the envelope members. Every byte outside values is checked against
 * the JSON grammar here; every value is checked by `JSON.parse` when complete.
 */
export class PayloadReader {
  /** Bytes not yet consumed: `buffer[0, length)`, payload offset `offset` at `buffer[0]`. */
  private buffer = readerBuffers.take(4 * GUNZIP_CHUNK_BYTES);
  private length = 0;
  private offset = 0;
  /** Next byte to read. */
  private pos = 0;
  /** Start of the value or name being read, or -1. */
  private valueStart = -1;
  private valueKind = STRING;
  /** Open containers inside the value being read. */
  private depth = 0;
  /** Whether the container scan stopped inside a string. */
  private inString = false;
  private state = BEFORE_OBJECT;
  private name = "";
  private eventsSeen = false;
  /** Every chunk, when the payload does not start with `{` (then the reference decoder gives the error). */
  private whole: Buffer[] | undefined;

  readonly envelope = new Map<string, unknown>();
  logEventCount = 0;
  firstLogEvent: Pick<LogEvent, "id" | "timestamp"> | undefined;
  readonly eventIssues: string[] = [];
  eventIssueCount = 0;

  /** Where {@link directLogEvent} unescapes a message; grows to the largest one. */
  private scratch: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onLogEvent: StreamOptions["onLogEvent"],
    private readonly onLogEventBytes?: StreamOptions["onLogEventBytes"],
    private readonly directLogEventBytes: number = DIRECT_LOG_EVENT_BYTES,
  ) {}

  push(chunk: Buffer): void {
    if (this.whole !== undefined) {
      this.whole.push(chunk);
      return;
    }
    const keep = this.valueStart >= 0 ? this.valueStart : this.pos;
    const kept = this.length - keep;
    if (kept + chunk.length > this.buffer.length) {
      const needed = kept + chunk.length;
      const grown = readerBuffers.take(needed, Math.max(this.buffer.length * 2, needed));
      this.buffer.copy(grown, 0, keep, this.length);
      readerBuffers.give(this.buffer);
      this.buffer = grown;
    } else if (keep > 0 && kept > 0) {
      this.buffer.copyWithin(0, keep, this.length);
    }
    chunk.copy(this.buffer, kept);
    this.offset += keep;
    this.length = kept + chunk.length;
    this.pos -= keep;
    if (this.valueStart >= 0) this.valueStart -= keep;
    this.read();
  }

  private invalid(what: string): InvalidJsonError {
    return new InvalidJsonError(`awslogs.data does not contain valid JSON: ${what}`);
  }

  /** Moves past whitespace; returns the next byte, or -1 when the buffer is used up. */
  private next(): number {
    const { buffer, length } = this;
    let { pos } = this;
    while (pos < length && isWhitespace(buffer[pos]!)) pos++;
    this.pos = pos;
    return pos < length ? buffer[pos]! : -1;
  }

  private unexpected(code: number): InvalidJsonError {
    return this.invalid(
      `unexpected ${describeByte(code)} at byte ${this.offset + this.pos} (${STATE_NAMES[this.state]})`,
    );
  }

  private read(): void {
    for (;;) {
      switch (this.state) {
        case BEFORE_OBJECT: {
          const code = this.next();
          if (code < 0) return;
          if (code !== OPEN_BRACE) {
            // Not an object: no subscription payload. Keep the bytes for the reference's error.
            this.whole = [this.buffer.subarray(this.pos, this.length)];
            this.buffer = Buffer.alloc(0);
            return;
          }
          this.pos++;
          this.state = FIRST_NAME_OR_END;
          break;
        }
        case FIRST_NAME_OR_END:
        case NAME: {
          const code = this.next();
          if (code < 0) return;
          if (code === CLOSE_BRACE && this.state === FIRST_NAME_OR_END) {
            this.pos++;
            this.state = DONE;
            break;
          }
          if (code !== QUOTE) throw this.unexpected(code);
          this.startValue(STRING);
          this.state = IN_NAME;
          break;
        }
        case IN_NAME: {
          if (!this.scanValue()) return;
          this.name = this.parseValue() as string;
          this.state = COLON_NEXT;
          break;
        }
        case COLON_NEXT: {
          const code = this.next();
          if (code < 0) return;
          if (code !== COLON) throw this.unexpected(code);
          this.pos++;
          this.state = VALUE;
          break;
        }
        case VALUE: {
          const code = this.next();
          if (code < 0) return;
          if (this.name === "logEvents") {
            if (this.eventsSeen) {
              throw new PayloadShapeError(
                "awslogs.data payload has the wrong shape: logEvents: appears more than once",
              );
            }
            if (code === OPEN_BRACKET) {
              this.eventsSeen = true;
              this.envelope.delete("logEvents");
              this.pos++;
              this.state = FIRST_EVENT_OR_END;
              break;
            }
          }
          this.startValue(this.kindOf(code));
          this.state = IN_VALUE;
          break;
        }
        case IN_VALUE: {
          if (!this.scanValue()) return;
          this.envelope.set(this.name, this.parseValue());
          if (this.name === "logEvents") this.eventsSeen = true;
          this.state = AFTER_MEMBER;
          break;
        }
        case AFTER_MEMBER: {
          const code = this.next();
          if (code < 0) return;
          this.pos++;
          if (code === COMMA) this.state = NAME;
          else if (code === CLOSE_BRACE) this.state = DONE;
          else {
            this.pos--;
            throw this.unexpected(code);
          }
          break;
        }
        case FIRST_EVENT_OR_END:
        case EVENT: {
          const code = this.next();
          if (code < 0) return;
          if (code === CLOSE_BRACKET && this.state === FIRST_EVENT_OR_END) {
            this.pos++;
            this.state = AFTER_MEMBER;
            break;
          }
          this.startValue(this.kindOf(code));
          this.state = IN_EVENT;
          break;
        }
        case IN_EVENT: {
          if (this.quickLogEvent()) {
            this.valueStart = -1;
            this.state = AFTER_EVENT;
            break;
          }
          if (!this.scanValue()) return;
          this.logEvent(this.valueStart, this.pos);
          this.valueStart = -1;
          this.state = AFTER_EVENT;
          break;
        }
        case AFTER_EVENT: {
          const code = this.next();
          if (code < 0) return;
          this.pos++;
          if (code === COMMA) this.state = EVENT;
          else if (code === CLOSE_BRACKET) this.state = AFTER_MEMBER;
          else {
            this.pos--;
            throw this.unexpected(code);
          }
          break;
        }
        default: {
          const code = this.next();
          if (code < 0) return;
          throw this.unexpected(code);
        }
      }
    }
  }

  private kindOf(code: number): number {
    if (code === QUOTE) return STRING;
    if (code === OPEN_BRACE || code === OPEN_BRACKET) return CONTAINER;
    if (code === MINUS || (code >= ZERO && code <= NINE) || code === 0x74 || code === 0x66 || code === 0x6e) {
      return SCALAR; // a number, true, false, null
    }
    throw this.unexpected(code);
  }

  private startValue(kind: number): void {
    this.valueStart = this.pos;
    this.valueKind = kind;
    this.depth = 0;
    this.inString = false;
    if (kind !== SCALAR) this.pos++;
    if (kind === STRING) this.inString = true;
    else if (kind === CONTAINER) this.depth = 1;
  }

  /**
   * Index after the string whose opening quote is before `from`, or -1 when the buffer ends first
   * (then `pos` is where to resume: never between a backslash and the character it escapes).
   */
  private scanString(from: number): number {
    const { buffer, length } = this;
    let i = from;
    while (i < length) {
      const code = buffer[i]!;
      if (code === QUOTE) return i + 1;
      if (code === BACKSLASH) {
        if (i + 1 >= length) break;
        i += 2;
      } else {
        i++;
      }
    }
    this.pos = i;
    return -1;
  }

  /**
   * The fast way to the end of a log event that starts at `pos` (just after its `{`): the next
   * `},{"id":"`, found natively instead of byte by byte. That `}` ends this log event whenever the
   * text up to it is one JSON value (a JSON value is never a prefix of a longer one); `logEvent()`
   * parses it, and if it does not parse, nothing was consumed and the byte-by-byte scan decides.
   *
   * @returns true when the log event was read (`pos` after it).
   */
  private quickLogEvent(): boolean {
    if (
      this.valueKind !== CONTAINER ||
      this.depth !== 1 ||
      this.inString ||
      this.pos !== this.valueStart + 1
    ) {
      return false;
    }
    const end = this.buffer.subarray(0, this.length).indexOf(NEXT_LOG_EVENT, this.pos);
    if (end < 0 || end + 1 - this.valueStart > MAX_VALUE_BYTES) return false;
    if (this.directLogEvent(this.valueStart, end + 1)) {
      this.pos = end + 1;
      return true;
    }
    const bytes = this.buffer.subarray(this.valueStart, end + 1);
    const asBytes = readAsBytes(bytes);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString(asBytes ? "latin1" : "utf8"));
    } catch {
      return false;
    }
    this.pos = end + 1;
    this.acceptLogEvent(value, asBytes);
    return true;
  }

  /** Reads on in the current value; true when it is complete (`pos` after it). */
  private scanValue(): boolean {
    const complete = this.scanValueBytes();
    if ((complete ? this.pos : this.length) - this.valueStart > MAX_VALUE_BYTES) {
      throw new PayloadShapeError(
        `awslogs.data payload has the wrong shape: a value starting at byte ${this.offset + this.valueStart} is longer than ${MAX_VALUE_BYTES} bytes (${STATE_NAMES[this.state]})`,
      );
    }
    return complete;
  }

  private scanValueBytes(): boolean {
    const { buffer, length } = this;
    if (this.valueKind === STRING) {
      const end = this.scanString(this.pos);
      if (end < 0) return false;
      this.pos = end;
      return true;
    }
    if (this.valueKind === SCALAR) {
      let i = this.pos;
      while (i < length) {
        const code = buffer[i]!;
        if (isWhitespace(code) || code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET) break;
        i++;
      }
      this.pos = i;
      return i < length;
    }
    let i = this.pos;
    if (this.inString) {
      i = this.scanString(i);
      if (i < 0) return false;
      this.inString = false;
    }
    let depth = this.depth;
    while (i < length) {
      const code = buffer[i]!;
      if (code === QUOTE) {
        i = this.scanString(i + 1);
        if (i < 0) {
          this.inString = true;
          this.depth = depth;
          return false;
        }
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.pos = i + 1;
          return true;
        }
      }
      i++;
    }
    this.pos = i;
    this.depth = depth;
    return false;
  }

  /** `JSON.parse` of the value just read (UTF-8), which also ends it. */
  private parseValue(): unknown {
    const start = this.valueStart;
    this.valueStart = -1;
    try {
      return JSON.parse(this.buffer.toString("utf8", start, this.pos)) as unknown;
    } catch (error) {
      throw this.invalid(`at byte ${this.offset + start}: ${(error as Error).message}`);
    }
  }

  /**
   * One element of `logEvents`, `buffer[start, end)`. Read as Latin-1 (messages as their UTF-8
   * bytes, no decoding) when the element is valid UTF-8 and holds no `\u` escape: then every
   * non-ASCII character comes from a raw UTF-8 byte inside a string, and the result is the UTF-8
   * reading's, byte for byte (see `MessageText`).
   */
  private logEvent(start: number, end: number): void {
    if (this.directLogEvent(start, end)) return;
    const bytes = this.buffer.subarray(start, end);
    const asBytes = readAsBytes(bytes);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString(asBytes ? "latin1" : "utf8"));
    } catch (error) {
      throw this.invalid(
        `log event ${this.logEventCount} (at byte ${this.offset + start}): ${(error as Error).message}`,
      );
    }
    this.acceptLogEvent(value, asBytes);
  }

  /**
   * The direct path for a large log event, `buffer[start, end)`: when it is exactly
   * `{"id":"<digits>","timestamp":<digits>,"message":"<string>"}` (CloudWatch Logs' layout: no
   * whitespace, these members in this order), valid UTF-8, with a timestamp the schema accepts
   * (no leading zero, 0 to {@link MAX_TIMESTAMP_MS}) and a string without `\u` escapes or raw
   * control characters, the message is unescaped byte by byte into {@link scratch} and handed to
   * `onLogEventBytes`, sparing the strings of `JSON.parse` (the event's text and its message). Such
   * a text is one JSON object whose `JSON.parse` gives exactly that id, timestamp and (UTF-8
   * encoded) message. Anything else returns false having changed nothing, and `JSON.parse` decides.
   *
   * @returns true when the log event was handed on.
   */
  private directLogEvent(start: number, end: number): boolean {
    if (this.onLogEventBytes === undefined || end - start < this.directLogEventBytes) return false;
    const { buffer } = this;
    if (!hasAt(buffer, start, ID_MEMBER)) return false;
    let i = start + ID_MEMBER.length;
    const idStart = i;
    while (i < end && buffer[i]! >= ZERO && buffer[i]! <= NINE) i++;
    if (i === idStart || !hasAt(buffer, i, TIMESTAMP_MEMBER)) return false;
    const id = buffer.toString("latin1", idStart, i);
    i += TIMESTAMP_MEMBER.length;
    const timestampStart = i;
    while (i < end && buffer[i]! >= ZERO && buffer[i]! <= NINE) i++;
    const digits = i - timestampStart;
    if (digits === 0 || digits > 15 || (digits > 1 && buffer[timestampStart] === ZERO)) return false;
    const timestamp = Number(buffer.toString("latin1", timestampStart, i));
    if (timestamp > MAX_TIMESTAMP_MS || !hasAt(buffer, i, MESSAGE_MEMBER)) return false;
    i += MESSAGE_MEMBER.length;
    // The message's closing quote and the log event's closing brace end the text.
    const last = end - 2;
    if (last < i || buffer[last] !== QUOTE || buffer[end - 1] !== CLOSE_BRACE) return false;
    if (!isUtf8(buffer.subarray(start, end))) return false;
    if (this.scratch.length < last - i) {
      if (this.scratch.length > 0) readerBuffers.give(this.scratch);
      this.scratch = readerBuffers.take(last - i);
    }
    const out = this.scratch;
    let n = 0;
    while (i < last) {
      const code = buffer[i]!;
      if (code === BACKSLASH) {
        const escaped = i + 1 < last ? buffer[i + 1]! : 0;
        const byte = escaped < 128 ? UNESCAPED[escaped]! : 0;
        if (byte === 0) return false; // \u, an unknown escape, or a backslash escaping the closing quote
        out[n++] = byte;
        i += 2;
      } else {
        if (code === QUOTE || code < SPACE) return false;
        out[n++] = code;
        i++;
      }
    }
    const index = this.logEventCount++;
    if (index === 0) this.firstLogEvent = { id, timestamp };
    this.onLogEventBytes({ id, timestamp }, out.subarray(0, n));
    return true;
  }

  /** Checks one parsed element of `logEvents` and hands it on, or notes what is wrong with it. */
  private acceptLogEvent(value: unknown, asBytes: boolean): void {
    const index = this.logEventCount++;
    const events = [value];
    if (!isLogEventList(events)) {
      const result = logEventSchema.safeParse(value);
      const issues = result.success ? [] : result.error.issues;
      for (const issue of issues) {
        this.eventIssueCount++;
        if (this.eventIssues.length < MAX_LISTED_ISSUES) {
          const path = ["logEvents", index, ...issue.path].join(".");
          this.eventIssues.push(`${path}: ${issue.message}`);
        }
      }
      return;
    }
    const event = events[0] as { id: string; timestamp: number; message: string };
    if (asBytes) event.id = fromUtf8Bytes(event.id);
    if (index === 0) this.firstLogEvent = { id: event.id, timestamp: event.timestamp };
    this.onLogEvent(event, asBytes ? "utf8-bytes" : "string");
  }

  /** Gives the buffers back to the pool for the next invocation: the payload has been read to its end. */
  private releaseBuffers(): void {
    readerBuffers.give(this.buffer);
    if (this.scratch.length > 0) readerBuffers.give(this.scratch);
    this.buffer = Buffer.alloc(0);
    this.scratch = Buffer.alloc(0);
  }

  /**
   * After the last chunk: the payload, validated.
   *
   * @throws InvalidJsonError when the text ended before the payload did; PayloadShapeError as
   *   `parsePayload` does (every failed path), or for an unknown `messageType`.
   */
  finish(decodedBytes: number, digest: string): StreamedPayload {
    if (this.whole !== undefined || this.state === BEFORE_OBJECT) {
      // Not an object (or nothing at all): the reference decoder names the problem.
      const decoded = parsePayload(Buffer.concat(this.whole ?? []));
      throw new PayloadShapeError(
        `awslogs.data payload has the wrong shape: expected an object, got ${decoded.kind} payload`,
      );
    }
    if (this.state !== DONE) {
      throw this.invalid(`the payload ends after ${decodedBytes} bytes, ${STATE_NAMES[this.state]}`);
    }
    this.releaseBuffers();
    const envelope = Object.fromEntries(this.envelope) as Record<string, unknown>;
    const kind = messageTypeSchema.safeParse(envelope);
    if (!kind.success) {
      throw new PayloadShapeError(`awslogs.data payload has the wrong shape: ${describeIssues(kind.error)}`);
    }
    const { messageType } = kind.data;
    if (messageType !== "DATA_MESSAGE" && messageType !== "CONTROL_MESSAGE")
      throw unknownMessageType(messageType);
    const logEvents = this.eventsSeen && !this.envelope.has("logEvents") ? [] : envelope.logEvents;
    if (messageType === "CONTROL_MESSAGE") {
      const control = controlPayloadSchema.safeParse({ ...envelope, logEvents });
      if (!control.success) {
        throw new PayloadShapeError(
          `awslogs.data payload has the wrong shape: ${describeIssues(control.error)}`,
        );
      }
      const { logGroup, logStream } = control.data;
      const count = this.envelope.has("logEvents")
        ? (control.data.logEvents?.length ?? 0)
        : this.logEventCount;
      return {
        kind: "control",
        payload: { messageType, logGroup, logStream, logEventCount: count },
        decodedBytes,
        digest,
      };
    }
    const data = dataEnvelopeSchema.safeParse({ ...envelope, logEvents });
    const problems = data.success ? [] : [describeIssues(data.error)];
    problems.push(...this.eventIssues);
    if (this.eventIssueCount > this.eventIssues.length) {
      problems.push(`and ${this.eventIssueCount - this.eventIssues.length} more problems in logEvents`);
    }
    if (!data.success || problems.length > 0) {
      throw new PayloadShapeError(`awslogs.data payload has the wrong shape: ${problems.join("; ")}`);
    }
    const { owner, logGroup, logStream, subscriptionFilters } = data.data;
    return {
      kind: "data",
      payload: { messageType, owner, logGroup, logStream, subscriptionFilters },
      logEventCount: this.logEventCount,
      ...(this.firstLogEvent === undefined ? {} : { firstLogEvent: this.firstLogEvent }),
      decodedBytes,
      digest,
    };
  }
}

/**
 * The payload gunzipped in one step when its gzip trailer says it is at most `limit` bytes (and
 * `maxBytes`); undefined when it is larger, the trailer lies, or gunzip fails: the stream decides.
 */
function gunzipSmallPayload(compressed: Buffer, limit: number, maxBytes: number): Buffer | undefined {
  if (
    limit <= 0 ||
    compressed.length < MIN_GZIP_BYTES ||
    compressed.readUInt32LE(compressed.length - 4) > limit
  ) {
    return undefined;
  }
  try {
    return gunzipSync(compressed, { maxOutputLength: Math.max(1, Math.min(limit, maxBytes)) });
  } catch {
    return undefined;
  }
}

/**
 * Decodes a CloudWatch Logs subscription event as a stream: base64, then gunzip in chunks of
 * {@link GUNZIP_CHUNK_BYTES}, each chunk hashed and read as soon as it is out, each log event handed
 * to `options.onLogEvent`. Memory: the compressed event, one chunk, and the value being read; a
 * payload of at most {@link WHOLE_PAYLOAD_BYTES} is gunzipped in one step and then read in the same
 * chunks.
 *
 * @param event `{"awslogs":{"data": base64(gzip(JSON payload))}}`.
 * @returns the payload without its log events, their count, the first one's id and timestamp, the
 *   decompressed size and the digest of the decompressed bytes (for the object key).
 * @throws the errors of `decodeSubscriptionEvent`: EventShapeError, InvalidBase64Error,
 *   NotGzipError, PayloadTooLargeError (checked while gunzipping), InvalidJsonError,
 *   PayloadShapeError; and whatever `onLogEvent` or `afterChunk` throw.
 */
export async function streamSubscriptionEvent(
  event: unknown,
  options: StreamOptions,
): Promise<StreamedPayload> {
  const compressed = eventData(event);
  checkGzipMagic(compressed);
  const maxBytes = options.maxPayloadBytes ?? Number.POSITIVE_INFINITY;
  const reader = new PayloadReader(options.onLogEvent, options.onLogEventBytes, options.directLogEventBytes);
  const hash = createHash("sha256");
  const whole = gunzipSmallPayload(compressed, options.wholePayloadBytes ?? WHOLE_PAYLOAD_BYTES, maxBytes);
  if (whole !== undefined) {
    for (let at = 0; at < whole.length; at += GUNZIP_CHUNK_BYTES) {
      reader.push(whole.subarray(at, at + GUNZIP_CHUNK_BYTES));
      const wait = options.afterChunk?.();
      if (wait !== undefined) await wait;
    }
    // Hashed after reading, while the thread pool compresses the last segments.
    hash.update(whole);
    return reader.finish(whole.length, hash.digest("hex").slice(0, DIGEST_HEX_LENGTH));
  }
  const gunzip = createGunzip(GUNZIP_OPTIONS);
  gunzip.end(compressed);
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let size = 0;
  try {
    for (;;) {
      let step: IteratorResult<Buffer>;
      try {
        step = await chunks.next();
      } catch (error) {
        throw new NotGzipError(`awslogs.data is not valid gzip: ${(error as Error).message}`);
      }
      if (step.done === true) break;
      const chunk = step.value;
      size += chunk.length;
      if (size > maxBytes) throw payloadTooLarge(maxBytes, size);
      hash.update(chunk);
      reader.push(chunk);
      const wait = options.afterChunk?.();
      if (wait !== undefined) await wait;
    }
  } catch (error) {
    gunzip.destroy();
    throw error;
  }
  return reader.finish(size, hash.digest("hex").slice(0, DIGEST_HEX_LENGTH));
}
