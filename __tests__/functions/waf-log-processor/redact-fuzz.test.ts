import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateWafLogEvents, Random } from "../../../commands/lib/waf-records";
import { sampleRecords } from "../../helpers/cloudwatch-logs-event";
import { callEachGuarded } from "../../helpers/guarded-calls";

const REDACT = "functions/waf-log-processor/redact.ts";
const NAMES: ReadonlySet<string> = new Set(["cookie", "authorization", "user-agent"]);

/** Characters that change JSON's structure, plus some that do not. */
const ALPHABET = [
  "{",
  "}",
  "[",
  "]",
  '"',
  ":",
  ",",
  "\\",
  " ",
  "\n",
  "u",
  "0",
  "9",
  "-",
  "e",
  "n",
  "a",
  "é",
  "\u2028",
];

/** Records to mutate: the samples and generated WAF records that carry Cookie, Authorization and User-Agent headers. */
function baseRecords(): string[] {
  const generated = generateWafLogEvents({ count: 300, seed: 7 }).map((event) => event.message);
  return [
    ...sampleRecords(),
    ...generated.filter((message) => /"name":"(Cookie|Authorization)"/.test(message)).slice(0, 40),
  ];
}

/** One to four edits (replace, insert or delete one character), then a cut at a random point half of the time. */
function mutate(record: string, random: Random): string {
  let text = record;
  for (let edits = random.int(1, 4); edits > 0; edits--) {
    const at = random.int(0, text.length - 1);
    const kind = random.int(0, 2);
    if (kind === 0) text = text.slice(0, at) + random.pick(ALPHABET) + text.slice(at + 1);
    else if (kind === 1) text = text.slice(0, at) + random.pick(ALPHABET) + text.slice(at);
    else text = text.slice(0, at) + text.slice(at + 1);
  }
  return random.chance(0.5) ? text.slice(0, random.int(0, text.length)) : text;
}

/** What redaction must give for a record that JSON.parse reads as an object: the parsed record with those header values "XXX". */
function reference(record: string): unknown {
  const parsed = JSON.parse(record) as { httpRequest?: { headers?: unknown } };
  const headers = parsed.httpRequest?.headers;
  if (Array.isArray(headers)) {
    for (const header of headers as unknown[]) {
      if (typeof header !== "object" || header === null || Array.isArray(header)) continue;
      const { name } = header as { name?: unknown };
      const lower = typeof name === "string" ? name.replace(/[A-Z]+/g, (l) => l.toLowerCase()) : undefined;
      if (lower !== undefined && NAMES.has(lower) && "value" in header)
        (header as { value: unknown }).value = "XXX";
    }
  }
  return parsed;
}

function parsesAsObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

describe("redactHeaderValues on truncated and mutated records", () => {
  const records = baseRecords();
  const random = new Random(20261204);
  const truncated = records
    .slice(0, 6)
    .flatMap((record) => Array.from({ length: record.length }, (_, n) => record.slice(0, n)));
  const mutated = Array.from({ length: 12_000 }, () => mutate(random.pick(records), random));
  const inputs = [...truncated, ...mutated];

  it(`returns on every one of ${inputs.length} inputs (${mutated.length} mutated, ${truncated.length} truncated), each within the time limit`, async () => {
    const run = await callEachGuarded<string>(inputs, {
      entry: REDACT,
      exportName: "redactHeaderValues",
      args: [NAMES],
      timeoutMs: 20_000,
    });

    expect(run.hung).toBeUndefined();
    expect(run.results).toHaveLength(inputs.length);
    expect(run.results.every((result) => typeof result === "string")).toBe(true);
  });

  it("redacts exactly the matching header values of every input that is still a JSON object", async () => {
    const objects = inputs.filter(parsesAsObject);
    const run = await callEachGuarded<string>(objects, {
      entry: REDACT,
      exportName: "redactHeaderValues",
      args: [NAMES],
      timeoutMs: 20_000,
    });

    const wrong = objects.filter(
      (input, n) => JSON.stringify(JSON.parse(run.results[n]!)) !== JSON.stringify(reference(input)),
    );
    expect(objects.length).toBeGreaterThan(1_000);
    expect(wrong).toEqual([]);
  });

  it("changes a truncated record only by redacting header values it completed", async () => {
    const record =
      '{"httpRequest":{"headers":[{"name":"Cookie","value":"secret"},{"name":"Authorization","value":"Bearer t';

    const run = await callEachGuarded<string>([record], {
      entry: REDACT,
      exportName: "redactHeaderValues",
      args: [NAMES],
      timeoutMs: 10_000,
    });

    expect(run.results).toEqual([record.replace('"secret"', '"XXX"')]);
  });
});

describe("callEachGuarded", () => {
  it("reports a call that never returns, with its input, instead of hanging", async () => {
    const dir = await mkdtemp(join(tmpdir(), "guarded-"));
    try {
      const entry = join(dir, "hang.ts");
      await writeFile(
        entry,
        'export function hangOnX(text: string): string { while (text === "x") {} return text; }\n',
      );

      const run = await callEachGuarded<string>(["a", "b", "x", "c"], {
        entry,
        exportName: "hangOnX",
        timeoutMs: 1_000,
      });

      expect(run.hung).toEqual({ index: 2, input: "x" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
