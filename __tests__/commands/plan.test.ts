import { describe, expect, it } from "vitest";
import { main, parsePlanArgs, PLAN_USAGE } from "../../commands/plan.js";

/** Runs main with `argv` and returns the exit code and what it printed. */
async function runMain(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

describe("plan's command line", () => {
  it("reads every option", () => {
    expect(
      parsePlanArgs(["--stack", "a", "--stack", "b", "--skip-synth", "--json-dir", "plans", "--list-json"]),
    ).toEqual({ stacks: ["a", "b"], skipSynth: true, jsonDir: "plans", listJson: true, help: false });
  });

  it("plans every stack, after a synth, by default", () => {
    expect(parsePlanArgs([])).toEqual({
      stacks: [],
      skipSynth: false,
      jsonDir: undefined,
      listJson: false,
      help: false,
    });
  });

  it("exits 2 with the usage for an unknown option, before synthesizing anything", async () => {
    const { code, stdout, stderr } = await runMain("--stacks", "dev");
    expect([code, stdout]).toEqual([2, []]);
    expect(stderr).toEqual([`Unknown option '--stacks'\n${PLAN_USAGE}`]);
  });

  it("exits 2 for a positional argument", async () => {
    expect((await runMain("dev")).code).toBe(2);
  });

  it("prints the usage for --help and exits 0", async () => {
    expect(await runMain("--help")).toEqual({ code: 0, stdout: [PLAN_USAGE], stderr: [] });
  });
});
