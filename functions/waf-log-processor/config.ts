/**
 * The processor's configuration, read from environment variables and validated once.
 */
import * as z from "zod/mini";
import "./zod";
import {
  ASSUMED_MEMORY_MB,
  DEFAULT_KEY_PREFIX,
  defaultMaxPayloadBytes,
  keyPrefixProblem,
} from "./environment";
import { parseHeaderNames } from "./redact";

/** Validated configuration. */
export interface ProcessorConfig {
  /** `S3_BUCKET`: bucket the objects are written to. Required. */
  readonly bucket: string;
  /**
   * `S3_BUCKET_REGION`: the bucket's region, where the S3 client sends its requests (a bucket in another
   * region answers `301 PermanentRedirect` otherwise). @default {@link sourceRegion}
   */
  readonly bucketRegion?: string;
  /**
   * `AWS_REGION` (else `AWS_DEFAULT_REGION`): the function's region, which Lambda sets, and so the region
   * of the log groups it is subscribed to (a subscription cannot cross regions); part of every object key.
   * Required.
   */
  readonly sourceRegion: string;
  /** `S3_PREFIX`: key prefix, empty or a prefix `keyPrefixProblem` accepts (no `..`, `//` or leading `/`). @default "raw/" */
  readonly prefix: string;
  /** `GZIP_LEVEL`: zlib compression level 0–9. @default 6 */
  readonly gzipLevel: number;
  /** `S3_ENDPOINT`: URL of an S3-compatible server (path-style addressing, checksums only when required). */
  readonly endpoint?: string;
  /** `REDACT_HEADERS`: lower-case header names whose values are redacted. @default empty (off) */
  readonly redactHeaders: ReadonlySet<string>;
  /** `ENVIRONMENT_NAME`: the metrics' `Environment` dimension. @default "unknown" */
  readonly environmentName: string;
  /** `POWERTOOLS_LOG_LEVEL` (e.g. `SILENT`); undefined leaves it to Powertools (process.env, then INFO). */
  readonly logLevel?: string;
  /** `POWERTOOLS_METRICS_DISABLED` is `true`/`1`/`yes`/`on`: no EMF lines are printed. @default false */
  readonly metricsDisabled: boolean;
  /**
   * `MAX_PAYLOAD_BYTES`: most bytes a subscription payload may decompress to; a larger one fails the
   * invocation (kept by the on-failure destination). @default {@link defaultMaxPayloadBytes} of
   * `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`
   */
  readonly maxPayloadBytes: number;
}

/** Thrown for invalid configuration; the message lists every problem, one per variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const optional = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : value;

/** AWS region names like `us-east-1` or `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const region = (what: string) =>
  z.string({ error: `is required: ${what}` }).check(
    z.regex(REGION, {
      error: (issue) => `must be an AWS region name like "eu-west-1", got ${JSON.stringify(issue.input)}`,
    }),
  );

const envSchema = z.object({
  S3_BUCKET: z.string({ error: "is required: the name of the bucket the objects are written to" }),
  S3_BUCKET_REGION: z.optional(region("the region of the bucket")),
  AWS_REGION: region(
    "the region of the function and its log groups, part of every object key (Lambda sets it; set it for replay)",
  ),
  // The rule the constructs check too (./environment.ts); empty means no prefix.
  S3_PREFIX: z._default(
    z.string().check(
      z.superRefine((prefix, ctx) => {
        const problem = prefix === "" ? undefined : keyPrefixProblem(prefix);
        if (problem !== undefined) {
          ctx.issues.push({
            code: "custom",
            input: prefix,
            message: `${problem}, got ${JSON.stringify(prefix)}`,
          });
        }
      }),
    ),
    DEFAULT_KEY_PREFIX,
  ),
  GZIP_LEVEL: z.optional(
    z.string().check(
      z.regex(/^[0-9]$/, {
        error: (issue) => `must be an integer from 0 to 9, got ${JSON.stringify(issue.input)}`,
      }),
    ),
  ),
  S3_ENDPOINT: z.optional(
    z.string().check(
      z.refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), {
        error: (issue) => `must be an http(s) URL, got ${JSON.stringify(issue.input)}`,
      }),
    ),
  ),
  REDACT_HEADERS: z.optional(z.string()),
  ENVIRONMENT_NAME: z.optional(z.string()),
  POWERTOOLS_LOG_LEVEL: z.optional(z.string()),
  POWERTOOLS_METRICS_DISABLED: z.optional(z.string()),
  MAX_PAYLOAD_BYTES: z.optional(
    z.string().check(
      z.regex(/^[1-9][0-9]{0,14}$/, {
        error: (issue) => `must be a whole number of bytes from 1, got ${JSON.stringify(issue.input)}`,
      }),
    ),
  ),
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z.optional(
    z.string().check(
      z.regex(/^[1-9][0-9]{2,4}$/, {
        error: (issue) =>
          `must be the function's memory in MB (128–10240), got ${JSON.stringify(issue.input)}`,
      }),
    ),
  ),
});

/**
 * Reads and validates the processor's environment variables.
 *
 * @param env environment variables (Lambda's `process.env`, or what replay and bench pass).
 *   Blank values count as absent, except `S3_PREFIX` (blank means no prefix).
 * @returns the configuration with defaults applied.
 * @throws ConfigError naming every invalid variable and what it expects, e.g.
 *   `Invalid processor configuration: S3_BUCKET is required: the name of the bucket the objects are written to`.
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): ProcessorConfig {
  const input = {
    S3_BUCKET: optional(env.S3_BUCKET)?.trim(),
    S3_BUCKET_REGION: optional(env.S3_BUCKET_REGION)?.trim(),
    AWS_REGION: (optional(env.AWS_REGION) ?? optional(env.AWS_DEFAULT_REGION))?.trim(),
    S3_PREFIX: env.S3_PREFIX?.trim(),
    GZIP_LEVEL: optional(env.GZIP_LEVEL)?.trim(),
    S3_ENDPOINT: optional(env.S3_ENDPOINT)?.trim(),
    REDACT_HEADERS: optional(env.REDACT_HEADERS),
    ENVIRONMENT_NAME: optional(env.ENVIRONMENT_NAME)?.trim(),
    POWERTOOLS_LOG_LEVEL: optional(env.POWERTOOLS_LOG_LEVEL)?.trim(),
    POWERTOOLS_METRICS_DISABLED: optional(env.POWERTOOLS_METRICS_DISABLED)?.trim(),
    MAX_PAYLOAD_BYTES: optional(env.MAX_PAYLOAD_BYTES)?.trim(),
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: optional(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE)?.trim(),
  };
  const problems: string[] = [];
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".")} ${issue.message}`);
  }
  let redactHeaders: ReadonlySet<string> = new Set();
  try {
    redactHeaders = parseHeaderNames(input.REDACT_HEADERS);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`Invalid processor configuration: ${problems.join("; ")}`);
  }
  const data = parsed.data;
  return {
    bucket: data.S3_BUCKET,
    ...(data.S3_BUCKET_REGION === undefined ? {} : { bucketRegion: data.S3_BUCKET_REGION }),
    sourceRegion: data.AWS_REGION,
    prefix: data.S3_PREFIX,
    gzipLevel: data.GZIP_LEVEL === undefined ? 6 : Number(data.GZIP_LEVEL),
    ...(data.S3_ENDPOINT === undefined ? {} : { endpoint: data.S3_ENDPOINT }),
    redactHeaders,
    environmentName: data.ENVIRONMENT_NAME ?? "unknown",
    ...(data.POWERTOOLS_LOG_LEVEL === undefined ? {} : { logLevel: data.POWERTOOLS_LOG_LEVEL }),
    metricsDisabled: /^(true|1|yes|on|y)$/i.test(data.POWERTOOLS_METRICS_DISABLED ?? ""),
    maxPayloadBytes:
      data.MAX_PAYLOAD_BYTES === undefined
        ? defaultMaxPayloadBytes(Number(data.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? ASSUMED_MEMORY_MB))
        : Number(data.MAX_PAYLOAD_BYTES),
  };
}
