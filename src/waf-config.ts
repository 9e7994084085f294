/**
 * The `waf` section of an environment's configuration (issue 6): which web ACLs log to the
 * environment's log groups, whether the stack creates those log groups (with retention and an explicit
 * log delivery resource policy), which request fields WAF redacts, which records WAF keeps, and the
 * subscription filters others already put on the log groups.
 *
 * The file's form (web ACLs as plain ARNs, redacted fields as `"header:<name>"`) is read here; the
 * rules and defaults of the values are those of the WafLogging props schema
 * (`src/constructs/waf-logging.ts`). `src/config.ts` plugs {@link wafSchema} into the environment schema
 * and calls {@link wafEnvironmentProblems} for the checks that need the environment's account, region
 * and log groups. The reference is `docs/waf-logging.md`.
 */
import { z } from "zod";
import { MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP } from "./cloudwatch-logs";
import { logDeliveryPolicyDocument, MAX_LOG_RESOURCE_POLICY_CHARACTERS } from "./log-delivery-policy";
import { allowed, distinct } from "./constructs/validation";
import { logRetentionDaysSchema } from "./constructs/waf-log-forwarder";
import { HEADER_NAME_PATTERN } from "../functions/waf-log-processor/environment";
import {
  type LoggingFilter,
  type RedactedField,
  loggingFilterSchema,
  redactedFieldList,
  wafLoggingSettingsSchema,
  webAclArnSchema,
  webAclProblems,
} from "./constructs/waf-logging";

/** One web ACL whose logging the stack manages, and the log group it logs to. */
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
  readonly loggingFilter?: LoggingFilter;
  /** Subscription filters other than this stack's, per log group name. @default {} (none) */
  readonly otherSubscriptionFilters: Readonly<Record<string, number>>;
}

const LOG_GROUP_REFERENCE_RULES = "must be one of the environment's wafLogGroupNames";

const webAclTargetSchema = z.union(
  [
    webAclArnSchema,
    z.strictObject({
      arn: webAclArnSchema,
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
        .superRefine(distinct((t) => (typeof t === "string" ? t : t.arn), "web ACL"))
        .default([]),
      manageLogGroup: z.boolean({ error: allowed("must be true or false") }).default(false),
      retentionDays: logRetentionDaysSchema.optional(),
      redactedFields: redactedFieldList(
        redactedFieldSchema,
        'must be a list like ["header:authorization", "header:cookie", "queryString"]',
      ).optional(),
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

  waf.webAclArns.forEach((target, index) => {
    const arn = typeof target === "string" ? target : target.arn;
    const path =
      typeof target === "string" ? ["waf", "webAclArns", index] : ["waf", "webAclArns", index, "arn"];
    for (const message of webAclProblems(arn, env.region, env.accountId, "the environment's")) {
      problems.push({ path, message });
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
 * `redactedFields` are those of the WafLogging props schema. Call it only on an environment
 * {@link wafEnvironmentProblems} accepted.
 */
export function resolveWafConfig(waf: ParsedWafConfig, wafLogGroupNames: readonly string[]): WafConfig {
  const settings = wafLoggingSettingsSchema.parse({
    webAcls: waf.webAclArns.map((target) =>
      typeof target === "string"
        ? { arn: target, logGroupName: wafLogGroupNames[0]! }
        : { arn: target.arn, logGroupName: target.logGroupName ?? wafLogGroupNames[0]! },
    ),
    manageLogGroup: waf.manageLogGroup,
    retentionDays: waf.retentionDays,
    redactedFields: waf.redactedFields,
    loggingFilter: waf.loggingFilter,
  });
  return {
    webAclArns: settings.webAcls,
    manageLogGroup: settings.manageLogGroup,
    retentionDays: settings.retentionDays,
    redactedFields: settings.redactedFields,
    ...(settings.loggingFilter === undefined ? {} : { loggingFilter: settings.loggingFilter }),
    otherSubscriptionFilters: waf.otherSubscriptionFilters,
  };
}
