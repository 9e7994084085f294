/**
 * What the coverage audit checks: one environment's sources, each an AWS account and region whose WAF
 * logs should reach the archive. This is the audit's own input, independent of the configuration file:
 * `audit-config.ts` builds it from today's one-account environments, and an estate configuration
 * (archive + sources) can build it the same way.
 *
 * {@link parseAuditInput} checks it with zod and reports every problem at once with its path.
 */
import { z } from "zod";
import { WAF_LOG_GROUP_PREFIX } from "../../src/cloudwatch-logs";
import { allowed } from "../../src/constructs/validation";

/** Which of a source's `aws-waf-logs-*` log groups the pipeline is meant to forward. */
export type AuditLogGroups =
  /** Exactly these log groups (each starts with `aws-waf-logs-`). */
  | { readonly names: readonly string[] }
  /**
   * Every log group whose name starts with `prefix` (itself starting with `aws-waf-logs-`), except the
   * names in `exclude` (exact log group names).
   */
  | { readonly discovery: { readonly prefix: string; readonly exclude: readonly string[] } };

/** What every source has: where it is and how to reach it. */
interface AuditSourceBase {
  /** AWS account of the web ACLs and their log destinations (12 digits). */
  readonly accountId: string;
  /** Region of the source's regional web ACLs and log groups, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * IAM role the audit assumes (STS AssumeRole, with credentials from the default chain) to read this
   * account. @default undefined (the default credential chain reads it directly)
   */
  readonly roleArn?: string;
}

/**
 * A source whose web ACLs log to CloudWatch Logs log groups, forwarded by a subscription filter to the
 * source's processor function.
 */
export interface CloudWatchAuditSource extends AuditSourceBase {
  readonly type: "cloudwatch";
  /** The log groups this source forwards: listed by name or discovered by prefix. */
  readonly logGroups: AuditLogGroups;
  /** Name of the pipeline's subscription filter on each log group, e.g. `waf-log-pipeline-prod-processor`. */
  readonly expectedFilterName: string;
  /** The subscription filter's destination: the processor function's ARN (unqualified). */
  readonly expectedDestinationArn: string;
}

/** A source whose web ACLs log straight to an S3 bucket named `aws-waf-logs-*` that the archive reads. */
export interface S3AuditSource extends AuditSourceBase {
  readonly type: "s3";
  /** The bucket WAF writes to, `arn:<partition>:s3:::aws-waf-logs-…`. */
  readonly s3BucketArn: string;
}

/** One source of the environment. */
export type AuditSource = CloudWatchAuditSource | S3AuditSource;

/** What one audit run checks. */
export interface AuditInput {
  /** Environment name, printed in the report. */
  readonly environment: string;
  /** The sources; at most one `cloudwatch` source per account and region (one forwarder each). */
  readonly sources: readonly AuditSource[];
}

/** An {@link AuditInput} that cannot be audited; `message` lists every problem with its path. */
export class AuditInputError extends Error {
  override readonly name = "AuditInputError";
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid audit input (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** AWS account ids: 12 digits. */
const ACCOUNT_ID = /^\d{12}$/;
/** Region names like `us-east-1` or `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** IAM role ARN: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html */
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Unqualified Lambda function ARN: https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html */
const FUNCTION_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):lambda:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:function:[\w-]{1,64}$/;
/**
 * An S3 bucket ARN whose name starts with `aws-waf-logs-` (WAF writes only to such buckets:
 * https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html).
 */
const WAF_BUCKET_ARN = /^arn:(aws|aws-cn|aws-us-gov):s3:::aws-waf-logs-[a-z0-9.-]{1,50}$/;
/** CloudWatch Logs log group names: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** "<what is allowed>, got <value>" (the configuration file's wording). */
const text = allowed;

const wafLogGroupName = z
  .string({ error: text("must be a log group name starting with aws-waf-logs-") })
  .regex(LOG_GROUP_NAME, { error: text("must be a log group name (letters, digits, . - _ / #)") })
  .startsWith(WAF_LOG_GROUP_PREFIX, {
    error: text(`must start with "${WAF_LOG_GROUP_PREFIX}" (WAF logs only to such log groups)`),
  });

const base = {
  accountId: z.string({ error: text("must be a 12-digit AWS account id") }).regex(ACCOUNT_ID, {
    error: text("must be a 12-digit AWS account id"),
  }),
  region: z.string({ error: text('must be an AWS region like "eu-west-1"') }).regex(REGION, {
    error: text('must be an AWS region like "eu-west-1"'),
  }),
  roleArn: z
    .string({ error: text("must be an IAM role ARN") })
    .regex(ROLE_ARN, {
      error: text('must be an IAM role ARN like "arn:aws:iam::111122223333:role/waf-audit"'),
    })
    .optional(),
};

const sourceSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("cloudwatch"),
      ...base,
      logGroups: z.union(
        [
          z.strictObject({ names: z.array(wafLogGroupName) }),
          z.strictObject({
            discovery: z.strictObject({
              prefix: wafLogGroupName,
              exclude: z.array(wafLogGroupName),
            }),
          }),
        ],
        {
          error: text(
            'must be {"names": [...]} or {"discovery": {"prefix": "aws-waf-logs-", "exclude": [...]}}',
          ),
        },
      ),
      expectedFilterName: z
        .string({ error: text("must be a subscription filter name") })
        .regex(/^[^:*]{1,512}$/, { error: text('must be 1–512 characters without ":" or "*"') }),
      expectedDestinationArn: z.string({ error: text("must be a Lambda function ARN") }).regex(FUNCTION_ARN, {
        error: text(
          'must be an unqualified Lambda function ARN like "arn:aws:lambda:eu-west-1:111122223333:function:name"',
        ),
      }),
    }),
    z.strictObject({
      type: z.literal("s3"),
      ...base,
      s3BucketArn: z.string({ error: text("must be an S3 bucket ARN") }).regex(WAF_BUCKET_ARN, {
        error: text(
          'must be the ARN of a bucket named aws-waf-logs-…, like "arn:aws:s3:::aws-waf-logs-example"',
        ),
      }),
    }),
  ],
  {
    error: (issue) => {
      const input = issue.input as { type?: unknown } | undefined;
      const what = 'must be "cloudwatch" or "s3"';
      if (input === null || typeof input !== "object") return `must be a source object with "type" ${what}`;
      return input.type === undefined ? `is required: ${what}` : `${what}, got ${JSON.stringify(input.type)}`;
    },
  },
);

const inputSchema = z
  .strictObject({
    environment: z
      .string({ error: text("must be the environment name") })
      .min(1, { error: text("must not be empty") }),
    sources: z.array(sourceSchema, { error: text("must be a list of sources") }).min(1, {
      error: "must list at least one source",
    }),
  })
  .superRefine((input, ctx) => {
    const seen = new Map<string, number>();
    input.sources.forEach((source, index) => {
      if (source.type !== "cloudwatch") return;
      const key = `${source.accountId} ${source.region}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else
        ctx.addIssue({
          code: "custom",
          path: ["sources", index],
          message: `must be the only cloudwatch source of account ${source.accountId} in ${source.region} (one forwarder per account and region), but sources[${first}] is one too`,
        });
    });
  });

/**
 * Checks an audit input.
 *
 * @returns the input, unchanged
 * @throws AuditInputError listing every problem as `<path>: <what is wrong>`, e.g.
 *   `sources[1].accountId: must be a 12-digit AWS account id, got "1234"`
 */
export function parseAuditInput(input: unknown): AuditInput {
  const result = inputSchema.safeParse(input);
  if (result.success) return result.data;
  throw new AuditInputError(result.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`));
}

function pathText(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (out, key) =>
        typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`,
      "",
    ) || "(input)"
  );
}

/**
 * Whether a source's log group selection includes `logGroupName`, and if not, why.
 *
 * @returns `undefined` when included, else a sentence such as `is not in the source's log group names`
 */
export function logGroupSelectionProblem(
  logGroups: AuditLogGroups,
  logGroupName: string,
): string | undefined {
  if ("names" in logGroups) {
    return logGroups.names.includes(logGroupName)
      ? undefined
      : "is not one of the source's listed log groups";
  }
  const { prefix, exclude } = logGroups.discovery;
  if (!logGroupName.startsWith(prefix)) return `does not match the source's discovery prefix "${prefix}"`;
  if (exclude.includes(logGroupName)) return "is excluded from the source's discovery";
  return undefined;
}
