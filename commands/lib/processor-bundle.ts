/**
 * Loads the built processor bundle (`dist/waf-log-processor/index.cjs`, made by `npm run build`)
 * the way Lambda does: `require` of one CommonJS file. `replay` and `bench` run exactly the
 * artifact Terraform zips, never the TypeScript sources.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Repository root (the directory that holds `package.json`). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Path of the processor bundle, relative to the repository root. */
export const PROCESSOR_BUNDLE = "dist/waf-log-processor/index.cjs";

/** The S3 operation the processor performs; any object with `send` works (a client or a sink). */
export interface S3Sender {
  send(command: { readonly input: unknown }): Promise<unknown>;
}

/** Options of the bundle's `createHandler` (see `functions/waf-log-processor/index.ts`). */
export interface HandlerOptions {
  /** Configuration: `S3_BUCKET` (required), `S3_PREFIX`, `GZIP_LEVEL`, `S3_ENDPOINT`, `POWERTOOLS_*`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where PutObject commands go. @default an S3Client built from `env` */
  readonly s3?: S3Sender;
}

/** What one invocation did, as the handler resolves it. */
export const processResultSchema = z.object({
  outcome: z.enum(["written", "duplicate", "control", "empty"]),
  key: z.string().optional(),
  eventsIn: z.number().int().nonnegative(),
  linesOut: z.number().int().nonnegative(),
  linesWrapped: z.number().int().nonnegative(),
  bytesIn: z.number().int().nonnegative(),
  bytesOut: z.number().int().nonnegative(),
});

/** What one invocation did: outcome, object key (for `written`/`duplicate`), counts, sizes in bytes. */
export type ProcessResult = z.infer<typeof processResultSchema>;

/** A handler made by the bundle; resolves with a validated {@link ProcessResult}. */
export type Handler = (event: unknown) => Promise<ProcessResult>;

/** The processor bundle, loaded. */
export interface Processor {
  /** Absolute path of the bundle file. */
  readonly path: string;
  /** Makes a handler with injected configuration and S3 client; results are checked against {@link processResultSchema}. */
  createHandler(options: HandlerOptions): Handler;
}

const bundleExportsSchema = z.object({
  createHandler: z.custom<(options: HandlerOptions) => (event: unknown) => Promise<unknown>>(
    (value) => typeof value === "function",
    { message: "expected a function" },
  ),
});

/**
 * Loads the processor bundle. Before loading it, sets `POWERTOOLS_LOG_LEVEL=SILENT` and
 * `POWERTOOLS_METRICS_DISABLED=true` in `process.env` unless already set, because Powertools reads
 * them from `process.env` when the bundle creates its module-scope logger and metrics, and their
 * output would go to stdout, which `replay` and `bench` keep for their own results.
 *
 * @param path bundle file, absolute or relative to the repository root. @default {@link PROCESSOR_BUNDLE}
 * @throws Error `<path> not found: run npm run build` when the file is missing, the bundle's own
 *   error when loading it throws, or `<path> does not export createHandler: …` when its exports
 *   do not match the contract.
 */
export function loadProcessor(path: string = PROCESSOR_BUNDLE): Processor {
  const absolute = resolve(REPO_ROOT, path);
  process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  if (!existsSync(absolute)) throw new Error(`${path} not found: run npm run build`);
  const exports = bundleExportsSchema.safeParse(createRequire(import.meta.url)(absolute));
  if (!exports.success) {
    throw new Error(`${path} does not export createHandler: ${z.prettifyError(exports.error)}`);
  }
  const { createHandler } = exports.data;
  return {
    path: absolute,
    createHandler(options) {
      const handler = createHandler(options);
      return async (event) => {
        const result = processResultSchema.safeParse(await handler(event));
        if (!result.success) {
          throw new Error(
            `${path}: handler result does not match the contract: ${z.prettifyError(result.error)}`,
          );
        }
        return result.data;
      };
    },
  };
}

/**
 * Configuration for a handler run outside Lambda: the caller's environment (after
 * {@link loadProcessor} has silenced Powertools in it) with `overrides` on top.
 */
export function processorEnv(
  overrides: Readonly<Record<string, string>>,
): Record<string, string | undefined> {
  return {
    ...process.env,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? "true",
    // Lambda sets AWS_REGION; a local run names the log groups' region through it (part of every key).
    AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...overrides,
  };
}
