/**
 * Builds every Lambda function under `functions/<name>/index.ts` into one CommonJS bundle,
 * `dist/<name>/index.cjs` (Lambda handler `index.handler`). The bundle is the artifact:
 * Terraform zips exactly this file, and `replay` and `bench` run it.
 *
 * The output is byte-identical on every machine and run: paths are resolved relative to the
 * project root, no source maps, no timestamps. Run with `npm run build`.
 */
import { build } from "esbuild";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Names of the function directories that have an `index.ts` entry point. */
export function functionNames(): string[] {
  const dir = join(root, "functions");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "index.ts")))
    .map((entry) => entry.name)
    .sort();
}

for (const name of functionNames()) {
  await build({
    absWorkingDir: root,
    entryPoints: [`functions/${name}/index.ts`],
    outfile: `dist/${name}/index.cjs`,
    bundle: true,
    platform: "node",
    // Lambda runs nodejs22.x; the bundle must also run on Node 20 for replay and bench here.
    target: "node20",
    format: "cjs",
    // Prefer the ESM builds of the AWS SDK so unused code is tree-shaken away.
    mainFields: ["module", "main"],
    minify: true,
    keepNames: true,
    legalComments: "eof",
    charset: "utf8",
    sourcemap: false,
    logLevel: "warning",
  });
  console.log(`built dist/${name}/index.cjs`);
}
