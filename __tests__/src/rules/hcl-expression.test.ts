import { describe, expect, it } from "vitest";
import { parseHclValue, parseJsonencodeExpression } from "../../../src/rules/hcl-expression";

describe("parseJsonencodeExpression", () => {
  it("reads the object cdktf writes for Fn.jsonencode, keeping references as ${...}", () => {
    const text =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Deny", "Resource" = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"], "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}]})}';

    expect(parseJsonencodeExpression(text)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Resource: ["${aws_s3_bucket.b.arn}", "${aws_s3_bucket.b.arn}/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  it("returns undefined for text that is not one jsonencode expression", () => {
    expect(parseJsonencodeExpression('{"Version": "2012-10-17"}')).toBeUndefined();
  });
});

describe("parseHclValue", () => {
  it("reads numbers, booleans, null, bare keys, escapes and function calls", () => {
    expect(
      parseHclValue('{max = 3, on = true, off = null, "q" = "a\\"b\\u0041$${x}", f = lookup(var.m, "k", 1)}'),
    ).toEqual({
      max: 3,
      on: true,
      off: null,
      q: 'a"bA${x}',
      f: '${lookup(var.m, "k", 1)}',
    });
  });

  it("reports where the text stops being a value", () => {
    expect(() => parseHclValue('{"a" 1}')).toThrow(
      'expected "=" or ":" after an object key at offset 5 (near "1}")',
    );
  });

  it("reports an unterminated string", () => {
    expect(() => parseHclValue('["abc')).toThrow('unterminated string at offset 5 (near "")');
  });
});
