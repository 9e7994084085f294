/**
 * The processor's environment: the variable names the constructs set and the processor reads, and
 * the rules both sides check on their values (key prefix, bucket name, header names). One definition,
 * imported by the infrastructure (`src/`) and by the processor (`config.ts`), so a value the
 * constructs accept is always a value the processor accepts at cold start.
 *
 * Pure: no AWS SDK, no handler code, nothing read from the process; safe to import anywhere.
 */

/** Environment variable names of the processor function. */
export const PROCESSOR_ENVIRONMENT = {
  /** Name of the bucket the objects are written to. Required. */
  bucket: "S3_BUCKET",
  /** Region of that bucket, where the S3 client sends its requests. @default the function's region (`AWS_REGION`) */
  bucketRegion: "S3_BUCKET_REGION",
  /** Key prefix of the objects (see {@link keyPrefixProblem}). @default "raw/" */
  keyPrefix: "S3_PREFIX",
  /** gzip level of the objects, 0–9. @default 6 */
  gzipLevel: "GZIP_LEVEL",
  /** Comma-separated header names whose values are redacted (see {@link formatHeaderNames}). @default off */
  redactHeaders: "REDACT_HEADERS",
  /** The metrics' `Environment` dimension. @default "unknown" */
  environmentName: "ENVIRONMENT_NAME",
  /** URL of an S3-compatible server, for replay and tests only. */
  endpoint: "S3_ENDPOINT",
  /** Powertools service name of the logs and metrics. */
  serviceName: "POWERTOOLS_SERVICE_NAME",
  /** Powertools namespace of the metrics. */
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  /** Powertools log level (e.g. `SILENT`). */
  logLevel: "POWERTOOLS_LOG_LEVEL",
  /** `true` turns the EMF metric lines off. */
  metricsDisabled: "POWERTOOLS_METRICS_DISABLED",
  /** Most bytes a subscription payload may decompress to. @default {@link defaultMaxPayloadBytes} of the function's memory */
  maxPayloadBytes: "MAX_PAYLOAD_BYTES",
  /** The function's memory in MB, set by Lambda itself (never by the constructs). */
  functionMemoryMb: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
} as const;

/**
 * Function memory assumed when `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` is not set (outside Lambda: replay,
 * bench), in MB: the memory setting the README recommends.
 */
export const ASSUMED_MEMORY_MB = 256;

/**
 * Resident memory the processor needs besides the payload (Node, the bundle, buffers), in bytes:
 * 80 MiB. Measured by `npm run bench` on 2026-12-04 (docs/replay-bench.md): a new process peaks at
 * 73 MiB on the largest realistic event and at 80 MiB on 9.3 MB of realistic records.
 */
export const BASE_RSS_BYTES = 80 * 1024 * 1024;

/**
 * Peak resident bytes per decompressed payload byte: 0.7, the steepest slope measured by
 * `npm run bench` (realistic records, where the event, its base64 text and the gzip body all grow
 * with the payload: 80 MiB at 9.3 MB, 106 MiB at 37 MB, 144 MiB at 111 MB decompressed; compressible
 * payloads grow about ten times slower).
 */
export const RSS_PER_PAYLOAD_BYTE = 0.7;

/**
 * The default of `MAX_PAYLOAD_BYTES` for a function of `memoryMb` MB: what is left of the memory
 * after {@link BASE_RSS_BYTES}, divided by {@link RSS_PER_PAYLOAD_BYTE}, at least 1 MiB.
 *
 * @param memoryMb the function's memory in MB (Lambda sets `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`:
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * @returns bytes.
 */
export function defaultMaxPayloadBytes(memoryMb: number): number {
  const free = memoryMb * 1024 * 1024 - BASE_RSS_BYTES;
  return Math.max(1024 * 1024, Math.floor(free / RSS_PER_PAYLOAD_BYTE));
}

/** Namespace of the processor's CloudWatch metrics (`POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = "WafLogPipeline";

/** Service name in the processor's structured logs and metrics (`POWERTOOLS_SERVICE_NAME`). */
export const PROCESSOR_SERVICE_NAME = "waf-log-processor";

/** Suffix of every object key the processor writes (gzip JSON Lines); S3 notifies only about these. */
export const OBJECT_KEY_SUFFIX = ".jsonl.gz";

/** Key prefix of the log objects when none is configured. */
export const DEFAULT_KEY_PREFIX = "raw/";

/** Longest key prefix, in characters: leaves room in S3's 1,024-byte keys for the processor's part. */
export const MAX_KEY_PREFIX_LENGTH = 200;

/** What a key prefix must look like, for messages. */
export const KEY_PREFIX_RULES =
  'must be one or more path segments of letters, digits and _ . = -, each ending in "/", like "raw/" (no leading "/" or ".", no "..", "//" or "*")';

/**
 * What is wrong with `prefix` as the key prefix of the log objects, or `undefined` when it is one:
 * one or more path segments of `[A-Za-z0-9._=-]`, each ending in `/` and not starting with `.`, at most
 * {@link MAX_KEY_PREFIX_LENGTH} characters. So it never starts with `/`, never holds `//` or `..`
 * (which S3 keeps literally, but which consoles, sync tools and IAM patterns read as paths), and holds
 * no `*` (it is used in IAM resource ARNs), and the object keys the processor builds from it use only
 * the characters S3 lists as safe (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
 *
 * @returns a phrase starting with "must", without the value
 */
export function keyPrefixProblem(prefix: string): string | undefined {
  if (prefix.startsWith("/")) return `must not start with "/" (${KEY_PREFIX_RULES})`;
  if (prefix.includes("//")) return `must not contain "//" (${KEY_PREFIX_RULES})`;
  if (prefix.includes("..")) return `must not contain ".." (${KEY_PREFIX_RULES})`;
  if (!/^(?:[A-Za-z0-9_=-][A-Za-z0-9._=-]*\/)+$/.test(prefix)) return KEY_PREFIX_RULES;
  if (prefix.length > MAX_KEY_PREFIX_LENGTH) return `must be at most ${MAX_KEY_PREFIX_LENGTH} characters`;
  return undefined;
}

/** What a bucket name must look like, for messages. */
export const BUCKET_NAME_RULES =
  "must be a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens; see the S3 bucket naming rules)";

/**
 * What is wrong with `name` as a general purpose bucket name, or `undefined` when it is one.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 *
 * @returns a phrase starting with "must", without the value
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3–63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return "must use only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit";
  }
  if (name.includes("..")) return "must not contain two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not look like an IP address";
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(prefix)) return `must not start with the reserved prefix "${prefix}"`;
  }
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
    if (name.endsWith(suffix)) return `must not end with the reserved suffix "${suffix}"`;
  }
  return undefined;
}

/**
 * An HTTP header name: one or more token characters (RFC 9110 section 5.1: letters, digits and
 * ``!#$%&'*+-.^_`|~``), at most 64 (the longest name WAF's `SingleHeader` accepts).
 */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** What a header name must look like, for messages. */
export const HEADER_NAME_RULES =
  "must be an HTTP header name: 1–64 letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or commas)";

/**
 * The `REDACT_HEADERS` value for a list of header names: lowercased and comma-joined, or `undefined`
 * (no variable: redaction off) for an empty list. The processor reads it back with `parseHeaderNames`.
 */
export function formatHeaderNames(names: readonly string[]): string | undefined {
  return names.length === 0 ? undefined : names.map((name) => name.toLowerCase()).join(",");
}
