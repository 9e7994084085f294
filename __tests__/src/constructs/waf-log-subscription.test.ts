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
    expect(Object.keys(resourcesOfType(synthesized.tf, "aws_lambda_permission"))).toHaveLength(2);
  });

  it("lets logs.amazonaws.com invoke the processor only from the log group and account", () => {
    const subscription = synthesized.stack.pipeline.forwarder.subscriptions[0] as WafLogSubscription;
    expect(blockOf(synthesized.tf, subscription.permission)).toMatchObject({
      action: "lambda:InvokeFunction",
      function_name: ref(synthesized.stack.pipeline.forwarder.processor.function, "function_name"),
      principal: "logs.amazonaws.com",
      source_arn: "arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-shop-alb:*",
      source_account: "111122223333",
    });
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

  it("creates each subscription filter after its permission", () => {
    for (const subscription of synthesized.stack.pipeline.forwarder.subscriptions) {
      expect(blockOf(synthesized.tf, subscription.subscriptionFilter).depends_on).toEqual([
        addressOf(subscription.permission),
      ]);
    }
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
