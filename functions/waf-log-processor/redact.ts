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
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** A span `[start, end)` of the text to replace with `"XXX"`. */
type Span = readonly [start: number, end: number];

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Walks one JSON value. The text must be valid JSON (the caller has parsed it with `JSON.parse`);
 * the walker trusts that and only tracks positions.
 */
class JsonWalker {
  pos = 0;
  constructor(readonly text: string) {}

  skipWhitespace(): void {
    while (this.pos < this.text.length && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  peek(): number {
    this.skipWhitespace();
    return this.text.charCodeAt(this.pos);
  }

  /** At an opening quote: returns the raw token `"..."` and moves past it. */
  stringToken(): string {
    const start = this.pos;
    let end = this.text.indexOf('"', start + 1);
    for (;;) {
      let backslashes = 0;
      while (this.text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
      end = this.text.indexOf('"', end + 1);
    }
    this.pos = end + 1;
    return this.text.slice(start, end + 1);
  }

  /** Skips any value (string, number, literal, object, array); returns its span. */
  skipValue(): Span {
    const first = this.peek();
    const start = this.pos;
    if (first === QUOTE) {
      this.stringToken();
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      let depth = 0;
      do {
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
        this.pos++;
      }
    }
    return [start, this.pos];
  }

  /** At `{`: calls `onMember(key)` with the walker positioned at each member's value; `onMember` must consume it. */
  object(onMember: (key: string) => void): void {
    this.skipWhitespace();
    this.pos++; // {
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      this.peek();
      const key = decodeKey(this.stringToken());
      this.peek(); // :
      this.pos++;
      onMember(key);
      if (this.peek() === COMMA) {
        this.pos++;
        continue;
      }
      this.pos++; // }
      return;
    }
  }

  /** At `[`: calls `onElement()` with the walker positioned at each element; `onElement` must consume it. */
  array(onElement: () => void): void {
    this.skipWhitespace();
    this.pos++; // [
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      onElement();
      if (this.peek() === COMMA) {
        this.pos++;
        continue;
      }
      this.pos++; // ]
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

function decodeKey(token: string): string {
  return token.includes("\\") ? (JSON.parse(token) as string) : token.slice(1, -1);
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
        const name = decodeKey(walker.stringToken());
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
 * @param record a WAF log record: text that `JSON.parse` accepts as a JSON object (precondition;
 *   anything else gives undefined results).
 * @param names header names in lower case (HTTP header names are case-insensitive).
 * @returns the record with only those values replaced, byte for byte otherwise; the same string
 *   when nothing matched.
 */
export function redactHeaderValues(record: string, names: ReadonlySet<string>): string {
  if (names.size === 0) return record;
  const walker = new JsonWalker(record);
  const spans: Span[] = [];
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
  if (spans.length === 0) return record;
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    out += record.slice(from, start) + `"${REDACTED_VALUE}"`;
    from = end;
  }
  return out + record.slice(from);
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
