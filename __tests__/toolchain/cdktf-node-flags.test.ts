// Issue 15: under Node.js 22 cdktf 0.21 prints DEP0044 (util.isArray) on every synth. Every process
// that loads cdktf hides exactly that warning (commands/lib/cdktf-node-flags.ts), and every other
// warning still prints.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import { CDKTF_NODE_FLAGS } from "../../commands/lib/cdktf-node-flags.js";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth.js";

const TSX_CLI = join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const FIXTURE = join(PROJECT_ROOT, "__tests__", "fixtures", "warnings", "synth-then-warn.ts");
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/** The arguments between `tsx` and `main.ts` in the `&&`-chained command that runs main.ts. */
function tsxArgumentsBeforeMainTs(command: string): string[] | undefined {
  for (const part of command.split("&&")) {
    const words = part.trim().split(/\s+/);
    const tsx = words.indexOf("tsx");
    if (words.at(-1) === "main.ts" && tsx >= 0) return words.slice(tsx + 1, -1);
  }
  return undefined;
}

const scratch = mkdtempSync(join(tmpdir(), "waf-warnings-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the fixture (a cdktf synth, then two other warnings) with `tsx [flags]`; returns stderr. */
function runFixture(flags: readonly string[], name: string): { status: number | null; stderr: string } {
  const outdir = join(scratch, name);
  const result = spawnSync(process.execPath, [TSX_CLI, ...flags, FIXTURE, outdir], { encoding: "utf8" });
  expect(existsSync(join(outdir, "stacks", "warnings", "cdk.tf.json"))).toBe(true);
  return { status: result.status, stderr: result.stderr };
}

describe("Node.js flags of processes that load cdktf", () => {
  it("are exactly --disable-warning=DEP0044", () => {
    expect(CDKTF_NODE_FLAGS).toEqual(["--disable-warning=DEP0044"]);
  });

  it("start main.ts in npm run synth (package.json)", () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(tsxArgumentsBeforeMainTs(pkg.scripts.synth)).toEqual(CDKTF_NODE_FLAGS);
  });

  it("start main.ts in cdktf synth and cdktf deploy (cdktf.json app)", () => {
    const cdktf = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8"));
    expect(tsxArgumentsBeforeMainTs(cdktf.app)).toEqual(CDKTF_NODE_FLAGS);
  });

  it("are given to the vitest workers, which synthesize stacks in process", () => {
    expect(process.execArgv).toEqual(expect.arrayContaining([...CDKTF_NODE_FLAGS]));
  });
});

describe("warnings of a synth with those flags", () => {
  const { status, stderr } = runFixture(CDKTF_NODE_FLAGS, "with-flags");

  it("do not include cdktf's DEP0044 (util.isArray)", () => {
    expect(status).toBe(0);
    expect(stderr).not.toContain("DEP0044");
  });

  it("still include another Node.js deprecation (DEP0005, Buffer())", () => {
    expect(stderr).toMatch(/^\(node:\d+\) \[DEP0005\] DeprecationWarning: Buffer\(\) is deprecated/m);
  });

  it("still include a plain warning", () => {
    expect(stderr).toMatch(/^\(node:\d+\) \[WLP_FIXTURE\] Warning: a plain warning from the fixture$/m);
  });
});

describe.runIf(NODE_MAJOR >= 22)("warnings of the same synth without the flags (Node.js >= 22)", () => {
  it("include cdktf's DEP0044, so the flag is what hides it", () => {
    const { status, stderr } = runFixture([], "without-flags");
    expect(status).toBe(0);
    expect(stderr).toMatch(
      /^\(node:\d+\) \[DEP0044\] DeprecationWarning: The `util.isArray` API is deprecated/m,
    );
  });
});

describe("eslint", () => {
  const eslint = new ESLint({ cwd: PROJECT_ROOT });
  const rulesFiring = async (code: string) =>
    (await eslint.lintText(code, { filePath: join(PROJECT_ROOT, "src", "example.ts") }))
      .flatMap((result) => result.messages)
      .map((message) => message.ruleId);

  it("rejects util.isArray in the project's code, whose warning the flag would hide", async () => {
    expect(await rulesFiring('import util from "node:util";\nexport const a = util.isArray([]);\n')).toEqual([
      "no-restricted-properties",
    ]);
  });

  it("rejects importing isArray from node:util", async () => {
    expect(
      await rulesFiring('import { isArray } from "node:util";\nexport const a = isArray([]);\n'),
    ).toEqual(["no-restricted-imports"]);
  });

  it("accepts Array.isArray", async () => {
    expect(await rulesFiring("export const a = Array.isArray([]);\n")).toEqual([]);
  });
});
