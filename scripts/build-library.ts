/**
 * Builds the construct library that `package.json` exports (see the README, "Use as a library"):
 * `dist/lib/index.js`, one ES module bundled from `src/index.ts` with every package left external, and
 * its type declarations under `dist/lib/types/` (tsc, `tsconfig.lib.json`). Together with the
 * processor bundle (`npm run build`) it is what `npm pack` ships; `prepack` runs both.
 *
 * Imports of the providers' deep paths (`@cdktf/provider-aws/lib/s3-bucket`) name the directory's
 * `index.js`: the providers have no `exports` map, and Node's ES module loader does not resolve a
 * directory. Output is byte-identical on every machine (no source maps, no absolute paths).
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** `@cdktf/provider-<name>/lib/<resource>` → the same path with `/index.js`, kept external. */
const providerDeepImports: Plugin = {
  name: "provider-deep-imports",
  setup(plugin) {
    plugin.onResolve({ filter: /^@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+$/ }, (args) => ({
      path: `${args.path}/index.js`,
      external: true,
    }));
  },
};

rmSync(join(root, "dist/lib"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/index.ts"],
  outfile: "dist/lib/index.js",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  packages: "external",
  plugins: [providerDeepImports],
  charset: "utf8",
  sourcemap: false,
  logLevel: "warning",
});
execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.lib.json"], {
  cwd: root,
  stdio: "inherit",
});
console.log("built dist/lib/index.js and dist/lib/types/");
