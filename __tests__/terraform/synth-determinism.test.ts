// Synth output must be portable and reproducible (issue 3 "Tests and checks"): no absolute path
// anywhere in it, and two synths into different directories write byte-identical files.
// Needs the lambda bundle (`npm run build`, which npm test runs first).
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnder } from "../../commands/lib/file-tree.js";
import { PROJECT_ROOT, synthApp } from "../../commands/lib/terraform-synth.js";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../src/config.js";

let first: string;
let secondRoot: string;
let second: string;

beforeAll(async () => {
  first = await mkdtemp(join(tmpdir(), "waf-synth-a-"));
  // A deeper, longer path, so a path or its length leaking into the output shows as a difference.
  secondRoot = await mkdtemp(join(tmpdir(), "waf-synth-bb-"));
  second = join(secondRoot, "nested", "out");
  await synthApp(first);
  await synthApp(second);
}, 300_000);

afterAll(async () => {
  for (const dir of [first, secondRoot]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("synth output", () => {
  it("writes the manifest, and for each stack its cdk.tf.json and, where it has a processor, the bundle asset", () => {
    const files = filesUnder(first);
    expect(files).toContain("manifest.json");
    const stacks = files.filter((f) => /^stacks\/[^/]+\/cdk\.tf\.json$/.test(f));
    expect(stacks.length).toBeGreaterThan(0);
    const withProcessor = stacks.filter((stack) =>
      readFileSync(join(first, stack), "utf8").includes('"aws_lambda_function"'),
    );
    // Every stack but an estate's archive stack and its s3 sources' stacks has a processor.
    const config = loadConfig(join(PROJECT_ROOT, DEFAULT_CONFIG_PATH));
    const withoutProcessor = Object.values(config.estates).flatMap((estate) => [
      estate.archive.stackName,
      ...estate.sources.filter((source) => source.type === "s3").map((source) => source.stackName),
    ]);
    expect(stacks.filter((stack) => !withProcessor.includes(stack)).sort()).toEqual(
      withoutProcessor.map((name) => `stacks/${name}/cdk.tf.json`).sort(),
    );
    for (const stack of withProcessor) {
      const dir = stack.slice(0, -"cdk.tf.json".length);
      expect(files.some((f) => f.startsWith(`${dir}assets/`) && f.endsWith("/index.cjs"))).toBe(true);
    }
  });

  it("is byte-identical when synthesized twice into different directories", () => {
    const files = filesUnder(first);
    expect(filesUnder(second)).toEqual(files);
    const differing = files.filter(
      (file) => !readFileSync(join(first, file)).equals(readFileSync(join(second, file))),
    );
    expect(differing).toEqual([]);
  });

  it("contains no absolute path: not the output directory, the repository, /tmp/, /work/ or the home directory", () => {
    const forbidden = [first, PROJECT_ROOT, process.cwd(), homedir(), tmpdir(), "/tmp/", "/work/"];
    const hits: string[] = [];
    for (const file of filesUnder(first)) {
      const text = readFileSync(join(first, file), "utf8");
      for (const path of forbidden) if (text.includes(path)) hits.push(`${file}: ${path}`);
    }
    expect(hits).toEqual([]);
  });
});
