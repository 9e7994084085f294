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
import { partitionOf } from "./iam-policy";
import { defaultBucketName, stackName } from "./naming";

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

const SOURCE_TYPES = ["cloudwatch"] as const;

/** One source of an estate, a union on `type` (`"cloudwatch"` when absent). */
export const sourceSchema = z.preprocess(
  (input) =>
    typeof input === "object" && input !== null && !Array.isArray(input) && !("type" in input)
      ? { type: "cloudwatch", ...input }
      : input,
  z.discriminatedUnion("type", [cloudwatchSourceSchema], {
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

/** One source of an estate (a union on `type`). */
export type SourceConfig = CloudWatchSourceConfig;

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

/** The stack name of a source: `waf-log-pipeline-<env>-<account>-<region>`. */
export function sourceStackName(env: string, accountId: string, region: string): string {
  return `${stackName(env)}-${accountId}-${region}`;
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
    const where = `${source.accountId}/${source.region}`;
    const earlier = seen.get(where);
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
  const sources: SourceConfig[] = estate.sources.map((source) => {
    const name = source.name ?? defaultSourceName(env, source.region);
    const stack = sourceStackName(env, source.accountId, source.region);
    const cloud = workspace(stack, source.terraformCloud);
    return {
      type: source.type,
      stackName: stack,
      accountId: source.accountId,
      region: source.region,
      ...(source.assumeRoleArn === undefined ? {} : { assumeRoleArn: source.assumeRoleArn }),
      ...(source.auditRoleArn === undefined ? {} : { auditRoleArn: source.auditRoleArn }),
      ...(cloud === undefined ? {} : { terraformCloud: cloud }),
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
  const a = estate.archive;
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
      name: stackName(env),
      bucketName: a.bucketName ?? defaultBucketName(env, a.accountId, a.region),
      s3Prefix: a.s3Prefix,
      lifecycle: a.lifecycle,
      queue: a.queue,
      encryption: a.encryption,
      versioning: a.versioning,
      ...(a.objectLock === undefined ? {} : { objectLock: a.objectLock }),
      ...(a.organizationId === undefined ? {} : { organizationId: a.organizationId }),
      ...(sourceKmsKeyArn === undefined ? {} : { sourceKmsKeyArn }),
      writerRoleArns: sources.map((source) => source.processorRoleArn),
    },
    sources,
    alarms: estate.alarms,
    cortex,
    tags,
  };
}

/** Is the pair usable for derived names (both fields valid)? */
export function usableTarget(accountId: unknown, region: unknown): boolean {
  return ACCOUNT_ID_PATTERN.test(String(accountId)) && REGION_PATTERN.test(String(region));
}
