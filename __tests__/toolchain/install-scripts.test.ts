// Issue 15: which dependencies may run install scripts is decided in package.json `allowScripts`
// (npm >= 11.19, https://docs.npmjs.com/cli/v11/commands/npm-install-scripts), and `.npmrc`
// `strict-allow-scripts=true` makes npm ci fail on any install script nobody decided on, so
// `npm ci` is quiet and does the same on every machine. The reasons are in README "Install scripts".
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth.js";
import { nodeBinary } from "../helpers/node-binaries.js";

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), "utf8");
const pkg = JSON.parse(read("package.json")) as { allowScripts: Record<string, boolean> };
const lock = JSON.parse(read("package-lock.json")) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

/** `name@version` of every locked package that has an install script, sorted. */
const withInstallScripts = Object.entries(lock.packages)
  .filter(([, entry]) => entry.hasInstallScript === true)
  .map(
    ([path, entry]) =>
      `${path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)}@${entry.version}`,
  )
  .sort();

/** Whether an `allowScripts` key (`name` or `name@version`) covers `name@version`. */
const covers = (key: string, nameAtVersion: string) =>
  key === nameAtVersion || key === nameAtVersion.slice(0, nameAtVersion.lastIndexOf("@"));

describe("install scripts", () => {
  it("are those of esbuild and @cdktf/node-pty-prebuilt-multiarch in the lockfile", () => {
    expect(withInstallScripts).toEqual(["@cdktf/node-pty-prebuilt-multiarch@0.10.2", "esbuild@0.28.2"]);
  });

  it("may run for esbuild (checks its platform binary) and may not for node-pty (its binary ships prebuilt)", () => {
    expect(pkg.allowScripts).toEqual({ esbuild: true, "@cdktf/node-pty-prebuilt-multiarch": false });
  });

  it("each have a decision in allowScripts", () => {
    const undecided = withInstallScripts.filter(
      (nameAtVersion) => !Object.keys(pkg.allowScripts).some((key) => covers(key, nameAtVersion)),
    );
    expect(undecided).toEqual([]);
  });

  it("have no stale decision: every allowScripts key covers a locked package with an install script", () => {
    const stale = Object.keys(pkg.allowScripts).filter(
      (key) => !withInstallScripts.some((nameAtVersion) => covers(key, nameAtVersion)),
    );
    expect(stale).toEqual([]);
  });

  it("without a decision fail npm ci (.npmrc strict-allow-scripts)", () => {
    expect(read(".npmrc").split("\n")).toContain("strict-allow-scripts=true");
  });
});

const node22 = nodeBinary(22);
if (node22 === undefined) {
  console.warn(
    "\n*** SKIPPED: node-pty under Node.js 22: no Node.js 22 here (npm ci --prefix .ci/node). ***\n",
  );
}

describe.skipIf(node22 === undefined)(
  "cdktf deploy's pseudo-terminal (node-pty, install script denied)",
  () => {
    it("starts a process under Node.js 22 from the binary that ships in the package", () => {
      const script = [
        'const pty = require("@cdktf/node-pty-prebuilt-multiarch");',
        'const child = pty.spawn("/bin/echo", ["pty works"], {});',
        'let out = "";',
        "child.onData((data) => (out += data));",
        "child.onExit(({ exitCode }) => console.log(JSON.stringify({ exitCode, out: out.trim() })));",
      ].join("\n");
      const result = spawnSync(node22?.path ?? "", ["-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual({ exitCode: 0, out: "pty works" });
    });
  },
);
