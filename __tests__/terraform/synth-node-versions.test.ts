// The synth does not depend on the Node.js version (issue 15): the committed configuration,
// synthesized under Node.js 22 (the project's Node, .node-version) and 24, and under 20 where it is
// on PATH (the build machines' default), gives byte-identical cdktf.out trees. Needs the processor
// bundle (`npm run build`, which npm test runs first; the bundle is esbuild's output, not Node's)
// and Node.js 22 and 24: .ci/run installs them into .ci/node (`npm ci --prefix .ci/node` does it
// by hand); where they are missing the test says so and skips.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnder } from "../../commands/lib/file-tree.js";
import { PROJECT_ROOT, synthApp } from "../../commands/lib/terraform-synth.js";
import { CI_NODE_DIR, nodeBinaries, type NodeBinary } from "../helpers/node-binaries.js";

/** Node.js majors the synth must be compared under; others found (20) are compared too. */
const REQUIRED_MAJORS = [22, 24];

const binaries = nodeBinaries();
const missing = REQUIRED_MAJORS.filter((major) => !binaries.some((binary) => binary.major === major));
const bundle = join(PROJECT_ROOT, "dist", "waf-log-processor", "index.cjs");
const reason =
  missing.length > 0
    ? `no Node.js ${missing.join(" or ")} here (install them with npm ci --prefix ${CI_NODE_DIR}, as .ci/run does)`
    : !existsSync(bundle)
      ? `the processor bundle ${bundle} is missing (run npm run build)`
      : undefined;
if (reason !== undefined)
  console.warn(`\n*** SKIPPED: synth under several Node.js versions: ${reason}. ***\n`);

let root: string;
const outputs = new Map<NodeBinary, string>();

beforeAll(async () => {
  if (reason !== undefined) return;
  console.info(`synth compared under Node.js ${binaries.map((binary) => binary.version).join(", ")}`);
  root = await mkdtemp(join(tmpdir(), "waf-synth-node-"));
  for (const binary of binaries) {
    const outdir = join(root, binary.version);
    await synthApp(outdir, { node: binary.path });
    outputs.set(binary, outdir);
  }
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const versions = binaries.map((binary) => binary.version).join(", ");
describe.skipIf(reason !== undefined)(`synth under Node.js ${versions}`, () => {
  it("runs under Node.js 22 and 24", () => {
    const majors = [...outputs.keys()].map((binary) => binary.major);
    expect(majors).toEqual(expect.arrayContaining(REQUIRED_MAJORS));
  });

  it("writes byte-identical cdktf.out trees under every version", () => {
    const [reference, ...others] = [...outputs.entries()];
    if (reference === undefined) throw new Error("no synth output");
    const [referenceNode, referenceDir] = reference;
    const files = filesUnder(referenceDir);
    expect(files).toContain("manifest.json");
    for (const [binary, dir] of others) {
      expect({ node: binary.version, files: filesUnder(dir) }).toEqual({ node: binary.version, files });
      const differing = files.filter(
        (file) => !readFileSync(join(referenceDir, file)).equals(readFileSync(join(dir, file))),
      );
      expect({ node: binary.version, against: referenceNode.version, differing }).toEqual({
        node: binary.version,
        against: referenceNode.version,
        differing: [],
      });
    }
  });
});
