/**
 * Processor-side redaction of request header values in WAF log records (defence in depth, off by
 * default). WAF itself redacts configured fields by writing `XXX` as the value; this does the same
 * for the headers named in `REDACT_HEADERS`, in `httpRequest.headers[]`.
 *
 * WAF log fields: https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html
 *
 * The record is edited in place, as text: only the `value` of a matching header is replaced, every
 * other byte (key order, escapes such as `\u00e9`, number spellings) stays as WAF wrote it.
 */
import { HEADER_NAME_PATTERN } from "./environment";
import { JsonWalker, MalformedJson, OPEN_BRACE, OPEN_BRACKET, QUOTE, type Span } from "./json-walker";

/** The marker WAF writes for a redacted field. */
export const REDACTED_VALUE = "XXX";

/**
 * Lower-cases ASCII letters only. HTTP header names are ASCII tokens (RFC 9110, section 5.1), and
 * `toLowerCase` would also map the Kelvin sign U+212A to "k": "Coo\u212Aie" would then match
 * "cookie" when the name is a decoded string but not when it holds the name's UTF-8 bytes as
 * Latin-1 characters (the handler's fast path), so the same record would be redacted or not
 * depending on the rest of its batch.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Collects the spans of `value` members of headers whose `name` is in `names`. */
function collectHeaderValueSpans(walker: JsonWalker, names: ReadonlySet<string>, spans: Span[]): void {
  walker.array(() => {
    if (walker.peek() !== OPEN_BRACE) {
      walker.skipValue();
      return;
    }
    let redact = false;
    const valueSpans: Span[] = [];
    walker.object((key) => {
      if (key === "name" && walker.peek() === QUOTE) {
        const name = walker.key();
        if (names.has(asciiLowerCase(name))) redact = true;
      } else if (key === "value") {
        valueSpans.push(walker.skipValue());
      } else {
        walker.skipValue();
      }
    });
    if (redact) spans.push(...valueSpans);
  });
}

/**
 * Replaces the `value` of every `httpRequest.headers[]` entry whose `name` is in `names` with `"XXX"`.
 *
 * Ends on any text, in time linear in its length (a fuzz test runs it on truncated and mutated
 * records under a time limit). The processor calls it only for messages that are JSON objects; on
 * text that stops being JSON somewhere, it redacts the matching headers it completed before that
 * point and leaves the rest as it is.
 *
 * @param record a WAF log record, normally text that `JSON.parse` accepts as a JSON object.
 * @param names header names in lower case (HTTP header names are case-insensitive).
 * @returns the record with only those values replaced, byte for byte otherwise; the same string
 *   when nothing matched.
 */
export function redactHeaderValues(record: string, names: ReadonlySet<string>): string {
  if (names.size === 0) return record;
  const walker = new JsonWalker(record);
  const spans: Span[] = [];
  try {
    walkRecord(walker, names, spans);
  } catch (error) {
    if (!(error instanceof MalformedJson)) throw error;
  }
  if (spans.length === 0) return record;
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    out += record.slice(from, start) + `"${REDACTED_VALUE}"`;
    from = end;
  }
  return out + record.slice(from);
}

/** Collects the value spans to redact in a record: `httpRequest.headers[]` of the top-level object. */
function walkRecord(walker: JsonWalker, names: ReadonlySet<string>, spans: Span[]): void {
  walker.object((key) => {
    if (key !== "httpRequest" || walker.peek() !== OPEN_BRACE) {
      walker.skipValue();
      return;
    }
    walker.object((requestKey) => {
      if (requestKey === "headers" && walker.peek() === OPEN_BRACKET) {
        collectHeaderValueSpans(walker, names, spans);
      } else {
        walker.skipValue();
      }
    });
  });
}

/**
 * Parses `REDACT_HEADERS`: comma-separated header names, case-insensitive, blanks ignored.
 *
 * @param text e.g. `"Authorization, Cookie"`; undefined or empty turns redaction off.
 * @returns the names in lower case (empty set: redaction off).
 * @throws Error naming each entry that is not an HTTP header name (RFC 9110 token characters).
 */
export function parseHeaderNames(text: string | undefined): ReadonlySet<string> {
  const names = (text ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const invalid = names.filter((name) => !HEADER_NAME_PATTERN.test(name));
  if (invalid.length > 0) {
    throw new Error(
      `REDACT_HEADERS must be comma-separated HTTP header names; not a header name: ${invalid.map((n) => JSON.stringify(n)).join(", ")}`,
    );
  }
  return new Set(names.map((name) => name.toLowerCase()));
}
