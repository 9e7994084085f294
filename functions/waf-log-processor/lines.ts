/**
 * Conversion of log events into JSON Lines for Cortex XDR's "Amazon S3" collector: one line per
 * log event, each WAF record exactly as WAF wrote it (the AWS WAF content pack parses its top-level
 * `timestamp` and `httpRequest`).
 *
 * WAF log fields: https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html
 */
import type { LogEvent, MessageText } from "./decode";
import {
  classifyJsonObject,
  MULTI_LINE_JSON_OBJECT,
  NOT_A_JSON_OBJECT,
  type JsonObjectKind,
} from "./json-object";
import { topLevelMemberSpan } from "./json-walker";
import { BufferPool } from "./buffer-pool";
import { redactHeaderValues } from "./redact";

/** One output line (without its `\n`) and how it was made. */
export interface Line {
  readonly text: string;
  /** True when the message was not a JSON object and was wrapped as `{"timestamp":…,"message":…}`. */
  readonly wrapped: boolean;
}

/** The body of one object and its counts. */
export interface LinesResult {
  /** UTF-8 JSON Lines, every line ending in `\n`; empty for no events. */
  readonly body: Buffer;
  /** Number of lines (= number of log events). */
  readonly lines: number;
  /** Lines that wrap a message that was not a JSON object. */
  readonly linesWrapped: number;
}

const LINE_BREAK = /[\r\n]/g;

/**
 * Classifies a message (see {@link classifyJsonObject}) on its own UTF-8 bytes. The hot path,
 * {@link toLines}, classifies the bytes it has just written into the body instead.
 */
function classifyMessage(message: string): JsonObjectKind {
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(message, "utf8") + 1);
  return classifyJsonObject(bytes, 0, bytes.write(message, 0, "utf8"));
}

/** The wrapped form of a message that is not a JSON object (`JSON.stringify`: newlines escaped, non-ASCII as is). */
function wrap(event: LogEvent): string {
  return `{"timestamp":${event.timestamp},"message":${JSON.stringify(event.message)}}`;
}

/** The line of a JSON object message: line breaks removed, then header values redacted. */
function objectLine(message: string, kind: JsonObjectKind, redactHeaders: ReadonlySet<string>): string {
  const text = kind === MULTI_LINE_JSON_OBJECT ? message.replace(LINE_BREAK, "") : message;
  return redactHeaders.size > 0 ? redactHeaderValues(text, redactHeaders) : text;
}

/**
 * Turns one log event into one line.
 *
 * - A message that is a JSON object is kept byte for byte. CR and LF can only occur in valid JSON as
 *   whitespace between tokens (inside strings they must be escaped), so a multi-line object is put
 *   on one line by removing them, which changes nothing else.
 * - Anything else (plain text, truncated JSON, an array, a number, a string) becomes
 *   `{"timestamp":<log event ms>,"message":"<original text>"}`, serialized by `JSON.stringify`
 *   (newlines escaped, non-ASCII kept as is).
 *
 * "JSON object" means what `JSON.parse` accepts as an object, decided by {@link classifyJsonObject}
 * without building it.
 *
 * @param event a log event (`timestamp` in ms since the epoch).
 * @param redactHeaders lower-case header names whose values in `httpRequest.headers[]` become `XXX`
 *   (JSON objects only; empty set: off).
 */
export function toLine(event: LogEvent, redactHeaders: ReadonlySet<string>): Line {
  const kind = classifyMessage(event.message);
  if (kind === NOT_A_JSON_OBJECT) return { text: wrap(event), wrapped: true };
  return { text: objectLine(event.message, kind, redactHeaders), wrapped: false };
}

/** Initial size of a body buffer, in bytes; it doubles when a line does not fit. */
const INITIAL_BODY_BYTES = 1 << 20;

/** Room past `flushBytes` in a new chunk buffer, so a chunk rarely needs to grow. */
const FLUSH_HEADROOM_BYTES = 64 * 1024;

/**
 * Chunk buffers released by the consumer and buffers outgrown by a long line, for reuse (see
 * `BufferPool`): up to 8, of at most 4 MiB each.
 */
const chunkBuffers = new BufferPool(8, 4 * 1024 * 1024);

/** Most log event ids a {@link LineWriter} keeps of lines without a usable `timestamp` (it counts all). */
export const MAX_IDS_WITHOUT_TIMESTAMP = 100;

const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const ZERO = 0x30;
const NINE = 0x39;
/** `{"timestamp":`, how every WAF record starts. */
const TIMESTAMP_PREFIX = Buffer.from('{"timestamp":', "latin1");

/** Digit counts of the epochs Cortex's AWS WAF parsing rule reads: seconds, ms, µs, ns. */
function isEpochDigitCount(digits: number): boolean {
  return digits === 10 || digits === 13 || digits === 16 || digits === 19;
}

/**
 * Whether a JSON object's text has a top-level `timestamp` that Cortex's AWS WAF parsing rule turns
 * into `_time`: the rule keeps records whose `to_string(timestamp)` has 10, 13, 16 or 19 digits
 * and reads them as seconds, ms, µs or ns since the epoch (demisto/content
 * `Packs/AWS_WAF/ParsingRules/AWS_WAF/AWS_WAF.xif`); anything else keeps Cortex's ingestion time.
 * So: a number or a string of exactly 10, 13, 16 or 19 ASCII digits (no sign, fraction or exponent).
 *
 * @param text the line (a JSON object), as a string of UTF-16 code units or of UTF-8 bytes.
 */
export function hasUsableTimestamp(text: string): boolean {
  const span = topLevelMemberSpan(text, "timestamp");
  if (span === undefined) return false;
  let [start, end] = span;
  if (text.charCodeAt(start) === QUOTE) {
    start++;
    end--;
  }
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < ZERO || code > NINE) return false;
  }
  return isEpochDigitCount(end - start);
}

/**
 * The fast form of {@link hasUsableTimestamp} for a line that starts `{"timestamp":<digits>` followed by
 * `,` or `}` (every WAF record): true or false when that holds, undefined when the full check must decide.
 */
function quickTimestampCheck(bytes: Uint8Array, start: number, end: number): boolean | undefined {
  if (end - start < TIMESTAMP_PREFIX.length + 2 || bytes[start] !== OPEN_BRACE) return undefined;
  for (let k = 1; k < TIMESTAMP_PREFIX.length; k++) {
    if (bytes[start + k] !== TIMESTAMP_PREFIX[k]) return undefined;
  }
  let i = start + TIMESTAMP_PREFIX.length;
  const first = i;
  while (i < end && bytes[i]! >= ZERO && bytes[i]! <= NINE) i++;
  const next = bytes[i];
  // Whitespace, a fraction, a string or anything unusual: the full check decides. (A record that
  // repeats `timestamp` later is judged by this first one; which one Cortex reads is not documented.)
  if (next !== 0x2c && next !== 0x7d) return undefined;
  return isEpochDigitCount(i - first);
}

/** Options of {@link LineWriter}. */
export interface LineWriterOptions {
  /** Lower-case header names to redact (see {@link toLine}); empty set: off. */
  readonly redactHeaders: ReadonlySet<string>;
  /** Hand the lines written so far to `onFlush` once they reach this many bytes. @default never */
  readonly flushBytes?: number;
  /**
   * Receives each full chunk of lines (whole lines, every one ending in `\n`). Call `release` once
   * the chunk has been consumed: its buffer then serves a later chunk (fewer allocations, less
   * garbage collection). A chunk never released is simply not reused.
   */
  readonly onFlush?: (chunk: Buffer, release: () => void) => void;
}

/**
 * Turns log events into JSON Lines, one line per event in the order added, with the same lines as
 * {@link toLine}, into bounded chunks: with `flushBytes`, every time the lines written reach that
 * size they go to `onFlush` and a new buffer starts, so a batch never sits in memory as one body.
 *
 * Each message is encoded straight into the buffer (no intermediate strings or per-line buffers)
 * and classified on the bytes just written: a single-line JSON object (the common case) then needs
 * no further work; a multi-line one has its CR and LF bytes removed in place (in UTF-8 they are
 * never part of another character); anything else is overwritten with its wrapped form; with
 * redaction on, a JSON object is rewritten redacted.
 *
 * It also counts the lines whose top-level `timestamp` Cortex cannot read
 * ({@link hasUsableTimestamp}; a wrapped line carries the log event's ms), keeping the first
 * {@link MAX_IDS_WITHOUT_TIMESTAMP} of their log event ids.
 */
export class LineWriter {
  private body: Buffer;
  private length = 0;
  /** Lines written (= log events added). */
  lines = 0;
  /** Lines that wrap a message that was not a JSON object. */
  linesWrapped = 0;
  /** Lines without a top-level `timestamp` Cortex can read. */
  linesWithoutTimestamp = 0;
  /** Log event ids of the first {@link MAX_IDS_WITHOUT_TIMESTAMP} of those lines. */
  readonly idsWithoutTimestamp: string[] = [];

  constructor(private readonly options: LineWriterOptions) {
    this.body = this.chunkBuffer();
  }

  /** A buffer for the next chunk: a kept one of at least the standard size, or a new one. */
  private chunkBuffer(): Buffer {
    const size =
      this.options.flushBytes === undefined
        ? INITIAL_BODY_BYTES
        : this.options.flushBytes + FLUSH_HEADROOM_BYTES;
    return chunkBuffers.take(size);
  }

  /**
   * Makes room for `maxBytes` more bytes. With `onFlush`, the outgrown buffer is kept for reuse
   * (nobody else sees it); without, `written()` may have handed out a view of it, so it is left alone.
   */
  private reserve(maxBytes: number): void {
    if (this.body.length - this.length < maxBytes) {
      const needed = this.length + maxBytes;
      const grown = chunkBuffers.take(needed, Math.max(this.body.length * 2, needed));
      this.body.copy(grown, 0, 0, this.length);
      if (this.options.onFlush !== undefined) chunkBuffers.give(this.body);
      this.body = grown;
    }
  }

  /**
   * Writes the line of one log event.
   *
   * @param event the log event (`timestamp` in ms since the epoch).
   * @param messageText how its `message` holds its text (see {@link MessageText}).
   */
  add(event: LogEvent, messageText: MessageText): void {
    // A byte string's characters are the UTF-8 bytes themselves; "latin1" writes them out unchanged.
    const encoding = messageText === "string" ? "utf8" : "latin1";
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; one more byte for the newline.
    const bytesPerUnit = encoding === "utf8" ? 3 : 1;
    const { message } = event;
    const start = this.length;
    this.reserve(message.length * bytesPerUnit + 1);
    const end = start + this.body.write(message, start, encoding);
    this.endLine(event, start, end, encoding, () => message);
  }

  /**
   * Writes the line of one log event whose message is given as its UTF-8 bytes (valid UTF-8), as
   * {@link add} would write it for the same message as a string.
   *
   * @param event the log event's id and timestamp (ms since the epoch).
   * @param message the message's UTF-8 bytes; only read during the call.
   */
  addBytes(event: Pick<LogEvent, "id" | "timestamp">, message: Buffer): void {
    const start = this.length;
    this.reserve(message.length + 1);
    const end = start + message.copy(this.body, start);
    this.endLine(event, start, end, "utf8", () => message.toString("utf8"));
  }

  /**
   * Finishes the line whose message bytes are `body[start, end)`: classifies them, keeps, unfolds,
   * redacts or wraps them, checks the timestamp, counts, adds the newline, and flushes when due.
   * `text()` gives the message as a string in `encoding`'s terms (for wrapping and redaction only).
   */
  private endLine(
    event: Pick<LogEvent, "id" | "timestamp">,
    start: number,
    end: number,
    encoding: "utf8" | "latin1",
    text: () => string,
  ): void {
    const bytesPerUnit = encoding === "utf8" ? 3 : 1;
    // `end < body.length`: reserve() left room for the newline, which classifyJsonObject needs.
    const kind = classifyJsonObject(this.body, start, end);
    let usableTimestamp: boolean;
    if (kind === NOT_A_JSON_OBJECT) {
      this.linesWrapped++;
      const wrapped = wrap({ ...event, message: text() });
      this.reserve(wrapped.length * bytesPerUnit + 1);
      this.length = start + this.body.write(wrapped, start, encoding);
      usableTimestamp = isEpochDigitCount(String(event.timestamp).length);
    } else {
      if (this.options.redactHeaders.size > 0) {
        const line = objectLine(text(), kind, this.options.redactHeaders);
        this.reserve(line.length * bytesPerUnit + 1);
        this.length = start + this.body.write(line, start, encoding);
      } else if (kind === MULTI_LINE_JSON_OBJECT) {
        let to = start;
        for (let from = start; from < end; from++) {
          const byte = this.body[from]!;
          if (byte !== 0x0a && byte !== 0x0d) this.body[to++] = byte;
        }
        this.length = to;
      } else {
        this.length = end;
      }
      usableTimestamp =
        quickTimestampCheck(this.body, start, this.length) ??
        hasUsableTimestamp(this.body.toString("latin1", start, this.length));
    }
    if (!usableTimestamp) {
      this.linesWithoutTimestamp++;
      if (this.idsWithoutTimestamp.length < MAX_IDS_WITHOUT_TIMESTAMP)
        this.idsWithoutTimestamp.push(event.id);
    }
    this.body[this.length++] = 0x0a;
    this.lines++;
    const { flushBytes } = this.options;
    if (flushBytes !== undefined && this.length >= flushBytes) this.flush();
  }

  /** Hands the lines written since the last flush to `onFlush` (if any) and starts a new buffer. */
  flush(): void {
    if (this.length === 0 || this.options.onFlush === undefined) return;
    const buffer = this.body;
    let released = false;
    this.options.onFlush(buffer.subarray(0, this.length), () => {
      if (released) return;
      released = true;
      chunkBuffers.give(buffer);
    });
    // The next chunk's buffer: the chunk size plus room for a typical record; reserve() grows it.
    this.body = this.chunkBuffer();
    this.length = 0;
  }

  /** The lines written since the last flush (the whole body when nothing was flushed). */
  written(): Buffer {
    return this.body.subarray(0, this.length);
  }
}

/**
 * Turns log events into the JSON Lines body of one object, in input order, one line per event,
 * with the same lines as {@link toLine} (see {@link LineWriter}, which this drives without flushing).
 *
 * @param logEvents the payload's log events.
 * @param redactHeaders lower-case header names to redact (see {@link toLine}); empty set: off.
 * @param messageText how the messages hold their text (see {@link MessageText}): `utf8-bytes` for
 *   what `decodeSubscriptionEvent(event, { utf8ByteMessages: true })` returns. @default "string"
 * @returns the UTF-8 body (every line ends in `\n`) and its counts.
 */
export function toLines(
  logEvents: readonly LogEvent[],
  redactHeaders: ReadonlySet<string>,
  messageText: MessageText = "string",
): LinesResult {
  if (logEvents.length === 0) return { body: Buffer.alloc(0), lines: 0, linesWrapped: 0 };
  const writer = new LineWriter({ redactHeaders });
  for (const event of logEvents) writer.add(event, messageText);
  return { body: writer.written(), lines: writer.lines, linesWrapped: writer.linesWrapped };
}
