/**
 * Recognition of JSON objects without building them: the processor only needs to know whether a
 * log event's message is exactly one JSON object (so it is written as WAF produced it) and whether
 * that object spans several lines (so its line breaks are removed). `JSON.parse` answers the first
 * question too, but builds every record it checks, which was about a fifth of the processor's time.
 * This checks the message's UTF-8 bytes where the processor has just written them into the object
 * body (indexing bytes is about twice as fast as `charCodeAt` here).
 *
 * Grammar: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259), as `JSON.parse` (ECMA-262 §25.5.1)
 * applies it to a JavaScript string: whitespace is space, tab, LF and CR only (no BOM, no U+00A0);
 * strings hold any character from U+0020 except `"` and `\` (so any byte from 0x20 except those
 * two: every byte of a multi-byte UTF-8 character is 0x80 or more), and the escapes
 * `\" \\ \/ \b \f \n \r \t \uXXXX`; numbers are `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?` of
 * any size; literals `true`, `false`, `null`; any nesting depth; duplicate member names are
 * allowed. `__tests__/functions/waf-log-processor/json-object.test.ts` checks it against
 * `JSON.parse` on records, every prefix of several, random mutations and edge cases.
 */

/** The text is not exactly one JSON object (plain text, truncated JSON, an array, a number, …). */
export const NOT_A_JSON_OBJECT = 0;
/** The text is one JSON object, with no CR or LF anywhere. */
export const JSON_OBJECT = 1;
/** The text is one JSON object with CR or LF between tokens (never inside strings, where they are invalid). */
export const MULTI_LINE_JSON_OBJECT = 2;

/** What {@link classifyJsonObject} found. */
export type JsonObjectKind = typeof NOT_A_JSON_OBJECT | typeof JSON_OBJECT | typeof MULTI_LINE_JSON_OBJECT;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_A = 0x61;
const LOWER_B = 0x62;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_L = 0x6c;
const LOWER_N = 0x6e;
const LOWER_R = 0x72;
const LOWER_S = 0x73;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Open containers, innermost last: true for an object, false for an array. Reused across calls; it
 * grows to the deepest nesting seen (at most one entry per character of a message).
 */
const openContainers: boolean[] = [];

/** 1 for the bytes a string token holds as they are: every byte from 0x20 except `"` and `\`. */
const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let byte = SPACE; byte < 256; byte++)
  PLAIN_STRING_BYTE[byte] = byte === QUOTE || byte === BACKSLASH ? 0 : 1;

function isHexDigit(code: number): boolean {
  return (code >= ZERO && code <= NINE) || ((code | 0x20) >= LOWER_A && (code | 0x20) <= LOWER_F);
}

/**
 * Scans a string token whose opening quote is at `start - 1`.
 *
 * @returns the index after the closing quote, or -1 when the string is not valid JSON (a raw
 *   control character below U+0020, a bad escape, or the stop mark before the closing quote).
 */
function scanString(bytes: Uint8Array, start: number): number {
  let i = start;
  for (;;) {
    let code = bytes[i++]!;
    while (PLAIN_STRING_BYTE[code] === 1) code = bytes[i++]!;
    if (code === QUOTE) return i;
    if (code !== BACKSLASH) return -1; // a control character, or the stop mark (0) after the text
    const escaped = bytes[i++]!;
    if (escaped === LOWER_U) {
      if (
        !isHexDigit(bytes[i]!) ||
        !isHexDigit(bytes[i + 1]!) ||
        !isHexDigit(bytes[i + 2]!) ||
        !isHexDigit(bytes[i + 3]!)
      ) {
        return -1;
      }
      i += 4;
    } else if (
      escaped !== QUOTE &&
      escaped !== BACKSLASH &&
      escaped !== SLASH &&
      escaped !== LOWER_B &&
      escaped !== LOWER_F &&
      escaped !== LOWER_N &&
      escaped !== LOWER_R &&
      escaped !== LOWER_T
    ) {
      return -1;
    }
  }
}

/**
 * Scans a number token starting at `start` (a `-` or a digit).
 *
 * @returns the index after the number, or -1 when it breaks the number grammar (`01`, `1.`, `-`, `1e`).
 */
function scanNumber(bytes: Uint8Array, start: number): number {
  let i = start;
  let code = bytes[i]!;
  if (code === MINUS) code = bytes[++i]!;
  if (code === ZERO) {
    code = bytes[++i]!;
  } else if (code >= ONE && code <= NINE) {
    do code = bytes[++i]!;
    while (code >= ZERO && code <= NINE);
  } else {
    return -1;
  }
  if (code === DOT) {
    code = bytes[++i]!;
    if (!(code >= ZERO && code <= NINE)) return -1;
    do code = bytes[++i]!;
    while (code >= ZERO && code <= NINE);
  }
  if (code === LOWER_E || code === UPPER_E) {
    code = bytes[++i]!;
    if (code === PLUS || code === MINUS) code = bytes[++i]!;
    if (!(code >= ZERO && code <= NINE)) return -1;
    do code = bytes[++i]!;
    while (code >= ZERO && code <= NINE);
  }
  return i;
}

/** Set by {@link skipWhitespace} when it passes CR or LF; {@link classify} clears it first. */
let lineBreakSeen = false;

/** Index of the first byte at or after `i` that is not JSON whitespace (notes CR and LF in `lineBreakSeen`). */
function skipWhitespace(bytes: Uint8Array, i: number): number {
  let code = bytes[i]!;
  while (code === SPACE || code === TAB || code === LF || code === CR) {
    if (code !== SPACE && code !== TAB) lineBreakSeen = true;
    code = bytes[++i]!;
  }
  return i;
}

/**
 * At `i`, where an object member starts: its name, whitespace, `:` and whitespace.
 *
 * @returns the index of the member's value, or -1 when the text there is not `"name" :`.
 */
function skipMemberName(bytes: Uint8Array, i: number): number {
  if (bytes[i] !== QUOTE) return -1;
  i = scanString(bytes, i + 1);
  if (i < 0) return -1;
  i = skipWhitespace(bytes, i);
  if (bytes[i] !== COLON) return -1;
  return skipWhitespace(bytes, i + 1);
}

/**
 * Tells whether the UTF-8 text `bytes[start, end)` is exactly one JSON object, optionally
 * surrounded by JSON whitespace, without building it: for the UTF-8 encoding of any JavaScript
 * string `s` (`Buffer.write` turns lone surrogates into U+FFFD, which is valid wherever a lone
 * surrogate is, i.e. only inside strings), the answer is whether `JSON.parse(s)` returns a
 * non-null, non-array object. One pass, no allocation beyond a reused stack of open containers.
 *
 * `bytes[end]` must exist (`end < bytes.length`): it is set to 0 during the call as a stop mark, so
 * no loop needs a bounds check, and restored before returning.
 *
 * @param bytes buffer holding the text (e.g. the output buffer a message was just written into).
 * @param start index of the text's first byte.
 * @param end index after the text's last byte.
 * @returns {@link NOT_A_JSON_OBJECT} when `JSON.parse` would throw or return anything but an
 *   object; {@link MULTI_LINE_JSON_OBJECT} for an object whose text contains CR or LF (as
 *   whitespace between tokens, the only place valid JSON can hold them raw); {@link JSON_OBJECT}
 *   otherwise.
 * @throws RangeError when `end` is not below `bytes.length` or `start` is outside `0..end`.
 */
export function classifyJsonObject(bytes: Uint8Array, start: number, end: number): JsonObjectKind {
  if (!(start >= 0 && start <= end && end < bytes.length)) {
    throw new RangeError(
      `classifyJsonObject: expected 0 <= start <= end < bytes.length, got start ${start}, end ${end}, length ${bytes.length}`,
    );
  }
  const saved = bytes[end]!;
  bytes[end] = 0;
  const kind = classify(bytes, start, end);
  bytes[end] = saved;
  return kind;
}

/** {@link classifyJsonObject} with the stop mark (a 0 byte) in place at `bytes[end]`. */
function classify(bytes: Uint8Array, start: number, end: number): JsonObjectKind {
  const stack = openContainers;
  let depth = 0;
  lineBreakSeen = false;
  let i = skipWhitespace(bytes, start);
  let code = bytes[i]!;
  if (code !== OPEN_BRACE) return NOT_A_JSON_OBJECT;
  // Invariant at the top of this loop: `code` is the first byte of a value, at `i`.
  for (;;) {
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      const isObject: boolean = code === OPEN_BRACE;
      i = skipWhitespace(bytes, i + 1);
      code = bytes[i]!;
      if (code !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        stack[depth++] = isObject;
        if (isObject) {
          // The first member name, then ':', then its value.
          i = skipMemberName(bytes, i);
          if (i < 0) return NOT_A_JSON_OBJECT;
          code = bytes[i]!;
        }
        continue;
      }
      i++; // the empty container's closing character; a complete value
    } else if (code === QUOTE) {
      i = scanString(bytes, i + 1);
      if (i < 0) return NOT_A_JSON_OBJECT;
    } else if (code === MINUS || (code >= ZERO && code <= NINE)) {
      i = scanNumber(bytes, i);
      if (i < 0) return NOT_A_JSON_OBJECT;
    } else if (
      code === LOWER_T &&
      bytes[i + 1] === LOWER_R &&
      bytes[i + 2] === LOWER_U &&
      bytes[i + 3] === LOWER_E
    ) {
      i += 4;
    } else if (
      code === LOWER_F &&
      bytes[i + 1] === LOWER_A &&
      bytes[i + 2] === LOWER_L &&
      bytes[i + 3] === LOWER_S &&
      bytes[i + 4] === LOWER_E
    ) {
      i += 5;
    } else if (
      code === LOWER_N &&
      bytes[i + 1] === LOWER_U &&
      bytes[i + 2] === LOWER_L &&
      bytes[i + 3] === LOWER_L
    ) {
      i += 4;
    } else {
      return NOT_A_JSON_OBJECT;
    }
    // A value ended at `i`: close containers, or go on to the next element or member.
    for (;;) {
      i = skipWhitespace(bytes, i);
      code = bytes[i]!;
      if (depth === 0) {
        if (i !== end) return NOT_A_JSON_OBJECT;
        return lineBreakSeen ? MULTI_LINE_JSON_OBJECT : JSON_OBJECT;
      }
      const inObject = stack[depth - 1];
      if (code === COMMA) {
        i = skipWhitespace(bytes, i + 1);
        if (inObject) {
          i = skipMemberName(bytes, i);
          if (i < 0) return NOT_A_JSON_OBJECT;
        }
        code = bytes[i]!;
        break;
      }
      if (code !== (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) return NOT_A_JSON_OBJECT;
      depth--;
      i++;
    }
  }
}
