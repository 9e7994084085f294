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
import { keyRegionProblem } from "./constructs/kms-key-arn";
import { bucketNameProblem } from "../functions/waf-log-processor/environment";
import {
  ACCOUNT_ID_PATTERN,
  REGION_PATTERN,
  ValidationError,
  allowed,
  issuesOf,
  type Issue,
} from "./constructs/validation";
import {
  CORTEX_ACCOUNT_ID,
  CORTEX_FEDRAMP_ACCOUNT_ID,
  cortexAccountProblem,
} from "./constructs/waf-log-archive";
import { wafLogPipelinePropsSchema } from "./constructs/waf-log-pipeline";
import { defaultBucketName, stackName } from "./naming";
import { type WafConfig, resolveWafConfig, wafEnvironmentProblems, wafSchema } from "./waf-config";
import {
  type EstateConfig,
  estateEnvironmentShape,
  estateProblems,
  isEstateInput,
  resolveEstate,
  usableTarget,
} from "./estate-config";

/** Environment variable that names the configuration file. */
export const CONFIG_PATH_VARIABLE = "WAF_PIPELINE_CONFIG";

/** Configuration file used when `WAF_PIPELINE_CONFIG` is not set, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = "waf-pipeline.config.json";

/** Environment names: they become part of stack and resource names (see `src/naming.ts`). */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;

// ---------------------------------------------------------------------------------------------
// Schema: the fields of the constructs' props schemas (rules, messages and defaults written once,
// there), under the names the file uses, plus what only the app knows (tags, Terraform Cloud, the
// FedRAMP switch, the derived bucket name).

const cortexSchema = z
  .strictObject({
    accountId: z
      .string({ error: allowed("must be a 12-digit AWS account id in quotes") })
      .regex(ACCOUNT_ID_PATTERN, { error: allowed("must be a 12-digit AWS account id in quotes") })
      .optional(),
    fedramp: z.boolean({ error: allowed("must be true or false") }).default(false),
    /** `true` when `accountId` is deliberately not one of Cortex's accounts. @default false */
    customAccount: z.boolean({ error: allowed("must be true or false") }).default(false),
  })
  .superRefine((cortex, ctx) => {
    if (typeof cortex.accountId === "string" && ACCOUNT_ID_PATTERN.test(cortex.accountId)) {
      const problem = cortexAccountProblem(
        cortex.accountId,
        cortex.customAccount === true,
        "cortex.customAccount",
      );
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["accountId"], message: problem });
    }
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
  .transform((cortex) => ({
    accountId: cortex.accountId ?? (cortex.fedramp ? CORTEX_FEDRAMP_ACCOUNT_ID : CORTEX_ACCOUNT_ID),
    fedramp: cortex.fedramp,
    customAccount: cortex.customAccount,
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

const pipeline = wafLogPipelinePropsSchema.shape;

const environmentSchema = z.strictObject({
  /** AWS account to deploy into (12 digits); the provider refuses any other account. */
  accountId: pipeline.accountId,
  /** AWS region, e.g. `us-east-1`; the WAF log groups, bucket and queue all live there. */
  region: pipeline.region,
  /** CloudWatch Logs log groups that AWS WAF writes to (each starts with `aws-waf-logs-`). */
  wafLogGroupNames: pipeline.logGroupNames,
  /** Name of the log bucket. @default "waf-log-pipeline-<env>-<accountId>-<region>" */
  bucketName: pipeline.bucketName.optional(),
  /** Key prefix of the log objects, ending in `/`. @default "raw/" */
  s3Prefix: pipeline.keyPrefix,
  /** Storage-class transitions and expiration of the log objects. */
  lifecycle: pipeline.lifecycle,
  /** Notification queue and dead-letter queue settings. */
  queue: pipeline.queue,
  /** Processor function settings. */
  processor: pipeline.processor,
  /** Cortex tenant settings. */
  cortex: cortexSchema.prefault({}),
  /** Tags added to every resource through the provider's default tags. @default {} */
  tags: tagsSchema.default({}),
  /** Terraform Cloud workspace; when absent the stack keeps its state in a local file. @default undefined */
  terraformCloud: terraformCloudSchema.optional(),
  /** WAF logging configurations, managed log groups, redaction, logging filter (see `src/waf-config.ts`). @default undefined (none) */
  waf: wafSchema.optional(),
  /** CloudWatch alarms and their e-mail notification. @default every alarm on, no e-mail */
  alarms: pipeline.alarms,
  /** Encryption at rest of the bucket, queues and alarm topic. @default { type: "sse" } */
  encryption: pipeline.encryption,
  /** S3 Versioning of the log bucket. @default on, noncurrent versions kept 30 days */
  versioning: pipeline.versioning,
  /** S3 Object Lock on the log bucket. @default undefined (off) */
  objectLock: pipeline.objectLock,
  /** The failure store (on-failure destination). @default 30 days, `waf-log-pipeline-<env>-failures-<account>-<region>` */
  failureStore: pipeline.failureStore,
  /** Keep the SQS failure queue of earlier versions until it is drained. @default true */
  keepFailureQueue: pipeline.keepFailureQueue,
});

type ParsedEnvironment = z.output<typeof environmentSchema>;

/** An estate environment: archive and sources (`src/estate-config.ts`), with the Cortex and tag settings above. */
const estateSchema = z.strictObject(
  {
    ...estateEnvironmentShape,
    /** Cortex tenant settings (the archive's reader role). */
    cortex: cortexSchema.prefault({}),
    /** Tags added to every resource of every stack of the estate. @default {} */
    tags: tagsSchema.default({}),
  },
  { error: allowed('must be {"archive": {…}, "sources": [{…}, …]}') },
);

/**
 * One environment of the file: the estate form when it has `archive` or `sources`, else the one-account
 * form. Issues keep their paths inside the environment.
 */
const anyEnvironmentSchema = z.unknown().transform((value, ctx) => {
  const estate = isEstateInput(value);
  const result = (estate ? estateSchema : environmentSchema).safeParse(value);
  if (!result.success) {
    // The issues as the schema reported them (code, keys, nested issues), their paths inside the environment.
    for (const issue of result.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return estate
    ? { form: "estate" as const, estate: result.data as z.output<typeof estateSchema> }
    : { form: "account" as const, environment: result.data as ParsedEnvironment };
});

/** Terraform Cloud (HCP Terraform) workspace that holds the environment's state. */
export interface TerraformCloudConfig {
  /** Organization name; when absent, `TF_CLOUD_ORGANIZATION` must be set at synth. @default undefined */
  readonly organization?: string;
  /** Workspace name. @default "waf-log-pipeline-<env>" */
  readonly workspace: string;
}

/** One deployment of the pipeline: one AWS account and region, one Terraform stack, every default applied. */
export type EnvironmentConfig = Readonly<Omit<ParsedEnvironment, "bucketName" | "terraformCloud" | "waf">> & {
  /** Name of the log bucket. @default "waf-log-pipeline-<env>-<accountId>-<region>" */
  readonly bucketName: string;
  /** Terraform Cloud workspace; when absent the stack keeps its state in a local file. */
  readonly terraformCloud?: TerraformCloudConfig;
  /** WAF logging, with every web ACL's log group resolved. */
  readonly waf?: WafConfig;
};

/** The whole configuration file, with every default applied. */
export interface PipelineConfig {
  /** The one-account environments by name (`^[a-z][a-z0-9-]{0,15}$`). */
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
  /** The estate environments (archive and sources) by name; names are distinct from `environments`'. @default {} */
  readonly estates: Readonly<Record<string, EstateConfig>>;
}

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
          anyEnvironmentSchema,
          { error: allowed('must be an object of environments, like {"dev": {…}}') },
        )
        .refine((environments) => Object.keys(environments).length > 0, {
          error: "must define at least one environment",
        })
        .superRefine((environments, ctx) => {
          for (const [env, entry] of Object.entries(environments)) {
            if (entry.form === "estate") {
              for (const problem of estateProblems(env, entry.estate)) {
                ctx.addIssue({ code: "custom", path: [env, ...problem.path], message: problem.message });
              }
              const { archive } = entry.estate;
              if (archive.bucketName === undefined && usableTarget(archive.accountId, archive.region)) {
                const derived = defaultBucketName(env, archive.accountId, archive.region);
                const problem = bucketNameProblem(derived);
                if (problem !== undefined) {
                  ctx.addIssue({
                    code: "custom",
                    path: [env, "archive", "bucketName"],
                    message: `is required because the default name ${JSON.stringify(derived)} ${problem}; set a valid S3 bucket name`,
                  });
                }
              }
              continue;
            }
            const config = entry.environment;
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
    estates: Object.fromEntries(
      Object.entries(file.environments).flatMap(([env, entry]) =>
        entry.form === "estate"
          ? [[env, resolveEstate(env, entry.estate, entry.estate.cortex, entry.estate.tags)]]
          : [],
      ),
    ),
    environments: Object.fromEntries(
      Object.entries(file.environments)
        .flatMap(([env, entry]) =>
          entry.form === "account" ? [[env, entry.environment] as [string, ParsedEnvironment]] : [],
        )
        .map(([env, config]) => [
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

/**
 * Validates a parsed configuration file and applies every default.
 *
 * @param json the parsed JSON (any value)
 * @param source where it came from, for the error message (a file name)
 * @returns the configuration with every default applied
 * @throws ValidationError listing every problem with its JSON path
 */
export function parseConfig(json: unknown, source: string): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(json);
  if (!result.success) throw configError(source, issuesOf(result.error.issues));
  return result.data;
}

/** The error for a configuration file `source` with `issues`: `Invalid configuration in <source> (…)`. */
export function configError(source: string, issues: readonly Issue[]): ValidationError {
  return new ValidationError(`configuration in ${source}`, issues);
}

/** The UTF-8 byte order mark, which some editors write at the start of a file. */
const BYTE_ORDER_MARK = "\uFEFF";

/**
 * Reads and validates the configuration file. A UTF-8 byte order mark at its start is skipped (JSON
 * does not allow one, but editors on Windows write it).
 *
 * @param path the file; default: `$WAF_PIPELINE_CONFIG`, else `waf-pipeline.config.json` in the working directory
 * @returns the configuration with every default applied
 * @throws ValidationError when the file cannot be read, is not JSON, or breaks any rule (all listed at once)
 */
export function loadConfig(path?: string): PipelineConfig {
  const file = path ?? (process.env[CONFIG_PATH_VARIABLE] || DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw configError(file, [{ path: "", message: `cannot read the configuration file: ${reason}` }]);
  }
  if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(BYTE_ORDER_MARK.length);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw configError(file, [{ path: "", message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return parseConfig(json, file);
}
