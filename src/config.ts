/**
 * The pipeline's configuration: `waf-pipeline.config.json` at the project root (or the file named by
 * the environment variable `WAF_PIPELINE_CONFIG`), shape `{"environments": {"<env>": {…}}}`.
 *
 * The file is validated with zod. Every problem is reported at once, each with its JSON path
 * (`environments.dev.lifecycle.glacierDays`) and what is allowed, so a bad file fails `cdktf synth`
 * before anything reaches AWS. S3, SQS and Lambda check several of these rules only at apply time
 * (lifecycle transitions in particular); checking them here turns a half-applied deploy into a synth
 * error. The reference with every field, default and range is the README's "Reference" section.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { LOG_RETENTION_DAYS } from "./cloudwatch-logs";
import { allowed, wholeNumber } from "./config-messages";
import { type AlarmsConfig, alarmsSchema } from "./alarms-config";
import { type EncryptionConfig, encryptionSchema, keyRegionProblem } from "./encryption-config";
import { defaultBucketName, stackName } from "./naming";
import {
  type WafConfig,
  redactHeadersSchema,
  resolveWafConfig,
  wafEnvironmentProblems,
  wafSchema,
} from "./waf-config";

/** Environment variable that names the configuration file. */
export const CONFIG_PATH_VARIABLE = "WAF_PIPELINE_CONFIG";

/** Configuration file used when `WAF_PIPELINE_CONFIG` is not set, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = "waf-pipeline.config.json";

/** AWS account of Palo Alto Cortex XDR / XSIAM that assumes the reader role (commercial tenants). */
export const CORTEX_ACCOUNT_ID = "006742885340";

/** AWS account of Cortex XDR / XSIAM for FedRAMP tenants. */
export const CORTEX_FEDRAMP_ACCOUNT_ID = "685269782068";

/** Environment names: they become part of stack and resource names (see `src/naming.ts`). */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;

/** AWS account ids: 12 digits. */
const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** AWS region names like `us-east-1` or `us-gov-west-1`. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Retention of the notification queue in days; the dead-letter queue must keep messages longer. */
export const NOTIFICATION_QUEUE_RETENTION_DAYS = 7;

/** S3 storage-class transitions and expiration of the log objects, in days after creation. */
export interface LifecycleConfig {
  /** Days until STANDARD_IA (≥ 30), or `null` to skip this tier. @default 30 */
  readonly infrequentAccessDays: number | null;
  /** Days until GLACIER (Flexible Retrieval), or `null` to skip this tier. @default 90 */
  readonly glacierDays: number | null;
  /** Days until DEEP_ARCHIVE (≥ 90 days after GLACIER), or `null` to skip this tier. @default 365 */
  readonly deepArchiveDays: number | null;
  /** Days until the objects are deleted (≥ 7, after the last transition), or `null` to keep them. @default 2555 */
  readonly expirationDays: number | null;
}

/** The SQS queue that carries S3 event notifications to Cortex, and its dead-letter queue. */
export interface QueueConfig {
  /** Seconds a received message stays invisible to other consumers (0–43200). @default 900 */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue (1–1000). @default 3 */
  readonly maxReceiveCount: number;
  /** Days the dead-letter queue keeps a message (8–14: longer than the queue's 7 days). @default 14 */
  readonly deadLetterRetentionDays: number;
}

/** The Lambda function that turns log events into objects. */
export interface ProcessorConfig {
  /** Memory in MB (128–10240). @default 512 */
  readonly memoryMb: number;
  /** Timeout in seconds (1–900). @default 300 */
  readonly timeoutSeconds: number;
  /** Instruction set architecture. @default "arm64" */
  readonly architecture: "arm64" | "x86_64";
  /** Lambda runtime identifier. @default "nodejs22.x" */
  readonly runtime: "nodejs22.x";
  /** gzip compression level of the objects (1 fastest – 9 smallest). @default 6 */
  readonly gzipLevel: number;
  /** Retention of the function's own log group, in days (a CloudWatch Logs value). @default 30 */
  readonly logRetentionDays: number;
  /** Header names (lowercase) whose values the processor replaces with `XXX` (env `REDACT_HEADERS`). @default undefined (off) */
  readonly redactHeaders?: readonly string[];
}

/** The Cortex XDR / XSIAM tenant that reads the logs. */
export interface CortexConfig {
  /** AWS account that Cortex assumes the reader role from (12 digits). @default "006742885340" */
  readonly accountId: string;
  /** Whether the tenant is a FedRAMP tenant (account 685269782068). @default false */
  readonly fedramp: boolean;
}

/** Terraform Cloud (HCP Terraform) workspace that holds the environment's state. */
export interface TerraformCloudConfig {
  /** Organization name; when absent, `TF_CLOUD_ORGANIZATION` must be set at synth. @default undefined */
  readonly organization?: string;
  /** Workspace name. @default "waf-log-pipeline-<env>" */
  readonly workspace: string;
}

/** One deployment of the pipeline: one AWS account and region, one Terraform stack. */
export interface EnvironmentConfig {
  /** AWS account to deploy into (12 digits); the provider refuses any other account. */
  readonly accountId: string;
  /** AWS region, e.g. `us-east-1`; the WAF log groups, bucket and queue all live there. */
  readonly region: string;
  /** CloudWatch Logs log groups that AWS WAF writes to (each starts with `aws-waf-logs-`). */
  readonly wafLogGroupNames: readonly string[];
  /** Name of the log bucket. @default "waf-log-pipeline-<env>-<accountId>-<region>" */
  readonly bucketName: string;
  /** Key prefix of the log objects, ending in `/`. @default "raw/" */
  readonly s3Prefix: string;
  /** Storage-class transitions and expiration of the log objects. */
  readonly lifecycle: LifecycleConfig;
  /** Notification queue and dead-letter queue settings. */
  readonly queue: QueueConfig;
  /** Processor function settings. */
  readonly processor: ProcessorConfig;
  /** Cortex tenant settings. */
  readonly cortex: CortexConfig;
  /** Tags added to every resource through the provider's default tags. @default {} */
  readonly tags: Readonly<Record<string, string>>;
  /** Terraform Cloud workspace; when absent the stack keeps its state in a local file. @default undefined */
  readonly terraformCloud?: TerraformCloudConfig;
  /** WAF logging configurations, managed log groups, redaction, logging filter (see `src/waf-config.ts`). @default undefined (none) */
  readonly waf?: WafConfig;
  /** CloudWatch alarms and their e-mail notification (see `src/alarms-config.ts`). @default every alarm on, no e-mail */
  readonly alarms: AlarmsConfig;
  /** Encryption at rest of the bucket, queues and alarm topic (see `src/encryption-config.ts`). @default { type: "sse" } */
  readonly encryption: EncryptionConfig;
}

/** The whole configuration file, with every default applied. */
export interface PipelineConfig {
  /** Environments by name (`^[a-z][a-z0-9-]{0,15}$`), at least one. */
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
}

/** One problem in a configuration file: the JSON path of the field and what is wrong or allowed. */
export interface ConfigIssue {
  /** JSON path like `environments.dev.lifecycle.glacierDays` or `environments.dev.wafLogGroupNames[1]`. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** A configuration file that cannot be used. `message` lists every issue, one per line. */
export class ConfigError extends Error {
  /** Every problem found, in file order. */
  public readonly issues: readonly ConfigIssue[];
  /** The file (or other source) the configuration came from. */
  public readonly source: string;

  constructor(source: string, issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`);
    super([`Invalid configuration in ${source} (${count}):`, ...lines].join("\n"));
    this.name = "ConfigError";
    this.source = source;
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------
// Schema

/** A whole number of days ≥ min, or null to turn a lifecycle tier off. */
function days(min: number, text: string) {
  const error = allowed(text);
  return z.int({ error }).min(min, { error }).max(1_000_000, { error }).nullable();
}

/** S3 general purpose bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
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

const BUCKET_NAME_RULES =
  "must be a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens; see the S3 bucket naming rules)";

const lifecycleSchema = z
  .strictObject({
    infrequentAccessDays: days(
      30,
      "must be a whole number of days ≥ 30 (S3 moves objects to STANDARD_IA only after 30 days), or null to skip this tier",
    ).default(30),
    glacierDays: days(1, "must be a whole number of days ≥ 1, or null to skip this tier").default(90),
    deepArchiveDays: days(1, "must be a whole number of days ≥ 1, or null to skip this tier").default(365),
    expirationDays: days(
      7,
      "must be a whole number of days ≥ 7 (Cortex may need a week to catch up), or null to keep objects forever",
    ).default(2555),
  })
  .superRefine((lifecycle, ctx) => {
    for (const issue of lifecycleProblems(lifecycle)) ctx.addIssue({ code: "custom", ...issue });
  });

/**
 * The lifecycle rules S3 enforces only when the configuration is applied
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html):
 * transitions on strictly increasing days; 30 days in STANDARD_IA before the next transition;
 * 90 days in GLACIER before DEEP_ARCHIVE; expiration after the last transition.
 * Values that are not numbers are skipped here (the field schemas report them).
 *
 * @returns one issue per broken rule, with the path relative to the `lifecycle` object
 */
export function lifecycleProblems(lifecycle: { readonly [K in keyof LifecycleConfig]?: unknown }): {
  path: string[];
  message: string;
}[] {
  const tiers = [
    { field: "infrequentAccessDays", minimumStay: 30, storageClass: "STANDARD_IA" },
    { field: "glacierDays", minimumStay: 90, storageClass: "GLACIER" },
    { field: "deepArchiveDays", minimumStay: 0, storageClass: "DEEP_ARCHIVE" },
  ] as const;
  const problems: { path: string[]; message: string }[] = [];
  let previous: { field: string; days: number; minimumStay: number; storageClass: string } | undefined;
  for (const tier of tiers) {
    const value = lifecycle[tier.field];
    if (typeof value !== "number") continue;
    if (previous !== undefined) {
      if (value <= previous.days) {
        problems.push({
          path: [tier.field],
          message: `must be greater than lifecycle.${previous.field} (${previous.days}): transitions happen on strictly increasing days, got ${value}`,
        });
      } else if (value < previous.days + previous.minimumStay) {
        problems.push({
          path: [tier.field],
          message: `must be at least ${previous.minimumStay} days after lifecycle.${previous.field} (${previous.days}), i.e. ≥ ${previous.days + previous.minimumStay}: S3 keeps objects ${previous.minimumStay} days in ${previous.storageClass} before moving them to ${tier.storageClass}, got ${value}`,
        });
      }
    }
    previous = { ...tier, days: value };
  }
  const expiration = lifecycle.expirationDays;
  if (typeof expiration === "number" && previous !== undefined && expiration <= previous.days) {
    problems.push({
      path: ["expirationDays"],
      message: `must be greater than the last transition, lifecycle.${previous.field} (${previous.days}), got ${expiration}`,
    });
  }
  return problems;
}

const queueSchema = z.strictObject({
  visibilityTimeoutSeconds: wholeNumber(
    0,
    43_200,
    "must be a whole number of seconds from 0 to 43200",
  ).default(900),
  maxReceiveCount: wholeNumber(1, 1000, "must be a whole number from 1 to 1000").default(3),
  deadLetterRetentionDays: wholeNumber(
    NOTIFICATION_QUEUE_RETENTION_DAYS + 1,
    14,
    `must be a whole number of days from ${NOTIFICATION_QUEUE_RETENTION_DAYS + 1} to 14 (longer than the notification queue's ${NOTIFICATION_QUEUE_RETENTION_DAYS} days: a message keeps its original enqueue time in the dead-letter queue)`,
  ).default(14),
});

const LOG_RETENTION_RULES = `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")} days`;

const processorSchema = z.strictObject({
  memoryMb: wholeNumber(128, 10_240, "must be a whole number of MB from 128 to 10240").default(512),
  timeoutSeconds: wholeNumber(1, 900, "must be a whole number of seconds from 1 to 900").default(300),
  architecture: z
    .enum(["arm64", "x86_64"], { error: allowed('must be "arm64" or "x86_64"') })
    .default("arm64"),
  runtime: z
    .enum(["nodejs22.x"], {
      error: allowed('must be "nodejs22.x" (the newest Node.js runtime AWS provider 5.100.0 accepts)'),
    })
    .default("nodejs22.x"),
  gzipLevel: wholeNumber(1, 9, "must be a whole number from 1 (fastest) to 9 (smallest)").default(6),
  logRetentionDays: z
    .int({ error: allowed(LOG_RETENTION_RULES) })
    .refine((value) => (LOG_RETENTION_DAYS as readonly number[]).includes(value), {
      error: allowed(LOG_RETENTION_RULES),
    })
    .default(30),
  redactHeaders: redactHeadersSchema.optional(),
});

const accountId = (text: string) =>
  z.string({ error: allowed(text) }).regex(ACCOUNT_ID_PATTERN, { error: allowed(text) });

const cortexSchema = z
  .strictObject({
    accountId: accountId("must be a 12-digit AWS account id in quotes").optional(),
    fedramp: z.boolean({ error: allowed("must be true or false") }).default(false),
  })
  .superRefine((cortex, ctx) => {
    if (
      cortex.fedramp === true &&
      cortex.accountId !== undefined &&
      cortex.accountId !== CORTEX_FEDRAMP_ACCOUNT_ID
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["accountId"],
        message: `must be "${CORTEX_FEDRAMP_ACCOUNT_ID}" or absent when cortex.fedramp is true, got ${JSON.stringify(cortex.accountId)}`,
      });
    }
  })
  .transform((cortex): CortexConfig => ({
    accountId: cortex.accountId ?? (cortex.fedramp ? CORTEX_FEDRAMP_ACCOUNT_ID : CORTEX_ACCOUNT_ID),
    fedramp: cortex.fedramp,
  }));

/** AWS tag rules: https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_KEY_RULES = "tag keys must be 1–128 characters of letters, digits, spaces and _ . : / = + - @";
const TAG_VALUE_RULES = "must be a string of up to 256 letters, digits, spaces and _ . : / = + - @";
const tagsSchema = z
  .record(
    z
      .string()
      .min(1, { error: TAG_KEY_RULES })
      .max(128, { error: TAG_KEY_RULES })
      .regex(TAG_CHARACTERS, { error: TAG_KEY_RULES })
      .refine((key) => !key.toLowerCase().startsWith("aws:"), {
        error: 'tag keys must not start with "aws:"',
      }),
    z
      .string({ error: allowed(TAG_VALUE_RULES) })
      .max(256, { error: allowed(TAG_VALUE_RULES) })
      .regex(TAG_CHARACTERS, { error: allowed(TAG_VALUE_RULES) }),
    { error: allowed("must be an object of tag keys to string values") },
  )
  .refine((tags) => Object.keys(tags).length <= 48, {
    error: "must have at most 48 tags (AWS allows 50 per resource; Project and Environment are added)",
  });

const terraformCloudName = (text: string) =>
  z.string({ error: allowed(text) }).regex(/^[A-Za-z0-9_-]{1,90}$/, { error: allowed(text) });

const terraformCloudSchema = z.strictObject({
  organization: terraformCloudName(
    "must be a Terraform Cloud organization name (letters, digits, - and _)",
  ).optional(),
  workspace: terraformCloudName(
    "must be a Terraform Cloud workspace name (1–90 letters, digits, - and _)",
  ).optional(),
});

const LOG_GROUP_NAME_RULES =
  'must be a log group name that starts with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #';

const environmentSchema = z.strictObject({
  accountId: accountId('must be a 12-digit AWS account id in quotes, e.g. "111122223333"'),
  region: z
    .string({ error: allowed('must be an AWS region name like "us-east-1"') })
    .regex(REGION_PATTERN, { error: allowed('must be an AWS region name like "us-east-1"') }),
  wafLogGroupNames: z
    .array(
      z
        .string({ error: allowed(LOG_GROUP_NAME_RULES) })
        .regex(/^aws-waf-logs-[A-Za-z0-9_\-/.#]{1,499}$/, { error: allowed(LOG_GROUP_NAME_RULES) }),
      { error: allowed("must be a list of one or more log group names") },
    )
    .min(1, { error: "must list at least one log group" })
    .max(50, {
      error:
        "must list at most 50 log groups (each adds a statement to the function's 20 KB resource policy)",
    })
    .superRefine((names, ctx) => {
      names.forEach((name, index) => {
        if (names.indexOf(name) !== index) {
          ctx.addIssue({
            code: "custom",
            path: [index],
            message: `must be distinct: ${JSON.stringify(name)} is already listed at index ${names.indexOf(name)}`,
          });
        }
      });
    }),
  bucketName: z
    .string({ error: allowed(BUCKET_NAME_RULES) })
    .superRefine((name, ctx) => {
      const problem = bucketNameProblem(name);
      if (problem !== undefined)
        ctx.addIssue({
          code: "custom",
          message: `${BUCKET_NAME_RULES}: ${problem}, got ${JSON.stringify(name)}`,
        });
    })
    .optional(),
  s3Prefix: z
    .string({ error: allowed('must be a key prefix like "raw/"') })
    // The processor's object keys use only [A-Za-z0-9._=-] (functions/waf-log-processor/config.ts
    // checks S3_PREFIX with the same characters), so a prefix accepted here always works there.
    .regex(/^(?:[A-Za-z0-9_=-][A-Za-z0-9._=-]*\/)+$/, {
      error: allowed(
        'must be one or more path segments of letters, digits and _ . = -, each ending in "/", like "raw/" (no leading "/" or ".", no "*")',
      ),
    })
    .max(200, { error: allowed("must be at most 200 characters") })
    .default("raw/"),
  lifecycle: lifecycleSchema.prefault({}),
  queue: queueSchema.prefault({}),
  processor: processorSchema.prefault({}),
  cortex: cortexSchema.prefault({}),
  tags: tagsSchema.default({}),
  terraformCloud: terraformCloudSchema.optional(),
  waf: wafSchema.optional(),
  alarms: alarmsSchema.prefault({}),
  encryption: encryptionSchema,
});

/** The zod 4 schema of the whole configuration file; its output is a {@link PipelineConfig}. */
export const pipelineConfigSchema = z
  .strictObject(
    {
      environments: z
        .record(
          z.string().regex(ENVIRONMENT_NAME_PATTERN, {
            error:
              "environment names must match ^[a-z][a-z0-9-]{0,15}$ (lowercase letter first, at most 16 characters)",
          }),
          environmentSchema,
          { error: allowed('must be an object of environments, like {"dev": {…}}') },
        )
        .refine((environments) => Object.keys(environments).length > 0, {
          error: "must define at least one environment",
        })
        .superRefine((environments, ctx) => {
          for (const [env, config] of Object.entries(environments)) {
            const { encryption } = config;
            if (encryption.type === "kms" && encryption.keyArn !== undefined) {
              const problem = keyRegionProblem(encryption.keyArn, String(config.region));
              if (problem !== undefined) {
                ctx.addIssue({ code: "custom", path: [env, "encryption", "keyArn"], message: problem });
              }
            }
            for (const issue of wafEnvironmentProblems(config)) {
              ctx.addIssue({ code: "custom", path: [env, ...issue.path], message: issue.message });
            }
            const usable =
              ACCOUNT_ID_PATTERN.test(String(config.accountId)) && REGION_PATTERN.test(String(config.region));
            if (config.bucketName !== undefined || !usable) continue;
            const derived = defaultBucketName(env, config.accountId, config.region);
            const problem = bucketNameProblem(derived);
            if (problem !== undefined) {
              ctx.addIssue({
                code: "custom",
                path: [env, "bucketName"],
                message: `is required because the default name ${JSON.stringify(derived)} ${problem}; set a valid S3 bucket name`,
              });
            }
          }
        }),
    },
    { error: allowed('must be an object like {"environments": {"dev": {…}}}') },
  )
  .transform((file): PipelineConfig => ({
    environments: Object.fromEntries(
      Object.entries(file.environments).map(([env, config]) => [
        env,
        {
          ...config,
          bucketName: config.bucketName ?? defaultBucketName(env, config.accountId, config.region),
          terraformCloud:
            config.terraformCloud === undefined
              ? undefined
              : { ...config.terraformCloud, workspace: config.terraformCloud.workspace ?? stackName(env) },
          waf: config.waf === undefined ? undefined : resolveWafConfig(config.waf, config.wafLogGroupNames),
        } satisfies EnvironmentConfig,
      ]),
    ),
  }));

// ---------------------------------------------------------------------------------------------
// Loading

/** Renders a zod path as `environments.dev.wafLogGroupNames[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const name = String(segment);
      if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}

/** Flattens zod issues into one {@link ConfigIssue} per problem (one per unknown key, per bad record key). */
function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: "is not a known field (check the spelling against the configuration reference in README.md)",
      }));
    }
    if (issue.code === "invalid_key") {
      return [
        { path: formatPath(issue.path), message: issue.issues.map((inner) => inner.message).join("; ") },
      ];
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/**
 * Validates a parsed configuration file and applies every default.
 *
 * @param json the parsed JSON (any value)
 * @param source where it came from, for the error message (a file name)
 * @returns the configuration with every default applied
 * @throws ConfigError listing every problem with its JSON path
 */
export function parseConfig(json: unknown, source: string): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(json);
  if (!result.success) throw new ConfigError(source, toConfigIssues(result.error.issues));
  return result.data;
}

/**
 * Reads and validates the configuration file.
 *
 * @param path the file; default: `$WAF_PIPELINE_CONFIG`, else `waf-pipeline.config.json` in the working directory
 * @returns the configuration with every default applied
 * @throws ConfigError when the file cannot be read, is not JSON, or breaks any rule (all listed at once)
 */
export function loadConfig(path?: string): PipelineConfig {
  const file = path ?? (process.env[CONFIG_PATH_VARIABLE] || DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError(file, [{ path: "", message: `cannot read the configuration file: ${reason}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [{ path: "", message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return parseConfig(json, file);
}
