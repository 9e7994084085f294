import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";
import { logGroupArn } from "../iam-policy";

/** What {@link WafLogSubscription} needs; {@link WafLogForwarder} validates it. */
export interface WafLogSubscriptionProps {
  /** The log group AWS WAF writes to; its name starts with `aws-waf-logs-`. */
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
  /**
   * The log group resource, when the same stack creates it (named `logGroupName`): the subscription
   * filter then refers to it, so Terraform creates the log group first. Undefined: it exists.
   */
  readonly logGroup: CloudwatchLogGroup | undefined;
}

/**
 * Part of {@link WafLogForwarder}: forwards every log event of one WAF log group to the processor: a
 * Lambda permission for `logs.amazonaws.com`, scoped to this log group (`source_arn` = its ARN + `:*`)
 * and account, and a subscription filter that depends on that permission (CloudWatch Logs test-invokes
 * the function when the filter is created, and fails without it).
 */
export class WafLogSubscription extends Construct {
  public readonly permission: LambdaPermission;
  public readonly subscriptionFilter: CloudwatchLogSubscriptionFilter;

  constructor(scope: Construct, id: string, props: WafLogSubscriptionProps) {
    super(scope, id);
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
      // The empty pattern forwards every log event.
      filterPattern: "",
      destinationArn: props.functionArn,
      dependsOn: [this.permission],
    });
  }
}
