import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import {
  Wafv2WebAclLoggingConfiguration,
  type Wafv2WebAclLoggingConfigurationLoggingFilter,
  type Wafv2WebAclLoggingConfigurationRedactedFields,
} from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { z } from "zod";
import { HEADER_NAME_PATTERN } from "../../functions/waf-log-processor/environment";
import { logGroupArn, partitionOf } from "../iam-policy";
import { logDeliveryPolicyDocument, MAX_LOG_RESOURCE_POLICY_CHARACTERS } from "../log-delivery-policy";
import { logGroupConstructId } from "./names";
import { accountIdSchema, allowed, distinct, parseWith, regionSchema } from "./validation";
import { distinctConstructIds, logGroupNameSchema, logRetentionDaysSchema } from "./waf-log-forwarder";

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
 * What is wrong with logging web ACL `arn` from `region` of `accountId`, one message per problem: a web
 * ACL logs only to a log group in its own partition, account and region; a `global` (CloudFront) web
 * ACL's ARN always names `us-east-1`, and it logs only there.
 * Source: https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
 *
 * @param whose how messages name the place, e.g. "the environment's"
 * @returns phrases starting with "must" or "is", each ending with what was found; empty for an ARN
 *   that does not parse (its format is the field schema's problem)
 */
export function webAclProblems(arn: string, region: string, accountId: string, whose: string): string[] {
  const parts = parseWebAclArn(arn);
  if (parts === undefined) return [];
  const partition = partitionOf(region);
  const shown = JSON.stringify(arn);
  const problems: string[] = [];
  if (parts.partition !== partition) {
    problems.push(`must be in partition "${partition}" of ${whose} region ${region}, got ${shown}`);
  }
  if (parts.accountId !== accountId) {
    problems.push(
      `must be a web ACL of ${whose} account ${accountId} (WAF logs only to a log group in the web ACL's own account), got account ${parts.accountId} in ${shown}`,
    );
  }
  if (parts.scope === "global" && region !== "us-east-1") {
    problems.push(
      `is a global (CloudFront) web ACL, which logs only to a log group in us-east-1: deploy it from an environment whose region is "us-east-1" (this one is ${region}), got ${shown}`,
    );
  }
  if (parts.scope === "global" && parts.region !== "us-east-1") {
    problems.push(
      `is a global (CloudFront) web ACL, whose ARN always names us-east-1, got region ${parts.region} in ${shown}`,
    );
  }
  if (parts.scope === "regional" && parts.region !== region) {
    problems.push(
      `must be a web ACL in ${whose} region ${region} (WAF logs only to a log group in the web ACL's own region), got region ${parts.region} in ${shown}`,
    );
  }
  return problems;
}

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

/** Most fields WAF redacts in one logging configuration (`RedactedFields`, 100 items). */
export const MAX_REDACTED_FIELDS = 100;

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

/** The redacted fields when none are given: the `authorization` and `cookie` headers. */
export const DEFAULT_REDACTED_FIELDS: readonly RedactedField[] = [
  { type: "singleHeader", name: "authorization" },
  { type: "singleHeader", name: "cookie" },
];

/** Retention of the log groups WafLogging creates, in days: the S3 copy is the archive. */
export const DEFAULT_WAF_LOG_RETENTION_DAYS = 7;

/** The text form of a redacted field, for messages: `header:authorization`, `queryString`, … */
export function redactedFieldText(field: RedactedField): string {
  return field.type === "singleHeader" ? `header:${field.name}` : field.type;
}

const REDACTED_FIELD_OBJECT_RULES =
  'must be {"type": "singleHeader", "name": "<lowercase header name>"}, {"type": "queryString"}, {"type": "uriPath"} or {"type": "method"}';

const redactedFieldObjectSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("singleHeader"),
      name: z.string().refine((name) => HEADER_NAME_PATTERN.test(name) && name === name.toLowerCase(), {
        error: allowed("must be a lowercase HTTP header name (WAF compares it in lower case)"),
      }),
    }),
    z.strictObject({ type: z.literal("queryString") }),
    z.strictObject({ type: z.literal("uriPath") }),
    z.strictObject({ type: z.literal("method") }),
  ],
  { error: allowed(REDACTED_FIELD_OBJECT_RULES) },
);

/** At most {@link MAX_REDACTED_FIELDS} distinct fields. */
export function redactedFieldList<T extends z.ZodType<RedactedField, unknown>>(item: T, text: string) {
  return z
    .array(item, { error: allowed(text) })
    .max(MAX_REDACTED_FIELDS, { error: `must list at most ${MAX_REDACTED_FIELDS} fields (the WAF limit)` })
    .superRefine(distinct(redactedFieldText, "field"));
}

const ACTION_RULES = `must be one of ${LOGGABLE_NON_ALLOW_ACTIONS.map((a) => JSON.stringify(a)).join(", ")}`;
const LABEL_RULES =
  'must be a fully qualified WAF label name like "awswaf:managed:aws:bot-control:bot:verified" (namespaces and name of letters, digits, _ and -, separated by ":")';

/** Which records WAF writes to the log group: `keepActions` or `dropLabels`, not both. Absent: every record. */
export const loggingFilterSchema = z
  .strictObject(
    {
      /**
       * Keep only records whose action is one of these; every other record (ALLOW in particular) is
       * dropped by WAF before it reaches CloudWatch Logs. @default undefined (keep every action)
       */
      keepActions: z
        .array(z.enum(LOGGABLE_NON_ALLOW_ACTIONS, { error: allowed(ACTION_RULES) }), {
          error: allowed('must be a list of actions like ["BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"]'),
        })
        .min(1, { error: "must list at least one action (omit keepActions to keep every action)" })
        .superRefine(distinct((action) => action, "action"))
        .optional(),
      /** Drop records that carry any of these fully qualified labels. @default undefined (drop none) */
      dropLabels: z
        .array(
          z
            .string({ error: allowed(LABEL_RULES) })
            .max(1024, { error: allowed(`${LABEL_RULES}, at most 1024 characters`) })
            .regex(LABEL_NAME_PATTERN, { error: allowed(LABEL_RULES) }),
          { error: allowed("must be a list of label names") },
        )
        .min(1, { error: "must list at least one label (omit dropLabels to drop none)" })
        .superRefine(distinct((label) => label, "label"))
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

/** A logging filter with its values. */
export type LoggingFilter = z.output<typeof loggingFilterSchema>;

const WEB_ACL_ARN_RULES =
  'must be a wafv2 web ACL ARN like "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/<name>/<id>" (or ":global/webacl/" for CloudFront)';

/** A web ACL ARN (format only; see {@link webAclProblems} for where it may log). */
export const webAclArnSchema = z
  .string({ error: allowed(WEB_ACL_ARN_RULES) })
  .regex(WEB_ACL_ARN_PATTERN, { error: allowed(WEB_ACL_ARN_RULES) });

/**
 * What {@link WafLogging} does besides knowing where it is: which web ACLs log where, whether it creates
 * the log groups, and how WAF redacts and filters the records.
 */
export const wafLoggingSettingsSchema = z.strictObject({
  /**
   * Web ACLs whose logging configuration this construct owns, each with its log group. A web ACL has one
   * logging configuration: creating this one replaces any other destination it had. @default []
   */
  webAcls: z
    .array(
      z.strictObject({
        /** The web ACL's ARN. */
        arn: webAclArnSchema,
        /** The `aws-waf-logs-` log group it logs to. */
        logGroupName: logGroupNameSchema,
      }),
      { error: allowed('must be a list of {"arn": …, "logGroupName": …}') },
    )
    .max(100, { error: "must list at most 100 web ACLs" })
    .superRefine(distinct((target) => target.arn, "web ACL"))
    .default([]),
  /** Whether the construct creates the log groups (see `managedLogGroupNames`). @default false */
  manageLogGroup: z.boolean({ error: allowed("must be true or false") }).default(false),
  /** Retention of the created log groups in days (a CloudWatch Logs value). @default 7 */
  retentionDays: logRetentionDaysSchema.default(DEFAULT_WAF_LOG_RETENTION_DAYS),
  /** Fields WAF replaces with `XXX` in every web ACL's log records (at most 100). @default the `authorization` and `cookie` headers */
  redactedFields: redactedFieldList(redactedFieldObjectSchema, REDACTED_FIELD_OBJECT_RULES).default([
    ...DEFAULT_REDACTED_FIELDS,
  ]),
  /** Which records WAF writes: keep only some actions, or drop by label. @default undefined (every record) */
  loggingFilter: loggingFilterSchema.optional(),
});

/** Props of {@link WafLogging}: the schema is the one definition of their rules and defaults. */
export const wafLoggingPropsSchema = z
  .strictObject({
    ...wafLoggingSettingsSchema.omit({ manageLogGroup: true }).shape,
    /** Region of the stack: every log group and regional web ACL is there; `us-east-1` for global web ACLs. */
    region: regionSchema,
    /** AWS account of the stack, the log groups and the web ACLs (12 digits). */
    accountId: accountIdSchema,
    /** Log groups to create, each `aws-waf-logs-…`; empty: create none (they exist already). @default [] */
    managedLogGroupNames: z
      .array(logGroupNameSchema, { error: allowed("must be a list of log group names") })
      .superRefine(distinct((name) => name))
      .superRefine(distinctConstructIds)
      .default([]),
    /** Name of the log delivery resource policy; required when `managedLogGroupNames` is not empty. @default undefined */
    logDeliveryPolicyName: z
      .string()
      .regex(/^[^\s]{1,255}$/, { error: allowed("must be a policy name of 1–255 characters without spaces") })
      .optional(),
  })
  .superRefine((props, ctx) => {
    // Runs even when fields failed (zod reports them): read them defensively.
    const webAcls = Array.isArray(props.webAcls) ? props.webAcls : [];
    const seen = new Map<string, number>();
    webAcls.forEach((target, index) => {
      const acl = typeof target?.arn === "string" ? parseWebAclArn(target.arn) : undefined;
      if (acl === undefined) return;
      const key = `${acl.scope}-${acl.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["webAcls", index, "arn"],
          message: `must be distinct: another ${acl.scope} web ACL named ${JSON.stringify(acl.name)} is listed at index ${first}`,
        });
      } else seen.set(key, index);
      for (const message of webAclProblems(
        target.arn,
        String(props.region),
        String(props.accountId),
        "the construct's",
      )) {
        ctx.addIssue({ code: "custom", path: ["webAcls", index, "arn"], message });
      }
    });
    const managed = Array.isArray(props.managedLogGroupNames) ? props.managedLogGroupNames : [];
    if (managed.length > 0) {
      if (props.logDeliveryPolicyName === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["logDeliveryPolicyName"],
          message: "is required when managedLogGroupNames is not empty",
        });
      }
      const length = logDeliveryPolicyDocument(String(props.region), String(props.accountId), managed).length;
      if (length > MAX_LOG_RESOURCE_POLICY_CHARACTERS) {
        ctx.addIssue({
          code: "custom",
          path: ["managedLogGroupNames"],
          message: `needs a log delivery resource policy naming all ${managed.length} log groups, which would be ${length} characters; CloudWatch Logs accepts at most ${MAX_LOG_RESOURCE_POLICY_CHARACTERS}: use fewer or shorter log group names`,
        });
      }
    }
  });

/** What {@link WafLogging} accepts (fields with defaults optional). */
export type WafLoggingProps = z.input<typeof wafLoggingPropsSchema>;

/**
 * The WAF side of the pipeline:
 * - optionally the `aws-waf-logs-*` log groups themselves, with retention (the S3 copy is the archive),
 *   and an explicit CloudWatch Logs resource policy that lets `delivery.logs.amazonaws.com` write to
 *   these log groups only, for this account (`aws:SourceAccount`) and its log deliveries in this region
 *   (`aws:SourceArn`), so WAF does not add them to the shared `AWSWAF-LOGS` policy;
 * - one `aws_wafv2_web_acl_logging_configuration` per web ACL, sending to its log group's ARN (without
 *   `:*`), with redacted fields and an optional logging filter. Each waits for the resource policy and
 *   references the log group it creates, so Terraform creates them in that order.
 *
 * Sources: https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html,
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html
 *
 * @throws ValidationError listing every invalid prop (web ACL ARN format, partition, account, region and
 *   scope; log group names; retention; redacted fields; logging filter; resource policy size)
 */
export class WafLogging extends Construct {
  /** The log groups this construct creates, by name (empty when it creates none). */
  public readonly logGroups: ReadonlyMap<string, CloudwatchLogGroup>;
  /** The log delivery resource policy, when this construct creates log groups. */
  public readonly logDeliveryPolicy: CloudwatchLogResourcePolicy | undefined;
  /** One logging configuration per web ACL, in the order of `webAcls`. */
  public readonly loggingConfigurations: readonly Wafv2WebAclLoggingConfiguration[];

  constructor(scope: Construct, id: string, input: WafLoggingProps) {
    super(scope, id);
    const props = parseWith(wafLoggingPropsSchema, input, "WafLogging props");
    const managed = props.managedLogGroupNames;
    const { retentionDays, webAcls, redactedFields } = props;
    const logGroups = new Map<string, CloudwatchLogGroup>();
    for (const name of managed) {
      logGroups.set(
        name,
        new CloudwatchLogGroup(this, `LogGroup-${logGroupConstructId(name)}`, {
          name,
          retentionInDays: retentionDays,
        }),
      );
    }
    this.logGroups = logGroups;

    this.logDeliveryPolicy =
      managed.length === 0
        ? undefined
        : new CloudwatchLogResourcePolicy(this, "LogDeliveryPolicy", {
            policyName: props.logDeliveryPolicyName!,
            policyDocument: logDeliveryPolicyDocument(props.region, props.accountId, managed),
          });

    const redacted = redactedFields.map(redactedFieldBlock);
    const loggingFilter =
      props.loggingFilter === undefined ? undefined : loggingFilterBlock(props.loggingFilter);
    this.loggingConfigurations = webAcls.map((target) => {
      const acl = parseWebAclArn(target.arn)!;
      const logGroup = logGroups.get(target.logGroupName);
      return new Wafv2WebAclLoggingConfiguration(this, `LoggingConfiguration-${acl.scope}-${acl.name}`, {
        resourceArn: target.arn,
        // The log group ARN without ":*": WAF rejects the suffix. A created log group's `arn`
        // attribute has none (the provider strips it), and referencing it orders the creation.
        logDestinationConfigs: [
          logGroup?.arn ?? logGroupArn(props.region, props.accountId, target.logGroupName),
        ],
        redactedFields: redacted,
        ...(loggingFilter === undefined ? {} : { loggingFilter }),
        ...(this.logDeliveryPolicy === undefined ? {} : { dependsOn: [this.logDeliveryPolicy] }),
      });
    });
  }
}

/** The provider block of one redacted field (`single_header { name }`, `query_string {}`, …). */
export function redactedFieldBlock(field: RedactedField): Wafv2WebAclLoggingConfigurationRedactedFields {
  switch (field.type) {
    case "singleHeader":
      return { singleHeader: { name: field.name } };
    case "queryString":
      return { queryString: {} };
    case "uriPath":
      return { uriPath: {} };
    case "method":
      return { method: {} };
  }
}

/**
 * The provider's `logging_filter` block:
 * - `keepActions`: default DROP, one KEEP filter that any of the actions meets (`MEETS_ANY`);
 * - `dropLabels`: default KEEP, one DROP filter that any of the labels meets.
 * Source: https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingFilter.html
 */
export function loggingFilterBlock(filter: LoggingFilter): Wafv2WebAclLoggingConfigurationLoggingFilter {
  if (filter.keepActions !== undefined) {
    return {
      defaultBehavior: "DROP",
      filter: [
        {
          behavior: "KEEP",
          requirement: "MEETS_ANY",
          condition: filter.keepActions.map((action) => ({ actionCondition: { action } })),
        },
      ],
    };
  }
  return {
    defaultBehavior: "KEEP",
    filter: [
      {
        behavior: "DROP",
        requirement: "MEETS_ANY",
        condition: (filter.dropLabels ?? []).map((labelName) => ({ labelNameCondition: { labelName } })),
      },
    ],
  };
}
