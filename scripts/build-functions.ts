/**
 * Builds every Lambda function under `functions/<name>/index.ts` into one CommonJS bundle,
 * `dist/<name>/index.cjs` (Lambda handler `index.handler`). The bundle is the artifact:
 * Terraform zips exactly this file, and `replay` and `bench` run it.
 *
 * The output is byte-identical on every machine and run: paths are resolved relative to the
 * project root, no source maps, no timestamps. Run with `npm run build`.
 */
import { build, type Plugin } from "esbuild";
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

/** A function's own module that the bundle uses in place of the SDK's default credential chain. */
export const LAMBDA_CREDENTIALS_MODULE = "lambda-credentials.ts";

/**
 * When `functions/<name>/lambda-credentials.ts` exists, bundles it in place of
 * `@aws-sdk/credential-provider-node` (the SDK's default credential chain with its SSO, ini,
 * process, web identity and metadata providers and their STS/SSO clients, about 135 KB). Only for
 * code that runs in Lambda, where the chain always ends at its first link, the environment; the
 * module says why in detail.
 */
function lambdaCredentials(name: string): Plugin[] {
  const replacement = join(root, "functions", name, LAMBDA_CREDENTIALS_MODULE);
  if (!existsSync(replacement)) return [];
  return [
    {
      name: "lambda-credentials",
      setup(plugin) {
        plugin.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: replacement }));
      },
    },
  ];
}

for (const name of functionNames()) {
  await build({
    absWorkingDir: root,
    entryPoints: [`functions/${name}/index.ts`],
    outfile: `dist/${name}/index.cjs`,
    bundle: true,
    platform: "node",
    // Lambda runs nodejs22.x, and so do replay and bench (the project's Node is 22, .node-version).
    // (The bundle is byte-identical to the node20 target's: nothing in it needed lowering.)
    target: "node22",
    format: "cjs",
    // Prefer the ESM builds of the AWS SDK so unused code is tree-shaken away.
    mainFields: ["module", "main"],
    minify: true,
    // Keep function and class names: the SDK tests `logger.constructor.name === "NoOpLogger"`, the
    // error classes take their `name` from the class. (Dropping them saves ~25 KB, not worth it.)
    keepNames: true,
    plugins: lambdaCredentials(name),
    legalComments: "eof",
    charset: "utf8",
    sourcemap: false,
    logLevel: "warning",
  });
  console.log(`built dist/${name}/index.cjs`);
}
