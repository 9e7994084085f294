/**
 * The `waf` section of an environment's configuration (issue 6): which web ACLs log to the
 * environment's log groups, whether the stack creates those log groups (with retention and an explicit
 * log delivery resource policy), which request fields WAF redacts, which records WAF keeps, and the
 * subscription filters others already put on the log groups. Plus the processor-side
 * `processor.redactHeaders` list.
 *
 * The field schemas live here; `src/config.ts` plugs them into the environment schema and calls
 * {@link wafEnvironmentProblems} for the checks that need the environment's account, region and log
 * groups. The reference is `docs/waf-logging.md`.
 */
import { z } from "zod";
import { allowed } from "./config-messages";
import { partitionOf } from "./iam-policy";
import { logDeliveryPolicyDocument, MAX_LOG_RESOURCE_POLICY_CHARACTERS } from "./log-delivery-policy";
import { LOG_RETENTION_DAYS } from "./cloudwatch-logs";

// ---------------------------------------------------------------------------------------------
// Formats

/**
 * A wafv2 web ACL ARN: `arn:<partition>:wafv2:<region>:<account>:<regional|global>/webacl/<name>/<id>`.
 * Name: 1–128 of `[A-Za-z0-9_-]`; id: a lowercase UUID.
 * Source: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awswafv2.html#awswafv2-resources-for-iam-policies
 * and https://docs.aws.amazon.com/waf/latest/APIReference/API_WebACL.html
 */
export const WEB_ACL_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):wafv2:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):(regional|global)\/webacl\/([A-Za-z0-9_-]{1,128})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The parts of a web ACL ARN. */
export interface WebAclArnParts {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** Region in the ARN; `us-east-1` for every `global` (CloudFront) web ACL. */
  readonly region: string;
  /** AWS account that owns the web ACL (12 digits). */
  readonly accountId: string;
  /** `regional` (ALB, API Gateway, AppSync, Cognito, App Runner, Verified Access) or `global` (CloudFront). */
  readonly scope: "regional" | "global";
  /** Web ACL name. */
  readonly name: string;
  /** Web ACL id (a UUID). */
  readonly id: string;
}

/**
 * Splits a web ACL ARN into its parts.
 *
 * @returns the parts, or `undefined` when `arn` does not match {@link WEB_ACL_ARN_PATTERN}
 */
export function parseWebAclArn(arn: string): WebAclArnParts | undefined {
  const match = WEB_ACL_ARN_PATTERN.exec(arn);
  if (match === null) return undefined;
  const [, partition, region, accountId, scope, name, id] = match as unknown as [string, ...string[]];
  return {
    partition: partition!,
    region: region!,
    accountId: accountId!,
    scope: scope as "regional" | "global",
    name: name!,
    id: id!,
  };
}

/**
 * An HTTP header name: one or more token characters (RFC 9110 section 5.1: letters, digits and
 * ``!#$%&'*+-.^_`|~``), at most 64 (the longest name WAF's `SingleHeader` accepts).
 */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/**
 * A fully qualified WAF label name: a namespace prefix and the name, separated by `:`, of
 * `[0-9A-Za-z_:-]`, e.g. `awswaf:managed:aws:bot-control:bot:verified`.
 * Source: https://docs.aws.amazon.com/waf/latest/APIReference/API_LabelNameCondition.html
 */
export const LABEL_NAME_PATTERN = /^[0-9A-Za-z_-]+(?::[0-9A-Za-z_-]+)+$/;

/** The actions a logging filter can keep (WAF `ActionCondition` values other than ALLOW). */
export const LOGGABLE_NON_ALLOW_ACTIONS = [
  "BLOCK",
  "COUNT",
  "CAPTCHA",
  "CHALLENGE",
  "EXCLUDED_AS_COUNT",
] as const;

/** A WAF action a logging filter keeps. */
export type FilterAction = (typeof LOGGABLE_NON_ALLOW_ACTIONS)[number];

/**
 * CloudWatch Logs allows at most two subscription filters per log group.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
 */
export const MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;

/** Most fields WAF redacts in one logging configuration (`RedactedFields`, 100 items). */
export const MAX_REDACTED_FIELDS = 100;

// ---------------------------------------------------------------------------------------------
// Output types

/**
 * A request field WAF replaces with `XXX` in its log records: one header, the query string, the URI
 * path or the method (the only fields WAF can redact).
 * Source: https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html (`RedactedFields`)
 */
export type RedactedField =
  | { readonly type: "singleHeader"; readonly name: string }
  | { readonly type: "queryString" }
  | { readonly type: "uriPath" }
  | { readonly type: "method" };

/** Which records WAF writes to the log group: `keepActions` or `dropLabels`, not both. Absent: every record. */
export interface LoggingFilterConfig {
  /**
   * Keep only records whose action is one of these; every other record (ALLOW in particular) is
   * dropped by WAF before it reaches CloudWatch Logs. @default undefined (keep every action)
   */
  readonly keepActions?: readonly FilterAction[];
  /** Drop records that carry any of these fully qualified labels. @default undefined (drop none) */
  readonly dropLabels?: readonly string[];
}

/** One web ACL whose logging this stack manages. */
export interface WebAclLoggingTarget {
  /** The web ACL's ARN. */
  readonly arn: string;
  /** The log group (one of the environment's `wafLogGroupNames`) it logs to. */
  readonly logGroupName: string;
}

/** The `waf` section of an environment, with every default applied. */
export interface WafConfig {
  /** Web ACLs whose logging configuration this stack manages. @default [] */
  readonly webAclArns: readonly WebAclLoggingTarget[];
  /** Whether the stack creates the `wafLogGroupNames` log groups (instead of only subscribing to them). @default false */
  readonly manageLogGroup: boolean;
  /** Retention of the created log groups in days (a CloudWatch Logs value). @default 7 */
  readonly retentionDays: number;
  /** Fields WAF redacts in every managed web ACL's log records. @default authorization and cookie headers */
  readonly redactedFields: readonly RedactedField[];
  /** Which records WAF writes. @default undefined (every record) */
  readonly loggingFilter?: LoggingFilterConfig;
  /** Subscription filters other than this stack's, per log group name. @default {} (none) */
  readonly otherSubscriptionFilters: Readonly<Record<string, number>>;
}

/** The redacted fields when `waf.redactedFields` is not given: the `authorization` and `cookie` headers. */
export const DEFAULT_REDACTED_FIELDS: readonly RedactedField[] = [
  { type: "singleHeader", name: "authorization" },
  { type: "singleHeader", name: "cookie" },
];

/** Retention of the log groups the stack creates, in days: the S3 copy is the archive. */
export const DEFAULT_WAF_LOG_RETENTION_DAYS = 7;

// ---------------------------------------------------------------------------------------------
// Schemas

/** Adds an issue at `[index]` for every value that equals an earlier one after `key`. */
function distinct<T>(values: readonly T[], key: (value: T) => string, ctx: z.RefinementCtx, what: string) {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const k = key(value);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else
      ctx.addIssue({
        code: "custom",
        path: [index],
        message: `must be distinct: ${what} ${JSON.stringify(k)} is already listed at index ${first}`,
      });
  });
}

const WEB_ACL_ARN_RULES =
  'must be a wafv2 web ACL ARN like "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/<name>/<id>" (or ":global/webacl/" for CloudFront)';

const webAclArnString = z
  .string({ error: allowed(WEB_ACL_ARN_RULES) })
  .regex(WEB_ACL_ARN_PATTERN, { error: allowed(WEB_ACL_ARN_RULES) });

const LOG_GROUP_REFERENCE_RULES = "must be one of the environment's wafLogGroupNames";

const webAclTargetSchema = z.union(
  [
    webAclArnString,
    z.strictObject({
      arn: webAclArnString,
      logGroupName: z.string({ error: allowed(LOG_GROUP_REFERENCE_RULES) }).optional(),
    }),
  ],
  {
    error: allowed(
      `must be a web ACL ARN string or {"arn": "<web ACL ARN>", "logGroupName": "<one of wafLogGroupNames>"}`,
    ),
  },
);

const REDACTED_FIELD_RULES =
  'must be "header:<name>" (a header name of letters, digits and !#$%&\'*+-.^_`|~, at most 64), "queryString", "uriPath" or "method": the only fields WAF can redact';

/** `"header:<name>"`, `"queryString"`, `"uriPath"` or `"method"` → a {@link RedactedField} (header names lowercased). */
const redactedFieldSchema = z.string({ error: allowed(REDACTED_FIELD_RULES) }).transform((text, ctx) => {
  if (text === "queryString" || text === "uriPath" || text === "method") {
    return { type: text } as RedactedField;
  }
  const header = /^header:(.*)$/.exec(text)?.[1];
  if (header !== undefined && HEADER_NAME_PATTERN.test(header)) {
    // WAF wants the name in lower case (aws_wafv2_web_acl_logging_configuration single_header.name).
    return { type: "singleHeader", name: header.toLowerCase() } as RedactedField;
  }
  ctx.addIssue({ code: "custom", message: `${REDACTED_FIELD_RULES}, got ${JSON.stringify(text)}` });
  return z.NEVER;
});

/** The text form of a redacted field, for messages: `header:authorization`, `queryString`, … */
export function redactedFieldText(field: RedactedField): string {
  return field.type === "singleHeader" ? `header:${field.name}` : field.type;
}

const ACTION_RULES = `must be one of ${LOGGABLE_NON_ALLOW_ACTIONS.map((a) => JSON.stringify(a)).join(", ")}`;
const LABEL_RULES =
  'must be a fully qualified WAF label name like "awswaf:managed:aws:bot-control:bot:verified" (namespaces and name of letters, digits, _ and -, separated by ":")';

const loggingFilterSchema = z
  .strictObject(
    {
      keepActions: z
        .array(z.enum(LOGGABLE_NON_ALLOW_ACTIONS, { error: allowed(ACTION_RULES) }), {
          error: allowed('must be a list of actions like ["BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"]'),
        })
        .min(1, { error: "must list at least one action (omit keepActions to keep every action)" })
        .superRefine((actions, ctx) => distinct(actions, (a) => a, ctx, "action"))
        .optional(),
      dropLabels: z
        .array(
          z
            .string({ error: allowed(LABEL_RULES) })
            .max(1024, { error: allowed(`${LABEL_RULES}, at most 1024 characters`) })
            .regex(LABEL_NAME_PATTERN, { error: allowed(LABEL_RULES) }),
          { error: allowed("must be a list of label names") },
        )
        .min(1, { error: "must list at least one label (omit dropLabels to drop none)" })
        .superRefine((labels, ctx) => distinct(labels, (l) => l, ctx, "label"))
        .optional(),
    },
    {
      error: allowed(
        'must be an object like {"keepActions": ["BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"]} or {"dropLabels": ["<label>"]}',
      ),
    },
  )
  .superRefine((filter, ctx) => {
    if (filter.keepActions === undefined && filter.dropLabels === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "must set keepActions or dropLabels (omit loggingFilter to keep every record, which is the default)",
      });
    }
    if (filter.keepActions !== undefined && filter.dropLabels !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["dropLabels"],
        message:
          "cannot be combined with keepActions: choose one filter (keep only some actions, or drop records by label)",
      });
    }
  });

const RETENTION_RULES = `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")} days`;

const OTHER_FILTERS_RULES = `must be a whole number of subscription filters from 0 to ${MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP - 1}`;

/**
 * The `waf` object of an environment. Its output still has string entries in `webAclArns` and
 * `logGroupName` possibly missing; {@link resolveWafConfig} completes it with the environment.
 */
export const wafSchema = z
  .strictObject(
    {
      webAclArns: z
        .array(webAclTargetSchema, { error: allowed("must be a list of web ACL ARNs") })
        .max(100, { error: "must list at most 100 web ACLs" })
        .superRefine((targets, ctx) =>
          distinct(targets, (t) => (typeof t === "string" ? t : t.arn), ctx, "web ACL"),
        )
        .default([]),
      manageLogGroup: z.boolean({ error: allowed("must be true or false") }).default(false),
      retentionDays: z
        .int({ error: allowed(RETENTION_RULES) })
        .refine((value) => (LOG_RETENTION_DAYS as readonly number[]).includes(value), {
          error: allowed(RETENTION_RULES),
        })
        .optional(),
      redactedFields: z
        .array(redactedFieldSchema, {
          error: allowed('must be a list like ["header:authorization", "header:cookie", "queryString"]'),
        })
        .max(MAX_REDACTED_FIELDS, {
          error: `must list at most ${MAX_REDACTED_FIELDS} fields (the WAF limit)`,
        })
        .superRefine((fields, ctx) => distinct(fields, redactedFieldText, ctx, "field"))
        .optional(),
      loggingFilter: loggingFilterSchema.optional(),
      otherSubscriptionFilters: z
        .record(
          z.string(),
          z
            .int({ error: allowed(OTHER_FILTERS_RULES) })
            .min(0, { error: allowed(OTHER_FILTERS_RULES) })
            .max(1_000, { error: allowed(OTHER_FILTERS_RULES) }),
          {
            error: allowed('must be an object of log group names to numbers, like {"aws-waf-logs-shop": 1}'),
          },
        )
        .default({}),
    },
    { error: allowed("must be an object (see docs/waf-logging.md)") },
  )
  .superRefine((waf, ctx) => {
    if (waf.retentionDays !== undefined && !waf.manageLogGroup) {
      ctx.addIssue({
        code: "custom",
        path: ["retentionDays"],
        message:
          "applies only to log groups the stack creates: set manageLogGroup to true, or remove retentionDays (change the retention of a log group you manage yourself where you created it)",
      });
    }
    if (waf.webAclArns.length === 0) {
      for (const field of ["redactedFields", "loggingFilter"] as const) {
        if (waf[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message:
              "has no effect without webAclArns: WAF applies it through the logging configurations of the web ACLs listed in webAclArns",
          });
        }
      }
    }
  });

/** The `waf` input after {@link wafSchema}, before {@link resolveWafConfig}. */
export type ParsedWafConfig = z.output<typeof wafSchema>;

const HEADER_RULES =
  "must be an HTTP header name: 1–64 letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or commas)";

/**
 * `processor.redactHeaders`: header names whose values the processor replaces with `XXX`, compared
 * case-insensitively (so they are lowercased here), distinct. Becomes `REDACT_HEADERS` on the function.
 */
export const redactHeadersSchema = z
  .array(
    z
      .string({ error: allowed(HEADER_RULES) })
      .regex(HEADER_NAME_PATTERN, { error: allowed(HEADER_RULES) })
      .transform((name) => name.toLowerCase()),
    { error: allowed('must be a list of header names like ["authorization", "x-api-key"]') },
  )
  .max(100, { error: "must list at most 100 header names" })
  .superRefine((names, ctx) => distinct(names, (n) => n, ctx, "header (case-insensitive)"));

// ---------------------------------------------------------------------------------------------
// Checks against the environment

/** What {@link wafEnvironmentProblems} needs of an environment. */
export interface WafEnvironment {
  readonly accountId: string;
  readonly region: string;
  readonly wafLogGroupNames: readonly string[];
  readonly waf?: ParsedWafConfig;
}

/**
 * The `waf` rules that need the rest of the environment:
 * - each web ACL is in the environment's partition and account; a `global` (CloudFront) web ACL needs
 *   the environment in `us-east-1` (CloudFront web ACLs and their logging live there); a `regional` one
 *   must be in the environment's region (a web ACL logs only to a log group in its own region and account);
 * - each web ACL's `logGroupName` is one of `wafLogGroupNames`; a plain ARN string is allowed only when
 *   there is exactly one log group;
 * - each key of `otherSubscriptionFilters` is one of `wafLogGroupNames`, and with this stack's filter the
 *   log group has at most two subscription filters (the CloudWatch Logs limit);
 * - with `manageLogGroup`, the log delivery resource policy naming every log group fits in 5,120 characters.
 * Source: https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
 *
 * @returns one issue per problem, with the path relative to the environment (e.g. `["waf", "webAclArns", 0]`)
 */
export function wafEnvironmentProblems(env: WafEnvironment): { path: PropertyKey[]; message: string }[] {
  const waf = env.waf;
  if (waf === undefined) return [];
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const logGroups = new Set(env.wafLogGroupNames);
  const partition = partitionOf(env.region);

  waf.webAclArns.forEach((target, index) => {
    const arn = typeof target === "string" ? target : target.arn;
    const path =
      typeof target === "string" ? ["waf", "webAclArns", index] : ["waf", "webAclArns", index, "arn"];
    const parts = parseWebAclArn(arn);
    if (parts === undefined) return; // reported by the field schema
    if (parts.partition !== partition) {
      problems.push({
        path,
        message: `must be in partition "${partition}" of the environment's region ${env.region}, got ${JSON.stringify(arn)}`,
      });
    }
    if (parts.accountId !== env.accountId) {
      problems.push({
        path,
        message: `must be a web ACL of the environment's account ${env.accountId} (WAF logs only to a log group in the web ACL's own account), got account ${parts.accountId} in ${JSON.stringify(arn)}`,
      });
    }
    if (parts.scope === "global" && env.region !== "us-east-1") {
      problems.push({
        path,
        message: `is a global (CloudFront) web ACL, which logs only to a log group in us-east-1: deploy it from an environment whose region is "us-east-1" (this one is ${env.region}), got ${JSON.stringify(arn)}`,
      });
    }
    if (parts.scope === "global" && parts.region !== "us-east-1") {
      problems.push({
        path,
        message: `is a global (CloudFront) web ACL, whose ARN always names us-east-1, got region ${parts.region} in ${JSON.stringify(arn)}`,
      });
    }
    if (parts.scope === "regional" && parts.region !== env.region) {
      problems.push({
        path,
        message: `must be a web ACL in the environment's region ${env.region} (WAF logs only to a log group in the web ACL's own region), got region ${parts.region} in ${JSON.stringify(arn)}`,
      });
    }
    if (typeof target === "string" || target.logGroupName === undefined) {
      if (env.wafLogGroupNames.length !== 1) {
        problems.push({
          path: ["waf", "webAclArns", index],
          message: `must name its log group, {"arn": …, "logGroupName": …}, because wafLogGroupNames lists ${env.wafLogGroupNames.length} log groups (a web ACL has one logging destination)`,
        });
      }
    } else if (!logGroups.has(target.logGroupName)) {
      problems.push({
        path: ["waf", "webAclArns", index, "logGroupName"],
        message: `${LOG_GROUP_REFERENCE_RULES} (${env.wafLogGroupNames.map((n) => JSON.stringify(n)).join(", ")}), got ${JSON.stringify(target.logGroupName)}`,
      });
    }
  });

  for (const [logGroupName, count] of Object.entries(waf.otherSubscriptionFilters)) {
    const path = ["waf", "otherSubscriptionFilters", logGroupName];
    if (!logGroups.has(logGroupName)) {
      problems.push({
        path,
        message: `must be keyed by one of the environment's wafLogGroupNames (${env.wafLogGroupNames.map((n) => JSON.stringify(n)).join(", ")})`,
      });
    } else if (count + 1 > MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP) {
      problems.push({
        path,
        message: `leaves no room for this stack's subscription filter: CloudWatch Logs allows at most ${MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP} subscription filters per log group and this stack adds one, so at most ${MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP - 1} other, got ${count}`,
      });
    }
  }
  if (waf.manageLogGroup) {
    const length = logDeliveryPolicyDocument(env.region, env.accountId, env.wafLogGroupNames).length;
    if (length > MAX_LOG_RESOURCE_POLICY_CHARACTERS) {
      problems.push({
        path: ["waf", "manageLogGroup"],
        message: `needs a log delivery resource policy naming all ${env.wafLogGroupNames.length} log groups of wafLogGroupNames, which would be ${length} characters; CloudWatch Logs accepts at most ${MAX_LOG_RESOURCE_POLICY_CHARACTERS}: use fewer or shorter log group names in this environment`,
      });
    }
  }
  return problems;
}

/**
 * Completes a parsed `waf` section with the environment: every web ACL gets its log group (the
 * environment's only log group when none is named), and the defaults of `retentionDays` and
 * `redactedFields` apply. Call it only on an environment {@link wafEnvironmentProblems} accepted.
 */
export function resolveWafConfig(waf: ParsedWafConfig, wafLogGroupNames: readonly string[]): WafConfig {
  return {
    webAclArns: waf.webAclArns.map((target) =>
      typeof target === "string"
        ? { arn: target, logGroupName: wafLogGroupNames[0]! }
        : { arn: target.arn, logGroupName: target.logGroupName ?? wafLogGroupNames[0]! },
    ),
    manageLogGroup: waf.manageLogGroup,
    retentionDays: waf.retentionDays ?? DEFAULT_WAF_LOG_RETENTION_DAYS,
    redactedFields: waf.redactedFields ?? DEFAULT_REDACTED_FIELDS,
    ...(waf.loggingFilter === undefined ? {} : { loggingFilter: waf.loggingFilter }),
    otherSubscriptionFilters: waf.otherSubscriptionFilters,
  };
}
