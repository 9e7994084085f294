/**
 * Conversion of log events into JSON Lines for Cortex XDR's "Amazon S3" collector: one line per
 * log event, each WAF record exactly as WAF wrote it (the AWS WAF content pack parses its top-level
 * `timestamp` and `httpRequest`).
 *
 * WAF log fields: https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html
 */
import type { LogEvent } from "./decode";
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

/** True when `text`, after optional JSON whitespace, starts with `{` and `JSON.parse` accepts it. */
function isJsonObject(text: string): boolean {
  let i = 0;
  let code = text.charCodeAt(0);
  while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text.charCodeAt(++i);
  if (code !== 0x7b) return false; // {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
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
 * @param event a log event (`timestamp` in ms since the epoch).
 * @param redactHeaders lower-case header names whose values in `httpRequest.headers[]` become `XXX`
 *   (JSON objects only; empty set: off).
 */
export function toLine(event: LogEvent, redactHeaders: ReadonlySet<string>): Line {
  const { message } = event;
  if (!isJsonObject(message)) {
    return {
      text: `{"timestamp":${event.timestamp},"message":${JSON.stringify(message)}}`,
      wrapped: true,
    };
  }
  let text = message.includes("\n") || message.includes("\r") ? message.replace(LINE_BREAK, "") : message;
  if (redactHeaders.size > 0) text = redactHeaderValues(text, redactHeaders);
  return { text, wrapped: false };
}

/** Initial size of the body buffer, in bytes; it doubles when a line does not fit. */
const INITIAL_BODY_BYTES = 1 << 20;

/**
 * Turns log events into the JSON Lines body of one object, in input order, one line per event.
 * Each line is encoded straight into one growing buffer (no joined intermediate string).
 *
 * @param logEvents the payload's log events.
 * @param redactHeaders lower-case header names to redact (see {@link toLine}); empty set: off.
 * @returns the UTF-8 body (every line ends in `\n`) and its counts.
 */
export function toLines(logEvents: readonly LogEvent[], redactHeaders: ReadonlySet<string>): LinesResult {
  let body = Buffer.allocUnsafe(logEvents.length === 0 ? 0 : INITIAL_BODY_BYTES);
  let length = 0;
  let linesWrapped = 0;
  for (const event of logEvents) {
    const line = toLine(event, redactHeaders);
    if (line.wrapped) linesWrapped++;
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; +1 for the newline.
    const maxBytes = line.text.length * 3 + 1;
    if (body.length - length < maxBytes) {
      const grown = Buffer.allocUnsafe(Math.max(body.length * 2, length + maxBytes));
      body.copy(grown, 0, 0, length);
      body = grown;
    }
    length += body.write(line.text, length, "utf8");
    body[length++] = 0x0a;
  }
  return { body: body.subarray(0, length), lines: logEvents.length, linesWrapped };
}
