import { TerraformStack, Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { WafLogging, type WafLoggingProps } from "../../../src/constructs/waf-logging";
import { buildStack } from "../../helpers/stack";
import {
  addressOf,
  blockOf,
  policyOf,
  ref,
  resourcesOfType,
  synthesizeStack,
  type Synthesized,
} from "../../helpers/stack";
import { allWafOptions, webAclArn } from "../../helpers/waf";
import { synthErrors } from "../rules/rule-test-kit";

const SHOP_ALB = webAclArn("shop-alb");
const SHOP_CLOUDFRONT = webAclArn("shop-cloudfront", { scope: "global" });

/** The WafLogging construct of a synthesized stack (fails the test when the stack has none). */
function wafLogging(synthesized: Synthesized): WafLogging {
  const construct = synthesized.stack.pipeline.wafLogging;
  if (construct === undefined) throw new Error("the stack has no WafLogging");
  return construct;
}

describe("WafLogging with every option on", () => {
  let synthesized: Synthesized;
  let logging: WafLogging;
  beforeAll(() => {
    synthesized = synthesizeStack(allWafOptions());
    logging = wafLogging(synthesized);
  });

  it("creates each WAF log group with the configured retention", () => {
    expect(Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_log_group"))).toEqual(
      expect.arrayContaining([
        { name: "aws-waf-logs-shop-alb", retention_in_days: 14 },
        { name: "aws-waf-logs-shop-cloudfront", retention_in_days: 14 },
      ]),
    );
    expect([...logging.logGroups.keys()]).toEqual(["aws-waf-logs-shop-alb", "aws-waf-logs-shop-cloudfront"]);
  });

  it("lets log delivery write only to these log groups, for this account and region", () => {
    const policy = blockOf(synthesized.tf, logging.logDeliveryPolicy!);
    expect(policy.policy_name).toBe("waf-log-pipeline-dev-waf-log-delivery");
    expect(policyOf(policy, "policy_document")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AWSLogDeliveryWrite",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [
            "arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-shop-alb:log-stream:*",
            "arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-shop-cloudfront:log-stream:*",
          ],
          Condition: {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:*" },
          },
        },
      ],
    });
  });

  it("sends each web ACL to the ARN of its created log group, which has no :* suffix", () => {
    const [alb, cloudfront] = logging.loggingConfigurations;
    expect(blockOf(synthesized.tf, alb!)).toMatchObject({
      resource_arn: SHOP_ALB,
      log_destination_configs: [ref(logging.logGroups.get("aws-waf-logs-shop-alb")!, "arn")],
    });
    expect(blockOf(synthesized.tf, cloudfront!)).toMatchObject({
      resource_arn: SHOP_CLOUDFRONT,
      log_destination_configs: [ref(logging.logGroups.get("aws-waf-logs-shop-cloudfront")!, "arn")],
    });
  });

  it("creates each logging configuration after the log delivery resource policy", () => {
    for (const configuration of logging.loggingConfigurations) {
      expect(blockOf(synthesized.tf, configuration).depends_on).toEqual([
        addressOf(logging.logDeliveryPolicy!),
      ]);
    }
  });

  it("redacts every configured field", () => {
    expect(blockOf(synthesized.tf, logging.loggingConfigurations[0]!).redacted_fields).toEqual([
      { single_header: { name: "authorization" } },
      { single_header: { name: "cookie" } },
      { single_header: { name: "x-api-key" } },
      { query_string: {} },
      { uri_path: {} },
      { method: {} },
    ]);
  });

  it("keeps only BLOCK, COUNT, CAPTCHA and CHALLENGE records", () => {
    expect(blockOf(synthesized.tf, logging.loggingConfigurations[1]!).logging_filter).toEqual({
      default_behavior: "DROP",
      filter: [
        {
          behavior: "KEEP",
          requirement: "MEETS_ANY",
          condition: [
            { action_condition: { action: "BLOCK" } },
            { action_condition: { action: "COUNT" } },
            { action_condition: { action: "CAPTCHA" } },
            { action_condition: { action: "CHALLENGE" } },
          ],
        },
      ],
    });
  });

  it("subscribes the created log groups by reference, so they exist before the subscription filters", () => {
    expect(
      synthesized.stack.pipeline.forwarder.subscriptions.map(
        (s) => blockOf(synthesized.tf, s.subscriptionFilter).log_group_name,
      ),
    ).toEqual([
      ref(logging.logGroups.get("aws-waf-logs-shop-alb")!, "name"),
      ref(logging.logGroups.get("aws-waf-logs-shop-cloudfront")!, "name"),
    ]);
  });

  it("passes the processor-side redacted headers to the function as REDACT_HEADERS", () => {
    const fn = blockOf(synthesized.tf, synthesized.stack.pipeline.forwarder.processor.function) as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.REDACT_HEADERS).toBe("authorization,x-api-key");
  });

  it("keeps its Terraform addresses (renaming one recreates a resource)", () => {
    expect([
      ...[...logging.logGroups.values()].map(addressOf),
      addressOf(logging.logDeliveryPolicy!),
      ...logging.loggingConfigurations.map(addressOf),
    ]).toEqual([
      "aws_cloudwatch_log_group.WafLogging_LogGroup-aws-waf-logs-shop-alb_DFB24218",
      "aws_cloudwatch_log_group.WafLogging_LogGroup-aws-waf-logs-shop-cloudfront_11FD45B5",
      "aws_cloudwatch_log_resource_policy.WafLogging_LogDeliveryPolicy_3A40E403",
      "aws_wafv2_web_acl_logging_configuration.WafLogging_LoggingConfiguration-regional-shop-alb_484F77DF",
      "aws_wafv2_web_acl_logging_configuration.WafLogging_LoggingConfiguration-global-shop-cloudfront_A5034672",
    ]);
  });

  it("synthesizes without a security rule violation", () => {
    const stack = buildStack(allWafOptions());
    expect(synthErrors(stack)).toEqual([]);
  });
});

describe("WafLogging defaults", () => {
  it("adds no WAF resources and no REDACT_HEADERS to an environment without waf", () => {
    const { tf, stack } = synthesizeStack();
    expect(stack.pipeline.wafLogging).toBeUndefined();
    expect(resourcesOfType(tf, "aws_wafv2_web_acl_logging_configuration")).toEqual({});
    expect(resourcesOfType(tf, "aws_cloudwatch_log_resource_policy")).toEqual({});
    expect(Object.keys(resourcesOfType(tf, "aws_cloudwatch_log_group"))).toEqual([
      addressOf(stack.pipeline.forwarder.processor.logGroup).split(".")[1],
    ]);
    const fn = blockOf(tf, stack.pipeline.forwarder.processor.function) as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables).not.toHaveProperty("REDACT_HEADERS");
  });

  it("sends a web ACL to the literal ARN, without :*, of a log group it does not create", () => {
    const synthesized = synthesizeStack({ waf: { webAclArns: [SHOP_ALB] } });
    expect(blockOf(synthesized.tf, wafLogging(synthesized).loggingConfigurations[0]!)).toMatchObject({
      resource_arn: SHOP_ALB,
      log_destination_configs: ["arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-example"],
    });
  });

  it("creates no log group, resource policy or dependency for log groups that exist", () => {
    const synthesized = synthesizeStack({ waf: { webAclArns: [SHOP_ALB] } });
    const logging = wafLogging(synthesized);
    expect(logging.logGroups.size).toBe(0);
    expect(logging.logDeliveryPolicy).toBeUndefined();
    expect(blockOf(synthesized.tf, logging.loggingConfigurations[0]!)).not.toHaveProperty("depends_on");
    expect(
      blockOf(synthesized.tf, synthesized.stack.pipeline.forwarder.subscriptions[0]!.subscriptionFilter)
        .log_group_name,
    ).toBe("aws-waf-logs-example");
  });

  it("redacts the authorization and cookie headers by default", () => {
    const synthesized = synthesizeStack({ waf: { webAclArns: [SHOP_ALB] } });
    expect(
      blockOf(synthesized.tf, wafLogging(synthesized).loggingConfigurations[0]!).redacted_fields,
    ).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
  });

  it("keeps every record by default (no logging filter)", () => {
    const synthesized = synthesizeStack({ waf: { webAclArns: [SHOP_ALB] } });
    expect(blockOf(synthesized.tf, wafLogging(synthesized).loggingConfigurations[0]!)).not.toHaveProperty(
      "logging_filter",
    );
  });

  it("keeps created log groups for 7 days by default", () => {
    const synthesized = synthesizeStack({ waf: { manageLogGroup: true } });
    const logGroup = wafLogging(synthesized).logGroups.get("aws-waf-logs-example")!;
    expect(blockOf(synthesized.tf, logGroup)).toEqual({ name: "aws-waf-logs-example", retention_in_days: 7 });
  });

  it("drops records by label with a DROP filter and default KEEP", () => {
    const synthesized = synthesizeStack({
      waf: {
        webAclArns: [SHOP_ALB],
        loggingFilter: {
          dropLabels: [
            "awswaf:managed:aws:bot-control:bot:verified",
            "awswaf:111122223333:webacl:shop:health",
          ],
        },
      },
    });
    expect(blockOf(synthesized.tf, wafLogging(synthesized).loggingConfigurations[0]!).logging_filter).toEqual(
      {
        default_behavior: "KEEP",
        filter: [
          {
            behavior: "DROP",
            requirement: "MEETS_ANY",
            condition: [
              { label_name_condition: { label_name: "awswaf:managed:aws:bot-control:bot:verified" } },
              { label_name_condition: { label_name: "awswaf:111122223333:webacl:shop:health" } },
            ],
          },
        ],
      },
    );
  });

  it("uses the ARN partition of the region in the log delivery resource policy", () => {
    const synthesized = synthesizeStack({ region: "us-gov-west-1", waf: { manageLogGroup: true } });
    const statement = policyOf(
      blockOf(synthesized.tf, wafLogging(synthesized).logDeliveryPolicy!),
      "policy_document",
    ).Statement[0]!;
    expect(statement.Resource).toEqual([
      "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:aws-waf-logs-example:log-stream:*",
    ]);
    expect(statement.Condition?.ArnLike).toEqual({
      "aws:SourceArn": "arn:aws-us-gov:logs:us-gov-west-1:111122223333:*",
    });
  });
});

describe("WafLogging props", () => {
  const valid: WafLoggingProps = {
    region: "eu-west-1",
    accountId: "111122223333",
    managedLogGroupNames: ["aws-waf-logs-shop"],
    logDeliveryPolicyName: "policy",
    webAcls: [{ arn: webAclArn("shop", { region: "eu-west-1" }), logGroupName: "aws-waf-logs-shop" }],
  };
  const build = (overrides: Partial<WafLoggingProps>) => () =>
    new WafLogging(new TerraformStack(Testing.app(), "test"), "WafLogging", { ...valid, ...overrides });

  it("accepts valid props", () => {
    expect(build({})).not.toThrow();
  });

  it("reports every invalid web ACL at once", () => {
    expect(
      build({
        webAcls: [
          {
            arn: "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop",
            logGroupName: "aws-waf-logs-shop",
          },
          { arn: webAclArn("cdn", { scope: "global" }), logGroupName: "aws-waf-logs-shop" },
          { arn: webAclArn("other", { region: "eu-west-1", account: "999988887777" }), logGroupName: "logs" },
          { arn: webAclArn("shop", { region: "eu-central-1" }), logGroupName: "aws-waf-logs-shop" },
        ],
      }),
    ).toThrow(
      [
        "Invalid WafLogging props (5 problems):",
        '  - webAcls[0].arn: must be a wafv2 web ACL ARN like "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/<name>/<id>" (or ":global/webacl/" for CloudFront), got "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop"',
        '  - webAcls[2].logGroupName: must be a log group name that starts with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #, got "logs"',
        `  - webAcls[1].arn: is a global (CloudFront) web ACL, which logs only to a log group in us-east-1: deploy it from an environment whose region is "us-east-1" (this one is eu-west-1), got "${webAclArn("cdn", { scope: "global" })}"`,
        `  - webAcls[2].arn: must be a web ACL of the construct's account 111122223333 (WAF logs only to a log group in the web ACL's own account), got account 999988887777 in "${webAclArn("other", { region: "eu-west-1", account: "999988887777" })}"`,
        `  - webAcls[3].arn: must be a web ACL in the construct's region eu-west-1 (WAF logs only to a log group in the web ACL's own region), got region eu-central-1 in "${webAclArn("shop", { region: "eu-central-1" })}"`,
      ].join("\n"),
    );
  });

  it("rejects a managed log group without the aws-waf-logs- prefix, a bad retention and a missing policy name", () => {
    expect(
      build({
        managedLogGroupNames: ["waf-logs"],
        retentionDays: 10,
        logDeliveryPolicyName: undefined,
        webAcls: [],
      }),
    ).toThrow(
      [
        "Invalid WafLogging props (3 problems):",
        "  - retentionDays: must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, got 10",
        '  - managedLogGroupNames[0]: must be a log group name that starts with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #, got "waf-logs"',
        "  - logDeliveryPolicyName: is required when managedLogGroupNames is not empty",
      ].join("\n"),
    );
  });

  it("rejects an upper-case redacted header and a logging filter with both options", () => {
    expect(
      build({
        redactedFields: [{ type: "singleHeader", name: "Authorization" }],
        loggingFilter: { keepActions: ["BLOCK"], dropLabels: ["a:b"] },
      }),
    ).toThrow(
      [
        "Invalid WafLogging props (2 problems):",
        '  - redactedFields[0].name: must be a lowercase HTTP header name (WAF compares it in lower case), got "Authorization"',
        "  - loggingFilter.dropLabels: cannot be combined with keepActions: choose one filter (keep only some actions, or drop records by label)",
      ].join("\n"),
    );
  });
});
