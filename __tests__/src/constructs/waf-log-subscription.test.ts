import { beforeAll, describe, expect, it } from "vitest";
import { WafLogSubscription } from "../../../src/constructs/waf-log-subscription";
import {
  addressOf,
  blockOf,
  ref,
  resourcesOfType,
  synthesizeStack,
  type Synthesized,
} from "../../helpers/stack";

describe("WafLogSubscription", () => {
  const logGroups = ["aws-waf-logs-shop-alb", "aws-waf-logs-shop/cloudfront"];
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesizeStack({ wafLogGroupNames: logGroups });
  });

  it("subscribes each WAF log group once", () => {
    expect(
      synthesized.stack.pipeline.forwarder.subscriptions.map(
        (s) => blockOf(synthesized.tf, s.subscriptionFilter).log_group_name,
      ),
    ).toEqual(logGroups);
    expect(
      Object.keys(resourcesOfType(synthesized.tf, "aws_cloudwatch_log_subscription_filter")),
    ).toHaveLength(2);
  });

  it("forwards every log event to the processor", () => {
    const subscription = synthesized.stack.pipeline.forwarder.subscriptions[1] as WafLogSubscription;
    expect(blockOf(synthesized.tf, subscription.subscriptionFilter)).toMatchObject({
      name: "waf-log-pipeline-dev-processor",
      log_group_name: "aws-waf-logs-shop/cloudfront",
      filter_pattern: "",
      destination_arn: ref(synthesized.stack.pipeline.forwarder.processor.function, "arn"),
    });
  });

  it("creates each subscription filter after the forwarder's Lambda permission", () => {
    const { forwarder } = synthesized.stack.pipeline;
    for (const subscription of forwarder.subscriptions) {
      expect(blockOf(synthesized.tf, subscription.subscriptionFilter).depends_on).toEqual([
        addressOf(forwarder.logGroupsPermission),
      ]);
    }
  });

  // The shop-alb address is the one the golden file of main pinned for prod before this change.
  it("forgets, without destroying, the per-log-group permission of earlier versions at its old address", () => {
    const removed = (synthesized.tf as unknown as { removed: unknown[] }).removed;
    expect(removed).toEqual([
      {
        from: "aws_lambda_permission.aws-waf-logs-shop-alb_Permission_409A4CA6",
        lifecycle: { destroy: false },
      },
      {
        from: "aws_lambda_permission.aws-waf-logs-shop--cloudfront_Permission_08403154",
        lifecycle: { destroy: false },
      },
    ]);
    expect(synthesized.stack.pipeline.forwarder.subscriptions.map((s) => s.legacyPermissionAddress)).toEqual(
      removed.map((block) => (block as { from: string }).from),
    );
  });

  it("keys each subscription's Terraform address by its log group name", () => {
    expect(
      synthesized.stack.pipeline.forwarder.subscriptions.map((s) => addressOf(s.subscriptionFilter)),
    ).toEqual([
      "aws_cloudwatch_log_subscription_filter.aws-waf-logs-shop-alb_SubscriptionFilter_7CD8C364",
      "aws_cloudwatch_log_subscription_filter.aws-waf-logs-shop--cloudfront_SubscriptionFilter_F432BA9B",
    ]);
  });
});
