import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";
import { WAF_LOG_GROUP_PREFIX } from "../cloudwatch-logs";
import { logGroupArn } from "../iam-policy";
import { throwIfInvalid } from "./props-error";

export interface WafLogSubscriptionProps {
  /** The existing log group AWS WAF writes to; its name starts with `aws-waf-logs-`. */
  readonly logGroupName: string;
  /** Region of the log group (and of the function: subscriptions cannot cross regions). */
  readonly region: string;
  /** AWS account of the log group (12 digits); the only `source_account` allowed to invoke. */
  readonly accountId: string;
  /** Name of the function to invoke (the processor). */
  readonly functionName: string;
  /** ARN of the function to invoke: the subscription filter's destination. */
  readonly functionArn: string;
  /** Name of the subscription filter (unique per log group; a log group has at most two). */
  readonly filterName: string;
  /** CloudWatch Logs filter pattern; the empty pattern forwards every log event. @default "" */
  readonly filterPattern?: string;
  /**
   * The log group resource, when the same stack creates it (named `logGroupName`): the subscription
   * filter then refers to it, so Terraform creates the log group first. @default undefined (it exists)
   */
  readonly logGroup?: CloudwatchLogGroup;
  /**
   * The invoked function's own log group (`/aws/lambda/<function>`): subscribing it would feed the
   * function its own log lines in an endless loop, so it is rejected. @default undefined (not checked)
   */
  readonly functionLogGroupName?: string;
  /**
   * Subscription filters other than this one on the log group (0 or 1: CloudWatch Logs allows two per
   * log group). @default 0
   */
  readonly otherSubscriptionFilters?: number;
}

/**
 * Forwards every log event of one WAF log group to the processor: a Lambda permission for
 * `logs.amazonaws.com`, scoped to this log group (`source_arn` = its ARN + `:*`) and account, and a
 * subscription filter that depends on that permission (CloudWatch Logs test-invokes the function when
 * the filter is created, and fails without it).
 */
export class WafLogSubscription extends Construct {
  public readonly permission: LambdaPermission;
  public readonly subscriptionFilter: CloudwatchLogSubscriptionFilter;

  constructor(scope: Construct, id: string, props: WafLogSubscriptionProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!props.logGroupName.startsWith(WAF_LOG_GROUP_PREFIX)) {
      problems.push(
        `props.logGroupName: must start with "aws-waf-logs-" (AWS WAF writes only to such log groups), got ${JSON.stringify(props.logGroupName)}`,
      );
    }
    if (!/^\d{12}$/.test(props.accountId)) {
      problems.push(
        `props.accountId: must be a 12-digit AWS account id, got ${JSON.stringify(props.accountId)}`,
      );
    }
    if (props.functionLogGroupName !== undefined && props.logGroupName === props.functionLogGroupName) {
      problems.push(
        `props.logGroupName: must not be the function's own log group ${JSON.stringify(props.functionLogGroupName)}: the function would process its own log lines in an endless loop`,
      );
    }
    if (props.logGroup !== undefined && props.logGroup.nameInput !== props.logGroupName) {
      problems.push(
        `props.logGroup: must be the log group named by props.logGroupName (${JSON.stringify(props.logGroupName)}), got ${JSON.stringify(props.logGroup.nameInput)}`,
      );
    }
    const others = props.otherSubscriptionFilters ?? 0;
    if (!Number.isInteger(others) || others < 0 || others > 1) {
      problems.push(
        `props.otherSubscriptionFilters: must be 0 or 1: CloudWatch Logs allows at most 2 subscription filters per log group and this construct adds one, got ${others}`,
      );
    }
    if (!/^[^:*]{1,512}$/.test(props.filterName)) {
      problems.push(
        `props.filterName: must be 1–512 characters without ":" or "*", got ${JSON.stringify(props.filterName)}`,
      );
    }
    throwIfInvalid("WafLogSubscription", problems);

    this.permission = new LambdaPermission(this, "Permission", {
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      principal: "logs.amazonaws.com",
      sourceArn: `${logGroupArn(props.region, props.accountId, props.logGroupName)}:*`,
      sourceAccount: props.accountId,
    });

    this.subscriptionFilter = new CloudwatchLogSubscriptionFilter(this, "SubscriptionFilter", {
      name: props.filterName,
      logGroupName: props.logGroup?.name ?? props.logGroupName,
      filterPattern: props.filterPattern ?? "",
      destinationArn: props.functionArn,
      dependsOn: [this.permission],
    });
  }
}
