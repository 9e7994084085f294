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

/** The marker WAF writes for a redacted field. */
export const REDACTED_VALUE = "XXX";

const QUOTE = 0x22; // "
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A span `[start, end)` of the text to replace with `"XXX"`. */
type Span = readonly [start: number, end: number];

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** The text stopped being JSON where the walker needed a token (internal: {@link redactHeaderValues} catches it). */
class MalformedJson extends Error {
  constructor(readonly pos: number) {
    super(`not JSON at offset ${pos}`);
  }
}

/**
 * Walks one JSON value of a text, tracking positions only (values are not built). It checks just
 * enough of the grammar to find its way: every step either moves forward or throws
 * {@link MalformedJson}, so a walk ends on any text (truncated, mutated, not JSON at all) after at
 * most a few passes over it. On valid JSON it finds exactly the members `JSON.parse` sees.
 */
class JsonWalker {
  pos = 0;
  constructor(readonly text: string) {}

  skipWhitespace(): void {
    while (this.pos < this.text.length && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** The next non-whitespace code unit, or NaN at the end of the text. */
  peek(): number {
    this.skipWhitespace();
    return this.text.charCodeAt(this.pos);
  }

  /** Moves past `code` (after whitespace). @throws MalformedJson when something else is there. */
  expect(code: number): void {
    if (this.peek() !== code) throw new MalformedJson(this.pos);
    this.pos++;
  }

  /** Index of the first `\\` at or after `pos` when it was last looked up (-1: none); cached so scans stay linear. */
  private backslash = -2;

  /** At an opening quote: returns the raw token `"..."` and moves past it. @throws MalformedJson when unterminated. */
  stringToken(): string {
    const start = this.pos;
    if (this.text.charCodeAt(start) !== QUOTE) throw new MalformedJson(start);
    let i = start + 1;
    let quote = this.text.indexOf('"', i);
    for (;;) {
      if (quote < 0) throw new MalformedJson(this.text.length);
      if (this.backslash !== -1 && this.backslash < i) this.backslash = this.text.indexOf("\\", i);
      if (this.backslash < 0 || quote < this.backslash) break;
      i = this.backslash + 2; // the escaped character, whatever it is, cannot end the string
      if (quote < i) quote = this.text.indexOf('"', i);
    }
    this.pos = quote + 1;
    return this.text.slice(start, quote + 1);
  }

  /** Skips any value (string, number, literal, object, array); returns its span. @throws MalformedJson */
  skipValue(): Span {
    const first = this.peek();
    const start = this.pos;
    if (first === QUOTE) {
      this.stringToken();
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      let depth = 0;
      do {
        if (this.pos >= this.text.length) throw new MalformedJson(this.pos);
        const code = this.text.charCodeAt(this.pos);
        if (code === QUOTE) {
          this.stringToken();
          continue;
        }
        if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
        else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
        this.pos++;
      } while (depth > 0);
    } else {
      while (this.pos < this.text.length) {
        const code = this.text.charCodeAt(this.pos);
        if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isWhitespace(code)) break;
        if (code === QUOTE || code === OPEN_BRACE || code === OPEN_BRACKET || code === COLON) break;
        this.pos++;
      }
      if (this.pos === start) throw new MalformedJson(start); // no value here (`:`, `}`, end of text)
    }
    return [start, this.pos];
  }

  /**
   * At `{`: calls `onMember(key)` with the walker positioned at each member's value; `onMember` must
   * consume it (every way of doing so moves forward or throws).
   *
   * @throws MalformedJson when the text is not an object there.
   */
  object(onMember: (key: string) => void): void {
    this.expect(OPEN_BRACE);
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      this.peek();
      const key = decodeKey(this.stringToken(), this.pos);
      this.expect(COLON);
      onMember(key);
      if (this.peek() === COMMA) {
        this.pos++;
        continue;
      }
      this.expect(CLOSE_BRACE);
      return;
    }
  }

  /**
   * At `[`: calls `onElement()` with the walker positioned at each element; `onElement` must consume it.
   *
   * @throws MalformedJson when the text is not an array there.
   */
  array(onElement: () => void): void {
    this.expect(OPEN_BRACKET);
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      const before = this.pos;
      onElement();
      if (this.pos === before) throw new MalformedJson(before);
      if (this.peek() === COMMA) {
        this.pos++;
        continue;
      }
      this.expect(CLOSE_BRACKET);
      return;
    }
  }
}

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

/** The text of a string token. @throws MalformedJson (at `pos`) for an invalid escape. */
function decodeKey(token: string, pos: number): string {
  if (!token.includes("\\")) return token.slice(1, -1);
  try {
    return JSON.parse(token) as string;
  } catch {
    throw new MalformedJson(pos);
  }
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
        const name = decodeKey(walker.stringToken(), walker.pos);
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
