/**
 * A forgiving walker over JSON text for the processor's few in-place edits and lookups (header
 * redaction, the top-level `timestamp`): it tracks positions only, builds no values, and ends on any
 * text. Grammar: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259).
 */

export const QUOTE = 0x22; // "
export const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A span `[start, end)` of the text, in UTF-16 code units. */
export type Span = readonly [start: number, end: number];

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** The text stopped being JSON where the walker needed a token; callers catch it. */
export class MalformedJson extends Error {
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
export class JsonWalker {
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

  /** At an opening quote: the string's text (escapes decoded), moving past it. @throws MalformedJson */
  key(): string {
    return decodeKey(this.stringToken(), this.pos);
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
      const key = this.key();
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

/** The text of a string token. @throws MalformedJson (at `pos`) for an invalid escape. */
function decodeKey(token: string, pos: number): string {
  if (!token.includes("\\")) return token.slice(1, -1);
  try {
    return JSON.parse(token) as string;
  } catch {
    throw new MalformedJson(pos);
  }
}

/**
 * The span of the value of the top-level member `name` of a JSON object text (the last one when the
 * name repeats, as `JSON.parse` keeps the last), or undefined when there is none or the text is not
 * an object up to that member.
 */
export function topLevelMemberSpan(text: string, name: string): Span | undefined {
  const walker = new JsonWalker(text);
  let found: Span | undefined;
  try {
    walker.object((key) => {
      const span = walker.skipValue();
      if (key === name) found = span;
    });
  } catch (error) {
    if (!(error instanceof MalformedJson)) throw error;
  }
  return found;
}
