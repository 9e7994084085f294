/**
 * The estate form of an environment: one `archive` (account, region and everything the archive of a
 * one-account environment has) and a list of `sources`, each an AWS account and region whose WAF log
 * groups a forwarder of its own sends into that archive. An environment of the configuration file is an
 * estate when it has an `archive` or `sources` member; otherwise it is the one-account form of
 * `src/config.ts`, which keeps its stacks, addresses and outputs.
 *
 * ```json
 * "estate": {
 *   "archive": { "accountId": "999988887777", "region": "eu-west-1" },
 *   "sources": [
 *     { "accountId": "111122223333", "region": "us-east-1", "wafLogGroupNames": ["aws-waf-logs-cdn"] },
 *     { "accountId": "444455556666", "region": "eu-west-1", "discovery": { "exclude": ["aws-waf-logs-test"] } }
 *   ]
 * }
 * ```
 *
 * One Terraform stack per archive and per source (see `src/estate-stacks.ts`); no stack reads another's
 * state: what a source needs of the archive (bucket name and region, key prefix, key ARN pattern) and what
 * the archive needs of the sources (their processor roles' ARNs) are derived here from the configuration.
 *
 * AWS rules this relies on, each checked here where it can be (docs/estate.md cites them all):
 * - a subscription filter's Lambda function is in the log group's account (and region), so one forwarder
 *   per account and region: two sources with the same account and region are refused;
 * - IAM role names are unique per account (not per region), so each source's resources carry its region;
 * - S3 uses only KMS keys of the bucket's own region, so a source's key pattern names the archive's region.
 */
import { z } from "zod";
import { kmsKeyRegion } from "./constructs/kms-key-arn";
import { failureStoreBucketName, forwarderResourceNames } from "./constructs/names";
import { bucketNameProblem } from "../functions/waf-log-processor/environment";
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, allowed } from "./constructs/validation";
import { discoverySchema, wafLogForwarderPropsSchema } from "./constructs/waf-log-forwarder";
import { organizationIdSchema, roleArnSchema } from "./constructs/writer-grants";
import { pipelineAlarmsSchema, wafLogPipelinePropsSchema } from "./constructs/waf-log-pipeline";
import { archiveResourceNames } from "./constructs/names";
import { largeLogFilesSchema, wafS3LogSourcePropsSchema } from "./constructs/waf-s3-log-source";
import { webAclArnSchema } from "./constructs/waf-logging";
import type { RedactedField, LoggingFilter } from "./constructs/waf-logging";
import { distinct } from "./constructs/validation";
import { partitionOf } from "./iam-policy";
import { defaultBucketName, stackName } from "./naming";
import { wafSchema } from "./waf-config";

const pipeline = wafLogPipelinePropsSchema.shape;
const forwarder = wafLogForwarderPropsSchema.shape;

/** Longest construct `name` the constructs accept (`resourceNameSchema`). */
const MAX_RESOURCE_NAME_LENGTH = 40;

const terraformCloudName = (text: string) =>
  z.string({ error: allowed(text) }).regex(/^[A-Za-z0-9_-]{1,90}$/, { error: allowed(text) });
const ORGANIZATION_RULES = "must be a Terraform Cloud organization name (letters, digits, - and _)";
const WORKSPACE_RULES = "must be a Terraform Cloud workspace name (1–90 letters, digits, - and _)";

/** The workspace of one stack: organization (else the environment's, else `TF_CLOUD_ORGANIZATION`) and name. */
const stackWorkspaceSchema = z.strictObject({
  organization: terraformCloudName(ORGANIZATION_RULES).optional(),
  /** @default the stack name, e.g. `waf-log-pipeline-estate-archive` */
  workspace: terraformCloudName(WORKSPACE_RULES).optional(),
});

/** How a stack reaches its account: the role Terraform assumes (`assume_role`), if any. */
const assumeRoleArnSchema = roleArnSchema.optional();

/** The archive of an estate: where the bucket, the queues, the key and the Cortex reader role live. */
const estateArchiveSchema = z.strictObject({
  /** AWS account of the archive (12 digits), e.g. the organization's log-archive account. */
  accountId: pipeline.accountId,
  /** AWS region of the archive, e.g. `eu-west-1`: the bucket, the queues and the Cortex collector's queue live there. */
  region: pipeline.region,
  /** Name of the log bucket. @default "waf-log-pipeline-<env>-<accountId>-<region>" */
  bucketName: pipeline.bucketName.optional(),
  /** Key prefix of the log objects, ending in `/`. @default "raw/" */
  s3Prefix: pipeline.keyPrefix,
  /** Storage-class transitions and expiration of the log objects. */
  lifecycle: pipeline.lifecycle,
  /** Notification queue and dead-letter queue settings. */
  queue: pipeline.queue,
  /** Encryption at rest of the bucket and queues. @default { type: "sse" } */
  encryption: pipeline.encryption,
  /** S3 Versioning of the log bucket and how long noncurrent versions are kept. @default on, 30 days */
  versioning: pipeline.versioning,
  /** S3 Object Lock of the log bucket (mode, retention days). @default undefined (off) */
  objectLock: pipeline.objectLock,
  /**
   * AWS Organizations id every source account belongs to: the bucket and key policies then also require
   * `aws:PrincipalOrgID`. @default undefined (not checked)
   */
  organizationId: organizationIdSchema.optional(),
  /** Role Terraform assumes to deploy the archive stack. @default undefined (the caller's credentials) */
  assumeRoleArn: assumeRoleArnSchema,
  /** Terraform Cloud workspace of the archive stack. @default the environment's, named after the stack */
  terraformCloud: stackWorkspaceSchema.optional(),
});

/**
 * A source whose web ACLs log to CloudWatch Logs: `type` `"cloudwatch"` (the default). Other types
 * (e.g. WAF logging straight to S3) join {@link sourceSchema}'s union with their own `type`.
 */
const cloudwatchSourceSchema = z
  .strictObject({
    /** Source type. @default "cloudwatch" */
    type: z.literal("cloudwatch"),
    /** AWS account of the log groups (12 digits). */
    accountId: pipeline.accountId,
    /** AWS region of the log groups: CloudFront web ACLs log only in `us-east-1`. */
    region: pipeline.region,
    /** The WAF log groups to forward. Give this or `discovery`. */
    wafLogGroupNames: forwarder.logGroupNames,
    /** Subscribe every log group found at plan time with the prefix, except the exclusions. Give this or `wafLogGroupNames`. */
    discovery: discoverySchema.optional(),
    /** Processor function settings. */
    processor: forwarder.processor,
    /**
     * The source's failure store (on-failure records). @default bucket
     * `waf-log-pipeline-<env>-failures-<account>-<region>`, records kept 30 days
     */
    failureStore: forwarder.failureStore,
    /**
     * Prefix of the source's resource names (≤ 40 characters). @default "waf-log-pipeline-<env>-<region>"
     * (resource names must differ per region: IAM role names are unique per account)
     */
    name: forwarder.name.optional(),
    /** Role Terraform assumes to deploy this source's stack. @default undefined (the caller's credentials) */
    assumeRoleArn: assumeRoleArnSchema,
    /**
     * Role the coverage audit (`npm run audit`) assumes to read this source's account: a read-only role
     * (docs/audit.md lists its policy), not the deploy role. @default undefined (the caller's credentials)
     */
    auditRoleArn: assumeRoleArnSchema,
    /** Terraform Cloud workspace of this source's stack. @default the environment's, named after the stack */
    terraformCloud: stackWorkspaceSchema.optional(),
  })
  .superRefine((source, ctx) => {
    if ((source.wafLogGroupNames === undefined) === (source.discovery === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["wafLogGroupNames"],
        message:
          source.discovery === undefined
            ? 'is required: list the log groups to forward, or give "discovery": {"prefix": "aws-waf-logs-", "exclude": []}'
            : "must not be given together with discovery: list the log groups, or discover them, not both",
      });
    }
  });

const s3Source = wafS3LogSourcePropsSchema.shape;

/** What only the `cloudwatch` type has, and what an `s3` source uses instead. */
const CLOUDWATCH_ONLY_FIELDS = {
  wafLogGroupNames:
    "applies only to cloudwatch sources: an s3 source's web ACLs log straight to its aws-waf-logs-* bucket, not to log groups (list them in webAclArns, or remove the field)",
  discovery:
    "applies only to cloudwatch sources: an s3 source has no log groups to discover (list its web ACLs in webAclArns, or remove the field)",
  processor:
    "applies only to cloudwatch sources: no processor runs between WAF and the files an s3 source's bucket holds, so processor.redactHeaders cannot exist there; use redactedFields (WAF's own redaction, e.g. [\"header:authorization\"]), or a cloudwatch source",
} as const;

/**
 * A source whose web ACLs log straight to an S3 bucket (`type` `"s3"`): an `aws-waf-logs-…` bucket in
 * the source's account and the archive's region (`region` must be the archive's: S3 notifies only a
 * queue of the bucket's own region), whose files Cortex reads through the archive's queue and reader
 * role (see `WafS3LogSource`, docs/choosing-a-source.md).
 */
const s3SourceSchema = z
  .strictObject({
    /** Source type. */
    type: z.literal("s3"),
    /** AWS account of the web ACLs and of the bucket (12 digits). */
    accountId: pipeline.accountId,
    /** AWS region of the bucket: the archive's region. */
    region: pipeline.region,
    /** Name of the bucket, starting with `aws-waf-logs-`. @default "aws-waf-logs-<env>-<accountId>-<region>" */
    bucketName: s3Source.bucketName.optional(),
    /**
     * Web ACLs (of `accountId`, in `region`) whose logging configuration the stack creates, sending to the
     * bucket; it replaces any other logging destination they had. @default [] (configure logging yourself)
     */
    webAclArns: z
      .array(webAclArnSchema, { error: allowed("must be a list of web ACL ARNs") })
      .max(100, { error: "must list at most 100 web ACLs" })
      .superRefine(distinct((arn) => arn, "web ACL"))
      .default([]),
    /** Regions of the account whose web ACLs log to the bucket (`us-east-1` for CloudFront). @default [region] */
    webAclRegions: s3Source.webAclRegions,
    /** Fields WAF redacts in the records of `webAclArns`, e.g. `["header:authorization", "queryString"]`. @default the authorization and cookie headers */
    redactedFields: wafSchema.shape.redactedFields,
    /** Which records WAF writes for `webAclArns`. @default every record */
    loggingFilter: wafSchema.shape.loggingFilter,
    /** Storage-class transitions and expiration of WAF's files. @default 30 / 90 / 365 / 2555 days */
    lifecycle: s3Source.lifecycle,
    /** S3 Versioning of the bucket, as the archive's. @default on, noncurrent versions kept 30 days */
    versioning: s3Source.versioning,
    /** Encryption at rest of the bucket (`"sse"`, `"kms"` for a key the stack creates, or a key ARN). @default "sse" */
    encryption: s3Source.encryption,
    /** Rule, queue and alarm on files above Cortex's 50 MB. @default on, 52428800 bytes */
    largeLogFiles: largeLogFilesSchema,
    /** Prefix of the source's resource names (≤ 40 characters). @default "waf-log-pipeline-<env>-<region>-s3" */
    name: forwarder.name.optional(),
    /** Role Terraform assumes to deploy this source's stack. @default undefined (the caller's credentials) */
    assumeRoleArn: assumeRoleArnSchema,
    /** Role the coverage audit assumes to read this source's account (read-only, not the deploy role). @default undefined */
    auditRoleArn: assumeRoleArnSchema,
    /** Terraform Cloud workspace of this source's stack. @default the environment's, named after the stack */
    terraformCloud: stackWorkspaceSchema.optional(),
    wafLogGroupNames: z.unknown().optional(),
    discovery: z.unknown().optional(),
    processor: z.unknown().optional(),
  })
  .superRefine((source, ctx) => {
    for (const [field, message] of Object.entries(CLOUDWATCH_ONLY_FIELDS)) {
      if (source[field as keyof typeof CLOUDWATCH_ONLY_FIELDS] !== undefined)
        ctx.addIssue({ code: "custom", path: [field], message });
    }
    if (source.webAclArns.length === 0) {
      for (const field of ["redactedFields", "loggingFilter"] as const) {
        if (source[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message:
              "has no effect without webAclArns: WAF applies it through the logging configurations of the web ACLs listed in webAclArns",
          });
        }
      }
    }
  })
  .transform(({ wafLogGroupNames: _l, discovery: _d, processor: _p, ...source }) => source);

const SOURCE_TYPES = ["cloudwatch", "s3"] as const;

/** One source of an estate, a union on `type` (`"cloudwatch"` when absent). */
export const sourceSchema = z.preprocess(
  (input) =>
    typeof input === "object" && input !== null && !Array.isArray(input) && !("type" in input)
      ? { type: "cloudwatch", ...input }
      : input,
  z.discriminatedUnion("type", [cloudwatchSourceSchema, s3SourceSchema], {
    error: (issue) =>
      issue.code === "invalid_union"
        ? `must be one of ${SOURCE_TYPES.map((t) => JSON.stringify(t)).join(", ")}`
        : allowed('must be a source like {"accountId": "…", "region": "…", "wafLogGroupNames": [...]}')(
            issue,
          ),
  }),
);

/**
 * The fields of an estate environment (an environment with `archive` and `sources`; see the module doc),
 * without `cortex` and `tags`, which `src/config.ts` adds with the one-account form's own schemas.
 */
export const estateEnvironmentShape = {
  archive: estateArchiveSchema,
  sources: z
    .array(sourceSchema, { error: allowed("must be a list of sources") })
    .min(1, { error: "must list at least one source" }),
  /** Alarms of the archive and of every source, and who gets an e-mail. @default every alarm on, no e-mail */
  alarms: pipelineAlarmsSchema,
  /** Terraform Cloud for every stack of the estate. @default undefined (local state files) */
  terraformCloud: z
    .strictObject({ organization: terraformCloudName(ORGANIZATION_RULES).optional() })
    .optional(),
};

/** What an estate environment parses to before names are derived (see {@link resolveEstate}). */
export type ParsedEstate = z.output<z.ZodObject<typeof estateEnvironmentShape>>;

/** A Terraform Cloud workspace of one stack, resolved. */
export interface StackWorkspace {
  /** Organization; when absent, `TF_CLOUD_ORGANIZATION` must be set at synth. */
  readonly organization?: string;
  /** Workspace name. */
  readonly workspace: string;
}

/** How one stack of an estate is deployed. */
export interface EstateStackTarget {
  /** Stack (and default workspace) name. */
  readonly stackName: string;
  /** AWS account the provider is restricted to (`allowed_account_ids`). */
  readonly accountId: string;
  readonly region: string;
  /** Role the provider assumes. @default undefined */
  readonly assumeRoleArn?: string;
  /** Terraform Cloud workspace; undefined: a local state file. */
  readonly terraformCloud?: StackWorkspace;
}

/** The archive of an estate, resolved. */
export interface EstateArchiveConfig extends EstateStackTarget {
  /** Prefix of the archive's resource names: `waf-log-pipeline-<env>` (as a one-account environment's). */
  readonly name: string;
  readonly bucketName: string;
  readonly s3Prefix: string;
  readonly lifecycle: z.output<typeof pipeline.lifecycle>;
  readonly queue: z.output<typeof pipeline.queue>;
  readonly encryption: z.output<typeof pipeline.encryption>;
  readonly versioning: z.output<typeof pipeline.versioning>;
  readonly objectLock?: NonNullable<z.output<typeof pipeline.objectLock>>;
  readonly organizationId?: string;
  /**
   * The key sources use with the bucket: the configured key's ARN, the key pattern
   * `arn:<partition>:kms:<region>:<account>:key/*` when the archive stack creates the key, undefined with SSE-S3.
   */
  readonly sourceKmsKeyArn?: string;
  /** The sources' processor roles, admitted by condition in the bucket and key policies. */
  readonly writerRoleArns: readonly string[];
}

/** A CloudWatch Logs source of an estate, resolved. */
export interface CloudWatchSourceConfig extends EstateStackTarget {
  readonly type: "cloudwatch";
  /** Prefix of the source's resource names, e.g. `waf-log-pipeline-estate-us-east-1`. */
  readonly name: string;
  /** The log groups: listed, or discovered at plan time. */
  readonly logGroups:
    { readonly names: readonly string[] } | { readonly discovery: z.output<typeof discoverySchema> };
  readonly processor: z.output<typeof forwarder.processor>;
  /** The failure store, its bucket name resolved. */
  readonly failureStore: z.output<typeof forwarder.failureStore> & { readonly bucketName: string };
  /** ARN of the processor role this source's stack creates (derived from `name`). */
  readonly processorRoleArn: string;
  /** Role the coverage audit assumes to read the source's account. @default undefined */
  readonly auditRoleArn?: string;
}

/** An `s3` source of an estate, resolved: the landing bucket and what it needs of the archive. */
export interface S3SourceConfig extends EstateStackTarget {
  readonly type: "s3";
  /** Prefix of the source's resource names, e.g. `waf-log-pipeline-estate-eu-west-1-s3`. */
  readonly name: string;
  /** The `aws-waf-logs-…` bucket. */
  readonly bucketName: string;
  readonly webAclArns: readonly string[];
  readonly webAclRegions?: readonly string[];
  readonly redactedFields?: readonly RedactedField[];
  readonly loggingFilter?: LoggingFilter;
  readonly lifecycle: z.output<typeof s3Source.lifecycle>;
  readonly encryption: z.output<typeof s3Source.encryption>;
  readonly versioning: z.output<typeof s3Source.versioning>;
  readonly largeLogFiles: z.output<typeof largeLogFilesSchema>;
  /**
   * The key the archive's reader role decrypts the bucket's files with: the configured key's ARN, the key
   * pattern `arn:<partition>:kms:<region>:<account>:key/*` when the source's stack creates the key,
   * undefined with SSE-S3.
   */
  readonly readerKmsKeyArn?: string;
  /** The archive's notification queue (derived from the archive's name). */
  readonly notificationQueueArn: string;
  /** The archive's Cortex reader role (derived from the archive's name). */
  readonly readerRoleArn: string;
  /** Role the coverage audit assumes to read the source's account. @default undefined */
  readonly auditRoleArn?: string;
}

/** One source of an estate (a union on `type`). */
export type SourceConfig = CloudWatchSourceConfig | S3SourceConfig;

/** The default `aws-waf-logs-…` bucket of an s3 source: `aws-waf-logs-<env>-<account>-<region>` (at most 57 characters). */
export function defaultLandingBucketName(env: string, accountId: string, region: string): string {
  return `aws-waf-logs-${env}-${accountId}-${region}`;
}

/** The default resource name prefix of an s3 source: `waf-log-pipeline-<env>-<region>-s3`. */
export function defaultS3SourceName(env: string, region: string): string {
  return `${defaultSourceName(env, region)}-s3`;
}

/** An estate environment with every default applied and every derived name resolved. */
export interface EstateConfig {
  readonly archive: EstateArchiveConfig;
  readonly sources: readonly SourceConfig[];
  readonly alarms: z.output<typeof pipelineAlarmsSchema>;
  /** Cortex tenant (the reader role's trust). */
  readonly cortex: { readonly accountId: string; readonly fedramp: boolean; readonly customAccount: boolean };
  readonly tags: Readonly<Record<string, string>>;
}

/** The stack name of the archive of estate `env`: `waf-log-pipeline-<env>-archive`. */
export function archiveStackName(env: string): string {
  return `${stackName(env)}-archive`;
}

/** The stack name of a source: `waf-log-pipeline-<env>-<account>-<region>` (`…-s3` for an s3 source). */
export function sourceStackName(env: string, accountId: string, region: string, type = "cloudwatch"): string {
  return `${stackName(env)}-${accountId}-${region}${type === "s3" ? "-s3" : ""}`;
}

/** The default resource name prefix of a source: `waf-log-pipeline-<env>-<region>`. */
export function defaultSourceName(env: string, region: string): string {
  return `${stackName(env)}-${region}`;
}

/**
 * The default failure store bucket of a source: `waf-log-pipeline-<env>-failures-<account>-<region>`
 * (the source's resource name already holds the region, which would make the bucket name too long).
 */
export function defaultFailureStoreBucketName(env: string, accountId: string, region: string): string {
  return failureStoreBucketName(stackName(env), accountId, region);
}

/** Is `value` an estate environment (has `archive` or `sources`)? */
export function isEstateInput(value: unknown): boolean {
  return typeof value === "object" && value !== null && ("archive" in value || "sources" in value);
}

/**
 * The rules across fields of an estate: distinct (account, region) per source, a short enough resource
 * name, distinct resource names per account, a key in the archive's region. Each problem with its path.
 */
export function estateProblems(
  env: string,
  estate: ParsedEstate,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Map<string, number>();
  const names = new Map<string, number>();
  estate.sources.forEach((source, index) => {
    const where = `${source.type}/${source.accountId}/${source.region}`;
    const earlier = seen.get(where);
    if (source.type === "s3") {
      if (earlier !== undefined) {
        problems.push({
          path: ["sources", index],
          message: `must not repeat account ${source.accountId} and region ${source.region} of the s3 source sources[${earlier}]: one landing bucket takes every web ACL of an account (list their regions in webAclRegions); merge the two`,
        });
      } else seen.set(where, index);
      if (source.region !== estate.archive.region) {
        problems.push({
          path: ["sources", index, "region"],
          message: `must be the archive's region ${estate.archive.region} for an s3 source: S3 sends event notifications only to a queue in the bucket's own region (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html), got ${JSON.stringify(source.region)}; web ACLs of other regions can still log to the bucket (list their regions in webAclRegions), or use a cloudwatch source there`,
        });
      }
      const name = source.name ?? defaultS3SourceName(env, source.region);
      if (source.name === undefined && name.length > MAX_RESOURCE_NAME_LENGTH) {
        problems.push({
          path: ["sources", index, "name"],
          message: `is required because the default ${JSON.stringify(name)} is longer than ${MAX_RESOURCE_NAME_LENGTH} characters; give a shorter prefix of the source's resource names`,
        });
      }
      if (source.bucketName === undefined && usableTarget(source.accountId, source.region)) {
        const derived = defaultLandingBucketName(env, source.accountId, source.region);
        if (derived.length > 63) {
          problems.push({
            path: ["sources", index, "bucketName"],
            message: `is required because the default name ${JSON.stringify(derived)} is longer than 63 characters; set an aws-waf-logs-… bucket name`,
          });
        }
      }
      return;
    }
    if (earlier !== undefined) {
      problems.push({
        path: ["sources", index],
        message: `must not repeat account ${source.accountId} and region ${source.region} of sources[${earlier}]: a subscription filter can invoke only a function of its log group's account and region, so one source (one forwarder) covers every log group there; merge the two`,
      });
      return;
    }
    seen.set(where, index);
    const name = source.name ?? defaultSourceName(env, source.region);
    if (source.name === undefined && name.length > MAX_RESOURCE_NAME_LENGTH) {
      problems.push({
        path: ["sources", index, "name"],
        message: `is required because the default ${JSON.stringify(name)} is longer than ${MAX_RESOURCE_NAME_LENGTH} characters; give a shorter prefix of the source's resource names`,
      });
    }
    if (source.failureStore.bucketName === undefined && usableTarget(source.accountId, source.region)) {
      const derived = defaultFailureStoreBucketName(env, source.accountId, source.region);
      const problem = bucketNameProblem(derived);
      if (problem !== undefined) {
        problems.push({
          path: ["sources", index, "failureStore", "bucketName"],
          message: `is required because the default name ${JSON.stringify(derived)} ${problem}; set a valid S3 bucket name`,
        });
      }
    }
    const nameKey = `${source.accountId}/${name}`;
    const sameName = names.get(nameKey);
    if (sameName !== undefined) {
      problems.push({
        path: ["sources", index, "name"],
        message: `must differ from sources[${sameName}]'s ${JSON.stringify(name)} in account ${source.accountId}: IAM role names are unique per account, across regions`,
      });
    } else names.set(nameKey, index);
  });
  const { encryption } = estate.archive;
  if (encryption.type === "kms" && encryption.keyArn !== undefined) {
    const keyRegion = kmsKeyRegion(encryption.keyArn);
    if (keyRegion !== undefined && keyRegion !== estate.archive.region) {
      problems.push({
        path: ["archive", "encryption", "keyArn"],
        message: `must be a key in ${estate.archive.region}, the archive's region (S3 uses only keys in its own Region), got a key in ${keyRegion}`,
      });
    }
  }
  return problems;
}

/**
 * Resolves a parsed estate: derived stack, workspace, bucket and role names.
 *
 * @param env the environment's name
 * @param estate the parsed estate (with {@link estateProblems} empty)
 * @param cortex the resolved Cortex settings (`src/config.ts`)
 * @param tags the environment's tags
 */
export function resolveEstate(
  env: string,
  estate: ParsedEstate,
  cortex: EstateConfig["cortex"],
  tags: Readonly<Record<string, string>>,
): EstateConfig {
  const envCloud = estate.terraformCloud;
  const workspace = (
    name: string,
    own: z.output<typeof stackWorkspaceSchema> | undefined,
  ): StackWorkspace | undefined => {
    if (own === undefined && envCloud === undefined) return undefined;
    const organization = own?.organization ?? envCloud?.organization;
    return { ...(organization === undefined ? {} : { organization }), workspace: own?.workspace ?? name };
  };
  const a = estate.archive;
  const archiveName = stackName(env);
  const archiveNames = archiveResourceNames(archiveName);
  const archivePartition = partitionOf(a.region);
  const sources: SourceConfig[] = estate.sources.map((source): SourceConfig => {
    if (source.type === "s3") {
      const name = source.name ?? defaultS3SourceName(env, source.region);
      const stack = sourceStackName(env, source.accountId, source.region, "s3");
      const cloud = workspace(stack, source.terraformCloud);
      const { encryption } = source;
      const readerKmsKeyArn =
        encryption.type !== "kms"
          ? undefined
          : (encryption.keyArn ??
            `arn:${partitionOf(source.region)}:kms:${source.region}:${source.accountId}:key/*`);
      return {
        type: "s3",
        ...sourceTarget(source, stack, cloud),
        name,
        bucketName: source.bucketName ?? defaultLandingBucketName(env, source.accountId, source.region),
        webAclArns: source.webAclArns,
        ...(source.webAclRegions === undefined ? {} : { webAclRegions: source.webAclRegions }),
        ...(source.redactedFields === undefined ? {} : { redactedFields: source.redactedFields }),
        ...(source.loggingFilter === undefined ? {} : { loggingFilter: source.loggingFilter }),
        lifecycle: source.lifecycle,
        encryption,
        versioning: source.versioning,
        largeLogFiles: source.largeLogFiles,
        ...(readerKmsKeyArn === undefined ? {} : { readerKmsKeyArn }),
        notificationQueueArn: `arn:${archivePartition}:sqs:${a.region}:${a.accountId}:${archiveNames.notificationQueue}`,
        readerRoleArn: `arn:${archivePartition}:iam::${a.accountId}:role/${archiveNames.cortexReaderRole}`,
      };
    }
    const name = source.name ?? defaultSourceName(env, source.region);
    const stack = sourceStackName(env, source.accountId, source.region);
    const cloud = workspace(stack, source.terraformCloud);
    return {
      type: source.type,
      ...sourceTarget(source, stack, cloud),
      name,
      logGroups:
        source.discovery === undefined
          ? { names: [...(source.wafLogGroupNames ?? [])] }
          : { discovery: source.discovery },
      processor: source.processor,
      failureStore: {
        ...source.failureStore,
        bucketName:
          source.failureStore.bucketName ??
          defaultFailureStoreBucketName(env, source.accountId, source.region),
      },
      processorRoleArn: `arn:${partitionOf(source.region)}:iam::${source.accountId}:role/${forwarderResourceNames(name).processorRole}`,
    };
  });
  const stack = archiveStackName(env);
  const cloud = workspace(stack, a.terraformCloud);
  const sourceKmsKeyArn =
    a.encryption.type !== "kms"
      ? undefined
      : (a.encryption.keyArn ?? `arn:${partitionOf(a.region)}:kms:${a.region}:${a.accountId}:key/*`);
  return {
    archive: {
      stackName: stack,
      accountId: a.accountId,
      region: a.region,
      ...(a.assumeRoleArn === undefined ? {} : { assumeRoleArn: a.assumeRoleArn }),
      ...(cloud === undefined ? {} : { terraformCloud: cloud }),
      name: archiveName,
      bucketName: a.bucketName ?? defaultBucketName(env, a.accountId, a.region),
      s3Prefix: a.s3Prefix,
      lifecycle: a.lifecycle,
      queue: a.queue,
      encryption: a.encryption,
      versioning: a.versioning,
      ...(a.objectLock === undefined ? {} : { objectLock: a.objectLock }),
      ...(a.organizationId === undefined ? {} : { organizationId: a.organizationId }),
      ...(sourceKmsKeyArn === undefined ? {} : { sourceKmsKeyArn }),
      writerRoleArns: sources.flatMap((source) =>
        source.type === "cloudwatch" ? [source.processorRoleArn] : [],
      ),
    },
    sources,
    alarms: estate.alarms,
    cortex,
    tags,
  };
}

/** Where a source's stack deploys and how the audit reads it: the fields every source type has. */
function sourceTarget(
  source: {
    readonly accountId: string;
    readonly region: string;
    readonly assumeRoleArn?: string | undefined;
    readonly auditRoleArn?: string | undefined;
  },
  stackName: string,
  cloud: StackWorkspace | undefined,
): EstateStackTarget & { readonly auditRoleArn?: string } {
  return {
    stackName,
    accountId: source.accountId,
    region: source.region,
    ...(source.assumeRoleArn === undefined ? {} : { assumeRoleArn: source.assumeRoleArn }),
    ...(source.auditRoleArn === undefined ? {} : { auditRoleArn: source.auditRoleArn }),
    ...(cloud === undefined ? {} : { terraformCloud: cloud }),
  };
}

/** Is the pair usable for derived names (both fields valid)? */
export function usableTarget(accountId: unknown, region: unknown): boolean {
  return ACCOUNT_ID_PATTERN.test(String(accountId)) && REGION_PATTERN.test(String(region));
}
