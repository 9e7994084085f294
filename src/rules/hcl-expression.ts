/**
 * A reader for the small part of the HCL expression syntax that cdktf writes for `Fn.jsonencode(value)`:
 * `${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Action" = "s3:*", "Resource" = aws_s3_bucket.b.arn}]})}`.
 *
 * Security rules read policies in that form the same way as policies written with `JSON.stringify`.
 * Syntax: https://developer.hashicorp.com/terraform/language/expressions/types (objects, tuples,
 * strings with `${…}` templates, numbers, bools, null). Anything else (a reference such as
 * `aws_s3_bucket.b.arn`, a function call) is kept as the text `${<expression>}`, the same form a
 * reference has inside a JSON string after cdktf resolves it.
 */

/** Thrown when the text is not a value of the supported HCL subset. The message names the offset. */
export class HclExpressionError extends Error {
  override name = "HclExpressionError";
}

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/**
 * If `text` is exactly one `${jsonencode(<value>)}` expression, returns the value as plain JSON-like data
 * (objects, arrays, strings, numbers, booleans, null; references as `"${expr}"` strings); otherwise
 * `undefined`.
 *
 * @throws HclExpressionError when the argument of jsonencode is not a value of the supported subset.
 */
export function parseJsonencodeExpression(text: string): unknown {
  const match = JSONENCODE.exec(text);
  if (!match) return undefined;
  return parseHclValue(match[1] ?? "");
}

/**
 * Parses one HCL value (see the module doc for the subset) that makes up the whole of `text`.
 *
 * @throws HclExpressionError with the character offset of the first unexpected input.
 */
export function parseHclValue(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail("expected the end of the expression");
  return value;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(expected: string): never {
    const near = this.text.slice(this.pos, this.pos + 30);
    throw new HclExpressionError(`${expected} at offset ${this.pos} (near ${JSON.stringify(near)})`);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.tuple();
    if (c === '"') return this.string();
    return this.bare();
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++; // {
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return result;
      }
      const key = this.text[this.pos] === '"' ? this.string() : this.identifier();
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep !== "=" && sep !== ":") this.fail('expected "=" or ":" after an object key');
      this.pos++;
      result[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}" && this.atEnd()) this.fail('expected "}"');
    }
  }

  private tuple(): unknown[] {
    const result: unknown[] = [];
    this.pos++; // [
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "]") {
        this.pos++;
        return result;
      }
      if (this.atEnd()) this.fail('expected "]"');
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "]") this.fail('expected "," or "]"');
    }
  }

  private identifier(): string {
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail("expected an object key");
    this.pos += match[0].length;
    return match[0];
  }

  /** A quoted template; `${…}` interpolations are kept verbatim, escapes are decoded. */
  private string(): string {
    this.pos++; // opening quote
    let out = "";
    while (!this.atEnd()) {
      const c = this.text[this.pos] as string;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === "\\") {
        const next = this.text[this.pos + 1];
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
        if (next !== undefined && next in simple) {
          out += simple[next];
          this.pos += 2;
          continue;
        }
        if (next === "u") {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("expected four hex digits after \\u");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
          continue;
        }
        this.fail("unsupported escape sequence");
      }
      if ((c === "$" || c === "%") && this.text[this.pos + 1] === c && this.text[this.pos + 2] === "{") {
        out += `${c}{`; // $${ and %%{ are literal ${ and %{
        this.pos += 3;
        continue;
      }
      if (c === "$" && this.text[this.pos + 1] === "{") {
        const end = this.matching(this.pos + 1);
        out += this.text.slice(this.pos, end + 1);
        this.pos = end + 1;
        continue;
      }
      out += c;
      this.pos++;
    }
    return this.fail("unterminated string");
  }

  /** A number, bool, null or any other expression (kept as `${expression}`). */
  private bare(): unknown {
    const start = this.pos;
    let depth = 0;
    while (!this.atEnd()) {
      const c = this.text[this.pos] as string;
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
      this.pos++;
    }
    const expression = this.text.slice(start, this.pos).trim();
    if (expression === "") this.fail("expected a value");
    if (expression === "true") return true;
    if (expression === "false") return false;
    if (expression === "null") return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(expression)) return Number(expression);
    return `\${${expression}}`;
  }

  /** Offset of the brace that closes the one at `open`, skipping nested braces and strings. */
  private matching(open: number): number {
    let depth = 0;
    for (let i = open; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === "{") depth++;
      else if (c === "}") {
        depth--;
        if (depth === 0) return i;
      } else if (c === '"') {
        // a quoted string inside an interpolation, e.g. ${replace(x, "a", "b")}
        i++;
        while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === "\\" ? 2 : 1;
      }
    }
    this.pos = open;
    return this.fail('unterminated "${"');
  }
}
