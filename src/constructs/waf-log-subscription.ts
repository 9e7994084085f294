import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import type { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { TerraformRemoved } from "./terraform-removed";

/** What {@link WafLogSubscription} needs; {@link WafLogForwarder} validates it. */
export interface WafLogSubscriptionProps {
  /** The log group AWS WAF writes to; its name starts with `aws-waf-logs-`. */
  readonly logGroupName: string;
  /** ARN of the function to invoke: the subscription filter's destination. */
  readonly functionArn: string;
  /**
   * The Lambda permission that lets CloudWatch Logs invoke the function for this log group (the
   * forwarder's one permission for every `aws-waf-logs-*` log group): the filter is created after it,
   * because CloudWatch Logs test-invokes the function when the filter is created and fails without it.
   */
  readonly permission: LambdaPermission;
  /** Name of the subscription filter (unique per log group; a log group has at most two). */
  readonly filterName: string;
  /**
   * The log group resource, when the same stack creates it (named `logGroupName`): the subscription
   * filter then refers to it, so Terraform creates the log group first. Undefined: it exists.
   */
  readonly logGroup: CloudwatchLogGroup | undefined;
  /**
   * Whether to write a Terraform `removed` block (destroy = false) for the per-log-group Lambda
   * permission this construct had before the forwarder's one permission replaced it (child id
   * `Permission`). See {@link WafLogSubscription.legacyPermissionAddress}.
   */
  readonly forgetLegacyPermission: boolean;
}

/**
 * Part of {@link WafLogForwarder}: forwards every log event of one WAF log group to the processor
 * with a subscription filter (empty pattern) that depends on the forwarder's Lambda permission.
 *
 * Until this version each subscription had its own Lambda permission (child id `Permission`). With
 * `forgetLegacyPermission` the construct writes a `removed` block with `destroy = false` for that old
 * address: Terraform stops managing the old permission without deleting it, so a deployed log group is
 * never without a permission, not even for the seconds between deleting the old statement and adding the
 * new one (a delivery that fails with access denied makes CloudWatch Logs disable the subscription filter
 * for up to 10 minutes and skip those log events). The old statements stay in the function's resource
 * policy, covered by the new one, until an operator removes them (README, "Upgrading: one Lambda
 * permission").
 */
export class WafLogSubscription extends Construct {
  public readonly subscriptionFilter: CloudwatchLogSubscriptionFilter;
  /**
   * The Terraform address of the per-log-group permission of earlier versions
   * (`aws_lambda_permission.<log group>_Permission_<hash>` in the app's stacks).
   */
  public readonly legacyPermissionAddress: string;
  /** The `removed` block for {@link legacyPermissionAddress}, when `forgetLegacyPermission`. */
  public readonly forgetLegacyPermission: TerraformRemoved | undefined;

  constructor(scope: Construct, id: string, props: WafLogSubscriptionProps) {
    super(scope, id);
    this.subscriptionFilter = new CloudwatchLogSubscriptionFilter(this, "SubscriptionFilter", {
      name: props.filterName,
      logGroupName: props.logGroup?.name ?? props.logGroupName,
      // The empty pattern forwards every log event.
      filterPattern: "",
      destinationArn: props.functionArn,
      dependsOn: [props.permission],
    });

    // The old permission's construct path was this construct's plus "Permission": the stack allocates
    // its logical id from that path exactly as it did when the permission existed.
    const legacy = new Construct(this, "Permission");
    this.legacyPermissionAddress = `aws_lambda_permission.${TerraformStack.of(this).getLogicalId(legacy.node)}`;
    this.forgetLegacyPermission = props.forgetLegacyPermission
      ? new TerraformRemoved(this, "ForgetPermission", { from: this.legacyPermissionAddress })
      : undefined;
  }
}
