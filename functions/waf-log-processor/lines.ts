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

/** Initial size of the body buffer, in bytes; it doubles when a line does not fit. */
const INITIAL_BODY_BYTES = 1 << 20;

/**
 * Turns log events into the JSON Lines body of one object, in input order, one line per event,
 * with the same lines as {@link toLine}.
 *
 * Each message is encoded straight into one growing buffer (no intermediate strings or per-line
 * buffers) and classified on the bytes just written: a single-line JSON object (the common case)
 * then needs no further work; a multi-line one has its CR and LF bytes removed in place (in UTF-8
 * they are never part of another character); anything else is overwritten with its wrapped form;
 * with redaction on, a JSON object is rewritten redacted.
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
  // A byte string's characters are the UTF-8 bytes themselves; "latin1" writes them out unchanged.
  const encoding = messageText === "string" ? "utf8" : "latin1";
  let body = Buffer.allocUnsafe(logEvents.length === 0 ? 0 : INITIAL_BODY_BYTES);
  let length = 0;
  let linesWrapped = 0;
  /** Makes room for `text` (a UTF-16 code unit takes at most 3 bytes in UTF-8) and the byte after it. */
  const bytesPerUnit = encoding === "utf8" ? 3 : 1;
  const reserve = (text: string) => {
    const maxBytes = text.length * bytesPerUnit + 1;
    if (body.length - length < maxBytes) {
      const grown = Buffer.allocUnsafe(Math.max(body.length * 2, length + maxBytes));
      body.copy(grown, 0, 0, length);
      body = grown;
    }
  };
  for (const event of logEvents) {
    const { message } = event;
    reserve(message);
    const end = length + body.write(message, length, encoding);
    // `end < body.length`: reserve() left room for the newline, which classifyJsonObject needs.
    const kind = classifyJsonObject(body, length, end);
    if (kind === NOT_A_JSON_OBJECT) {
      linesWrapped++;
      const text = wrap(event);
      reserve(text);
      length += body.write(text, length, encoding);
    } else if (redactHeaders.size > 0) {
      const text = objectLine(message, kind, redactHeaders);
      reserve(text);
      length += body.write(text, length, encoding);
    } else if (kind === MULTI_LINE_JSON_OBJECT) {
      let to = length;
      for (let from = length; from < end; from++) {
        const byte = body[from]!;
        if (byte !== 0x0a && byte !== 0x0d) body[to++] = byte;
      }
      length = to;
    } else {
      length = end;
    }
    body[length++] = 0x0a;
  }
  return { body: body.subarray(0, length), lines: logEvents.length, linesWrapped };
}
