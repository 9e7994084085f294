import { validateWorkflow } from "@action-validator/core";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
