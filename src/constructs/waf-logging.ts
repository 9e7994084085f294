import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import {
  Wafv2WebAclLoggingConfiguration,
  type Wafv2WebAclLoggingConfigurationLoggingFilter,
  type Wafv2WebAclLoggingConfigurationRedactedFields,
} from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { logGroupArn, partitionOf } from "../iam-policy";
import { logDeliveryPolicyDocument, MAX_LOG_RESOURCE_POLICY_CHARACTERS } from "../log-delivery-policy";
import { LOG_RETENTION_DAYS, WAF_LOG_GROUP_PREFIX } from "../cloudwatch-logs";
import {
  DEFAULT_REDACTED_FIELDS,
  DEFAULT_WAF_LOG_RETENTION_DAYS,
  HEADER_NAME_PATTERN,
  LABEL_NAME_PATTERN,
  LOGGABLE_NON_ALLOW_ACTIONS,
  MAX_REDACTED_FIELDS,
  parseWebAclArn,
  redactedFieldText,
  type LoggingFilterConfig,
  type RedactedField,
  type WebAclLoggingTarget,
} from "../waf-config";
import { throwIfInvalid } from "./props-error";

export interface WafLoggingProps {
  /** Region of the stack: every log group and regional web ACL is there; `us-east-1` for global web ACLs. */
  readonly region: string;
  /** AWS account of the stack, the log groups and the web ACLs (12 digits). */
  readonly accountId: string;
  /** Log groups to create, each starting with `aws-waf-logs-`; empty: create none (they exist already). @default [] */
  readonly managedLogGroupNames?: readonly string[];
  /** Retention of the created log groups in days (a CloudWatch Logs value). @default 7 */
  readonly retentionDays?: number;
  /** Name of the log delivery resource policy; required when `managedLogGroupNames` is not empty. @default undefined */
  readonly logDeliveryPolicyName?: string;
  /**
   * Web ACLs whose logging configuration this construct owns, each with its log group. A web ACL has one
   * logging configuration: creating this one replaces any other destination it had. @default []
   */
  readonly webAcls?: readonly WebAclLoggingTarget[];
  /** Fields WAF replaces with `XXX` in every web ACL's log records (at most 100). @default the `authorization` and `cookie` headers */
  readonly redactedFields?: readonly RedactedField[];
  /** Which records WAF writes: keep only some actions, or drop by label. @default undefined (every record) */
  readonly loggingFilter?: LoggingFilterConfig;
}

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
 * @throws PropsError listing every invalid prop (web ACL ARN format, partition, account, region and
 *   scope; log group names; retention; redacted fields; logging filter; resource policy size)
 */
export class WafLogging extends Construct {
  /** The log groups this construct creates, by name (empty when it creates none). */
  public readonly logGroups: ReadonlyMap<string, CloudwatchLogGroup>;
  /** The log delivery resource policy, when this construct creates log groups. */
  public readonly logDeliveryPolicy: CloudwatchLogResourcePolicy | undefined;
  /** One logging configuration per web ACL, in the order of `webAcls`. */
  public readonly loggingConfigurations: readonly Wafv2WebAclLoggingConfiguration[];

  constructor(scope: Construct, id: string, props: WafLoggingProps) {
    super(scope, id);
    const managed = props.managedLogGroupNames ?? [];
    const retentionDays = props.retentionDays ?? DEFAULT_WAF_LOG_RETENTION_DAYS;
    const webAcls = props.webAcls ?? [];
    const redactedFields = props.redactedFields ?? DEFAULT_REDACTED_FIELDS;
    throwIfInvalid("WafLogging", propsProblems(props, managed, retentionDays, webAcls, redactedFields));

    const logGroups = new Map<string, CloudwatchLogGroup>();
    for (const name of managed) {
      logGroups.set(
        name,
        new CloudwatchLogGroup(this, `LogGroup-${name}`, { name, retentionInDays: retentionDays }),
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
function redactedFieldBlock(field: RedactedField): Wafv2WebAclLoggingConfigurationRedactedFields {
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
function loggingFilterBlock(filter: LoggingFilterConfig): Wafv2WebAclLoggingConfigurationLoggingFilter {
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

/** Every problem with the props, each starting with the prop's path. */
function propsProblems(
  props: WafLoggingProps,
  managed: readonly string[],
  retentionDays: number,
  webAcls: readonly WebAclLoggingTarget[],
  redactedFields: readonly RedactedField[],
): string[] {
  const problems: string[] = [];
  if (!/^\d{12}$/.test(props.accountId)) {
    problems.push(
      `props.accountId: must be a 12-digit AWS account id, got ${JSON.stringify(props.accountId)}`,
    );
  }
  managed.forEach((name, index) => {
    if (!/^aws-waf-logs-[A-Za-z0-9_\-/.#]{1,499}$/.test(name)) {
      problems.push(
        `props.managedLogGroupNames[${index}]: must start with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #, got ${JSON.stringify(name)}`,
      );
    } else if (managed.indexOf(name) !== index) {
      problems.push(
        `props.managedLogGroupNames[${index}]: must be distinct, ${JSON.stringify(name)} is listed twice`,
      );
    }
  });
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retentionDays)) {
    problems.push(
      `props.retentionDays: must be one of ${LOG_RETENTION_DAYS.join(", ")} days, got ${retentionDays}`,
    );
  }
  if (managed.length > 0) {
    if (props.logDeliveryPolicyName === undefined || !/^[^\s]{1,255}$/.test(props.logDeliveryPolicyName)) {
      problems.push(
        `props.logDeliveryPolicyName: must be a policy name of 1–255 characters without spaces when managedLogGroupNames is not empty, got ${JSON.stringify(props.logDeliveryPolicyName)}`,
      );
    }
    const length = logDeliveryPolicyDocument(props.region, props.accountId, managed).length;
    if (length > MAX_LOG_RESOURCE_POLICY_CHARACTERS) {
      problems.push(
        `props.managedLogGroupNames: the log delivery resource policy for ${managed.length} log groups would be ${length} characters, CloudWatch Logs accepts at most ${MAX_LOG_RESOURCE_POLICY_CHARACTERS}`,
      );
    }
  }
  const seen = new Set<string>();
  webAcls.forEach((target, index) => {
    const path = `props.webAcls[${index}]`;
    const acl = parseWebAclArn(target.arn);
    if (acl === undefined) {
      problems.push(
        `${path}.arn: must be a wafv2 web ACL ARN (arn:<partition>:wafv2:<region>:<account>:<regional|global>/webacl/<name>/<id>), got ${JSON.stringify(target.arn)}`,
      );
    } else {
      const key = `${acl.scope}-${acl.name}`;
      if (seen.has(key)) {
        problems.push(
          `${path}.arn: must be distinct: another ${acl.scope} web ACL named ${JSON.stringify(acl.name)} is listed`,
        );
      }
      seen.add(key);
      if (acl.partition !== partitionOf(props.region)) {
        problems.push(`${path}.arn: must be in partition ${partitionOf(props.region)}, got ${acl.partition}`);
      }
      if (acl.accountId !== props.accountId) {
        problems.push(`${path}.arn: must be in account ${props.accountId}, got ${acl.accountId}`);
      }
      if (acl.scope === "global" && (props.region !== "us-east-1" || acl.region !== "us-east-1")) {
        problems.push(
          `${path}.arn: a global (CloudFront) web ACL logs only to us-east-1: needs region and ARN region us-east-1, got region ${props.region} and ARN region ${acl.region}`,
        );
      }
      if (acl.scope === "regional" && acl.region !== props.region) {
        problems.push(`${path}.arn: must be in region ${props.region}, got ${acl.region}`);
      }
    }
    if (!target.logGroupName.startsWith(WAF_LOG_GROUP_PREFIX)) {
      problems.push(
        `${path}.logGroupName: must start with "aws-waf-logs-" (AWS WAF writes only to such log groups), got ${JSON.stringify(target.logGroupName)}`,
      );
    }
  });
  if (redactedFields.length > MAX_REDACTED_FIELDS) {
    problems.push(
      `props.redactedFields: must list at most ${MAX_REDACTED_FIELDS} fields, got ${redactedFields.length}`,
    );
  }
  const texts = redactedFields.map(redactedFieldText);
  redactedFields.forEach((field, index) => {
    if (
      field.type === "singleHeader" &&
      (!HEADER_NAME_PATTERN.test(field.name) || field.name !== field.name.toLowerCase())
    ) {
      problems.push(
        `props.redactedFields[${index}].name: must be a lowercase HTTP header name (WAF compares it in lower case), got ${JSON.stringify(field.name)}`,
      );
    }
    if (texts.indexOf(texts[index]!) !== index) {
      problems.push(`props.redactedFields[${index}]: must be distinct, ${texts[index]} is listed twice`);
    }
  });
  const filter = props.loggingFilter;
  if (filter !== undefined) {
    if ((filter.keepActions === undefined) === (filter.dropLabels === undefined)) {
      problems.push("props.loggingFilter: must set exactly one of keepActions and dropLabels");
    }
    if (filter.keepActions !== undefined) {
      if (filter.keepActions.length === 0)
        problems.push("props.loggingFilter.keepActions: must not be empty");
      filter.keepActions.forEach((action, index) => {
        if (!(LOGGABLE_NON_ALLOW_ACTIONS as readonly string[]).includes(action)) {
          problems.push(
            `props.loggingFilter.keepActions[${index}]: must be one of ${LOGGABLE_NON_ALLOW_ACTIONS.join(", ")}, got ${JSON.stringify(action)}`,
          );
        }
      });
    }
    if (filter.dropLabels !== undefined) {
      if (filter.dropLabels.length === 0) problems.push("props.loggingFilter.dropLabels: must not be empty");
      filter.dropLabels.forEach((label, index) => {
        if (!LABEL_NAME_PATTERN.test(label) || label.length > 1024) {
          problems.push(
            `props.loggingFilter.dropLabels[${index}]: must be a fully qualified label name (namespace:name), got ${JSON.stringify(label)}`,
          );
        }
      });
    }
  }
  return problems;
}
