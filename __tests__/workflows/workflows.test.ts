import { validateWorkflow } from "@action-validator/core";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "..", "..", ".github", "workflows");
const workflows = readdirSync(dir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));

describe("GitHub workflows", () => {
  it("are the coverage audit, deploy and pull-request workflows", () => {
    expect(workflows.map((w) => w.name)).toEqual(["audit.yml", "deploy.yml", "pull-request.yml"]);
  });

  it.each(workflows)("$name passes action-validator (schema and syntax)", ({ text }) => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it.each(workflows)("$name grants least privilege: top-level permissions contents: read", ({ text }) => {
    expect(text).toMatch(/^permissions:\n {2}contents: read\n\n(?!\s)/m);
  });

  it.each(workflows)("$name pins every action to a major version or a commit", ({ text }) => {
    const uses = [...text.matchAll(/uses: (\S+)/g)].map((match) => match[1]);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((action) => !/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(action ?? ""))).toEqual([]);
  });
});

const engines = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8"),
).engines;

/** The jobs of a workflow: name and text (the lines under `jobs:` indented by two spaces). */
function jobsOf(text: string): { job: string; text: string }[] {
  const body = text.slice(text.indexOf("\njobs:\n"));
  return [...body.matchAll(/^ {2}([\w-]+):\n((?: {4}.*\n|\n)*)/gm)].map((m) => ({
    job: m[1] ?? "",
    text: m[2] ?? "",
  }));
}

describe("GitHub workflows' Node.js and npm (issue 15)", () => {
  const jobs = workflows.flatMap(({ name, text }) => jobsOf(text).map((job) => ({ name, ...job })));

  it("finds the jobs", () => {
    expect(jobs.map(({ name, job }) => `${name}:${job}`)).toEqual([
      "audit.yml:environments",
      "audit.yml:audit",
      "deploy.yml:synth",
      "deploy.yml:deploy",
      "pull-request.yml:test",
      "pull-request.yml:plan",
    ]);
  });

  it.each(workflows)("$name sets up Node.js from .node-version only", ({ text }) => {
    const setups = text.match(/uses: actions\/setup-node@/g) ?? [];
    expect(setups.length).toBeGreaterThan(0);
    expect(text.match(/^ +node-version-file: \.node-version$/gm)?.length).toBe(setups.length);
    expect(text).not.toMatch(/^ +node-version:/m);
  });

  it.each(jobs)("$name job $job installs an npm that satisfies engines.npm before npm ci", ({ text }) => {
    const ci = text.indexOf("run: npm ci");
    if (ci < 0) return;
    const install = /run: npm install -g npm@(\S+)\n/.exec(text);
    expect(install?.index ?? Infinity).toBeLessThan(ci);
    expect(semver.valid(install?.[1])).toBe(install?.[1]);
    expect(semver.satisfies(install?.[1] ?? "", engines.npm)).toBe(true);
  });
});

describe("workflow lint", () => {
  it("reports an unknown job property, so a broken workflow fails the test run", () => {
    const broken = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    stepz: []\n";
    const details = JSON.stringify(validateWorkflow(broken).errors);
    expect(details).toContain("Additional property 'stepz' is not allowed");
  });

  it("reports invalid YAML with its line", () => {
    const broken =
      "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo a: b\n";
    expect(validateWorkflow(broken).errors).toMatchObject([{ code: "parse_error", location: { line: 6 } }]);
  });
});
