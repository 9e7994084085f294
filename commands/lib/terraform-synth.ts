/**
 * Synthesizes the cdktf app into a directory of your choice and lists the stacks it wrote.
 * Used by `npm run plan` and the Terraform tests, which synthesize into temporary directories so
 * they never touch the repository's `cdktf.out`.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { CDKTF_NODE_FLAGS } from "./cdktf-node-flags.js";

const execFileAsync = promisify(execFile);

/** The repository root (where `main.ts` and `cdktf.json` are). */
export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** One stack of a synthesized app. */
export interface SynthesizedStack {
  /** Stack name, e.g. `waf-log-pipeline-dev`. */
  readonly name: string;
  /** Absolute path of the stack's working directory (holds `cdk.tf.json` and `assets/`). */
  readonly dir: string;
  /**
   * The stack's backend: `"cloud"` for Terraform Cloud (`terraform.cloud`), else the
   * `terraform.backend` type (`"local"`, `"s3"`, …), or `"none"`.
   */
  readonly backend: string;
  /**
   * The environment of the configuration file the stack belongs to: the `Environment` default tag of
   * its AWS provider (every stack of this app sets it; an estate's archive and source stacks share
   * their environment's), else undefined.
   */
  readonly environment: string | undefined;
}

/**
 * The parts of cdktf's `manifest.json` used here: `stacks.<name>.workingDirectory` (relative to
 * the output directory). Written by cdktf's `App.synth()` (cdktf/lib/manifest.js).
 */
const manifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ name: z.string(), workingDirectory: z.string() })),
});

/**
 * Lists the stacks of a synthesized app, sorted by name.
 *
 * @param outdir the synth output directory (`cdktf.out` by default in this project)
 * @throws Error naming `<outdir>/manifest.json` when it is missing or not in the expected shape
 */
export function listStacks(outdir: string): SynthesizedStack[] {
  const manifestPath = join(resolve(outdir), "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath}: not found (run "npm run synth" first)`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, "utf8")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`${manifestPath}: not a cdktf manifest (${problems.join("; ")})`);
  }
  return Object.values(parsed.data.stacks)
    .map((stack) => {
      const dir = join(resolve(outdir), stack.workingDirectory);
      const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
        terraform?: { cloud?: unknown; backend?: Record<string, unknown> };
        provider?: { aws?: { default_tags?: { tags?: Record<string, unknown> }[] }[] };
      };
      const tag = json.provider?.aws?.[0]?.default_tags?.[0]?.tags?.Environment;
      const backend =
        json.terraform?.cloud !== undefined
          ? "cloud"
          : (Object.keys(json.terraform?.backend ?? {})[0] ?? "none");
      return { name: stack.name, dir, backend, environment: typeof tag === "string" ? tag : undefined };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Options of {@link synthApp}. */
export interface SynthOptions {
  /** Extra environment variables for the app (e.g. `WAF_PIPELINE_CONFIG`). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Path of the Node.js executable that runs the app (tsx starts its child with the same one), to
   * synthesize under another Node.js version. @default `process.execPath`, the running Node.js
   */
  readonly node?: string;
}

/** tsx's command-line entry (what `node_modules/.bin/tsx` links to). */
const TSX_CLI = join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/**
 * Runs the app (`tsx --disable-warning=DEP0044 main.ts`, as `cdktf.json` does, see
 * {@link CDKTF_NODE_FLAGS}) with `CDKTF_OUTDIR=outdir`, from the repository root, under
 * `options.node`. The Lambda bundle must already be built (`npm run build`). Takes seconds.
 *
 * @param outdir where to write `manifest.json` and `stacks/` (created if missing)
 * @throws Error with the app's output when it exits non-zero
 */
export async function synthApp(outdir: string, options: SynthOptions = {}): Promise<SynthesizedStack[]> {
  mkdirSync(outdir, { recursive: true });
  try {
    await execFileAsync(options.node ?? process.execPath, [TSX_CLI, ...CDKTF_NODE_FLAGS, "main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...options.env, CDKTF_OUTDIR: resolve(outdir) },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(
      `synth into ${outdir} failed (exit ${failure.code ?? "?"}):\n${failure.stderr ?? ""}${failure.stdout ?? ""}`,
      { cause: error },
    );
  }
  return listStacks(outdir);
}
