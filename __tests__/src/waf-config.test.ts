import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { parseWebAclArn } from "../../src/constructs/waf-logging";
import { environmentIssues, parsedEnvironment } from "../helpers/config";
import { allWafOptions, webAclArn, WEB_ACL_ID } from "../helpers/waf";

const twoLogGroups = { wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b"] };

describe("parseWebAclArn", () => {
  it("splits a regional web ACL ARN into its parts", () => {
    expect(parseWebAclArn(webAclArn("shop-alb", { region: "eu-west-1" }))).toEqual({
      partition: "aws",
      region: "eu-west-1",
      accountId: "111122223333",
      scope: "regional",
      name: "shop-alb",
      id: WEB_ACL_ID,
    });
  });

  it("returns undefined for a web ACL ARN of WAF Classic", () => {
    expect(parseWebAclArn("arn:aws:waf::111122223333:webacl/a1b2c3d4-5678-90ab-cdef-111122223333")).toBe(
      undefined,
    );
  });
});

describe("waf configuration defaults", () => {
  it("leaves waf undefined when the environment has no waf section", () => {
    expect(parsedEnvironment().waf).toBeUndefined();
  });

  it("applies every default to an empty waf section", () => {
    expect(parsedEnvironment({ waf: {} }).waf).toEqual({
      webAclArns: [],
      manageLogGroup: false,
      retentionDays: 7,
      redactedFields: [
        { type: "singleHeader", name: "authorization" },
        { type: "singleHeader", name: "cookie" },
      ],
      otherSubscriptionFilters: {},
    });
  });

  it("sends a web ACL given as a plain ARN to the environment's only log group", () => {
    expect(parsedEnvironment({ waf: { webAclArns: [webAclArn("shop")] } }).waf?.webAclArns).toEqual([
      { arn: webAclArn("shop"), logGroupName: "aws-waf-logs-example" },
    ]);
  });

  it("keeps the log group named for each web ACL", () => {
    const waf = parsedEnvironment({
      ...twoLogGroups,
      waf: { webAclArns: [{ arn: webAclArn("shop"), logGroupName: "aws-waf-logs-b" }] },
    }).waf;
    expect(waf?.webAclArns).toEqual([{ arn: webAclArn("shop"), logGroupName: "aws-waf-logs-b" }]);
  });

  it("accepts a global web ACL in a us-east-1 environment", () => {
    const arn = webAclArn("cdn", { scope: "global" });
    expect(parsedEnvironment({ waf: { webAclArns: [arn] } }).waf?.webAclArns).toEqual([
      { arn, logGroupName: "aws-waf-logs-example" },
    ]);
  });

  it("turns redacted field strings into fields, with header names in lower case", () => {
    const waf = parsedEnvironment({
      waf: {
        webAclArns: [webAclArn("shop")],
        redactedFields: ["header:X-Api-Key", "queryString", "uriPath", "method"],
      },
    }).waf;
    expect(waf?.redactedFields).toEqual([
      { type: "singleHeader", name: "x-api-key" },
      { type: "queryString" },
      { type: "uriPath" },
      { type: "method" },
    ]);
  });

  it("accepts an empty list of redacted fields (redaction off)", () => {
    const waf = parsedEnvironment({ waf: { webAclArns: [webAclArn("shop")], redactedFields: [] } }).waf;
    expect(waf?.redactedFields).toEqual([]);
  });

  it("keeps the retention of managed log groups", () => {
    expect(parsedEnvironment({ waf: { manageLogGroup: true, retentionDays: 14 } }).waf?.retentionDays).toBe(
      14,
    );
  });

  it("parses every option at once", () => {
    const env = parsedEnvironment(allWafOptions());
    expect(env.waf).toEqual({
      webAclArns: [
        { arn: webAclArn("shop-alb"), logGroupName: "aws-waf-logs-shop-alb" },
        {
          arn: webAclArn("shop-cloudfront", { scope: "global" }),
          logGroupName: "aws-waf-logs-shop-cloudfront",
        },
      ],
      manageLogGroup: true,
      retentionDays: 14,
      redactedFields: [
        { type: "singleHeader", name: "authorization" },
        { type: "singleHeader", name: "cookie" },
        { type: "singleHeader", name: "x-api-key" },
        { type: "queryString" },
        { type: "uriPath" },
        { type: "method" },
      ],
      loggingFilter: { keepActions: ["BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"] },
      otherSubscriptionFilters: { "aws-waf-logs-shop-alb": 1 },
    });
    expect(env.processor.redactHeaders).toEqual(["authorization", "x-api-key"]);
  });
});

describe("waf configuration rejections", () => {
  it("rejects a web ACL ARN of the wrong format", () => {
    expect(
      environmentIssues({ waf: { webAclArns: ["arn:aws:wafv2:us-east-1:111122223333:regional/ipset/x/y"] } }),
    ).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message:
          'must be a wafv2 web ACL ARN like "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/<name>/<id>" (or ":global/webacl/" for CloudFront), got "arn:aws:wafv2:us-east-1:111122223333:regional/ipset/x/y"',
      },
    ]);
  });

  it("rejects a web ACL entry that is neither an ARN nor an object", () => {
    expect(environmentIssues({ waf: { webAclArns: [42] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message:
          'must be a web ACL ARN string or {"arn": "<web ACL ARN>", "logGroupName": "<one of wafLogGroupNames>"}, got 42',
      },
    ]);
  });

  it("rejects a web ACL listed twice", () => {
    expect(
      environmentIssues({ waf: { webAclArns: [webAclArn("shop"), { arn: webAclArn("shop") }] } }),
    ).toEqual([
      {
        path: "environments.dev.waf.webAclArns[1]",
        message: `must be distinct: web ACL ${JSON.stringify(webAclArn("shop"))} is already listed at index 0`,
      },
    ]);
  });

  it("rejects a web ACL of another account", () => {
    const arn = webAclArn("shop", { account: "999988887777" });
    expect(environmentIssues({ waf: { webAclArns: [arn] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message: `must be a web ACL of the environment's account 111122223333 (WAF logs only to a log group in the web ACL's own account), got account 999988887777 in "${arn}"`,
      },
    ]);
  });

  it("rejects a regional web ACL of another region", () => {
    const arn = webAclArn("shop", { region: "eu-west-1" });
    expect(environmentIssues({ waf: { webAclArns: [{ arn }] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0].arn",
        message: `must be a web ACL in the environment's region us-east-1 (WAF logs only to a log group in the web ACL's own region), got region eu-west-1 in "${arn}"`,
      },
    ]);
  });

  it("rejects a global web ACL in an environment outside us-east-1", () => {
    const arn = webAclArn("cdn", { scope: "global" });
    expect(environmentIssues({ region: "eu-west-1", waf: { webAclArns: [arn] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message: `is a global (CloudFront) web ACL, which logs only to a log group in us-east-1: deploy it from an environment whose region is "us-east-1" (this one is eu-west-1), got "${arn}"`,
      },
    ]);
  });

  it("rejects a global web ACL whose ARN names a region other than us-east-1", () => {
    const arn = webAclArn("cdn", { scope: "global", region: "us-west-2" });
    expect(environmentIssues({ waf: { webAclArns: [arn] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message: `is a global (CloudFront) web ACL, whose ARN always names us-east-1, got region us-west-2 in "${arn}"`,
      },
    ]);
  });

  it("rejects a web ACL of another partition", () => {
    const arn = webAclArn("shop", { partition: "aws-us-gov" });
    expect(environmentIssues({ waf: { webAclArns: [arn] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message: `must be in partition "aws" of the environment's region us-east-1, got "${arn}"`,
      },
    ]);
  });

  it("requires the log group of a web ACL when the environment has several", () => {
    expect(environmentIssues({ ...twoLogGroups, waf: { webAclArns: [webAclArn("shop")] } })).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0]",
        message:
          'must name its log group, {"arn": …, "logGroupName": …}, because wafLogGroupNames lists 2 log groups (a web ACL has one logging destination)',
      },
    ]);
  });

  it("rejects a web ACL log group that is not one of wafLogGroupNames", () => {
    expect(
      environmentIssues({
        ...twoLogGroups,
        waf: { webAclArns: [{ arn: webAclArn("shop"), logGroupName: "aws-waf-logs-c" }] },
      }),
    ).toEqual([
      {
        path: "environments.dev.waf.webAclArns[0].logGroupName",
        message:
          'must be one of the environment\'s wafLogGroupNames ("aws-waf-logs-a", "aws-waf-logs-b"), got "aws-waf-logs-c"',
      },
    ]);
  });

  it("rejects a retention that CloudWatch Logs does not accept", () => {
    expect(environmentIssues({ waf: { manageLogGroup: true, retentionDays: 10 } })).toEqual([
      {
        path: "environments.dev.waf.retentionDays",
        message:
          "must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, got 10",
      },
    ]);
  });

  it("rejects a retention for log groups the stack does not create", () => {
    expect(environmentIssues({ waf: { retentionDays: 14 } })).toEqual([
      {
        path: "environments.dev.waf.retentionDays",
        message:
          "applies only to log groups the stack creates: set manageLogGroup to true, or remove retentionDays (change the retention of a log group you manage yourself where you created it)",
      },
    ]);
  });

  it("rejects manageLogGroup that is not a boolean", () => {
    expect(environmentIssues({ waf: { manageLogGroup: "yes" } })).toEqual([
      { path: "environments.dev.waf.manageLogGroup", message: 'must be true or false, got "yes"' },
    ]);
  });

  it("rejects a field WAF cannot redact", () => {
    expect(environmentIssues({ waf: { webAclArns: [webAclArn("shop")], redactedFields: ["body"] } })).toEqual(
      [
        {
          path: "environments.dev.waf.redactedFields[0]",
          message:
            'must be "header:<name>" (a header name of letters, digits and !#$%&\'*+-.^_`|~, at most 64), "queryString", "uriPath" or "method": the only fields WAF can redact, got "body"',
        },
      ],
    );
  });

  it("rejects a redacted header whose name is not a header name", () => {
    expect(
      environmentIssues({ waf: { webAclArns: [webAclArn("shop")], redactedFields: ["header:x api key"] } }),
    ).toEqual([
      {
        path: "environments.dev.waf.redactedFields[0]",
        message:
          'must be "header:<name>" (a header name of letters, digits and !#$%&\'*+-.^_`|~, at most 64), "queryString", "uriPath" or "method": the only fields WAF can redact, got "header:x api key"',
      },
    ]);
  });

  it("rejects a redacted header listed twice in different case", () => {
    expect(
      environmentIssues({
        waf: { webAclArns: [webAclArn("shop")], redactedFields: ["header:Cookie", "header:cookie"] },
      }),
    ).toEqual([
      {
        path: "environments.dev.waf.redactedFields[1]",
        message: 'must be distinct: field "header:cookie" is already listed at index 0',
      },
    ]);
  });

  it("rejects redacted fields and a logging filter without web ACLs", () => {
    expect(
      environmentIssues({
        waf: { redactedFields: ["queryString"], loggingFilter: { keepActions: ["BLOCK"] } },
      }),
    ).toEqual([
      {
        path: "environments.dev.waf.redactedFields",
        message:
          "has no effect without webAclArns: WAF applies it through the logging configurations of the web ACLs listed in webAclArns",
      },
      {
        path: "environments.dev.waf.loggingFilter",
        message:
          "has no effect without webAclArns: WAF applies it through the logging configurations of the web ACLs listed in webAclArns",
      },
    ]);
  });

  it("rejects a logging filter that keeps ALLOW", () => {
    expect(
      environmentIssues({
        waf: { webAclArns: [webAclArn("shop")], loggingFilter: { keepActions: ["BLOCK", "ALLOW"] } },
      }),
    ).toEqual([
      {
        path: "environments.dev.waf.loggingFilter.keepActions[1]",
        message: 'must be one of "BLOCK", "COUNT", "CAPTCHA", "CHALLENGE", "EXCLUDED_AS_COUNT", got "ALLOW"',
      },
    ]);
  });

  it("rejects a logging filter with neither keepActions nor dropLabels", () => {
    expect(environmentIssues({ waf: { webAclArns: [webAclArn("shop")], loggingFilter: {} } })).toEqual([
      {
        path: "environments.dev.waf.loggingFilter",
        message:
          "must set keepActions or dropLabels (omit loggingFilter to keep every record, which is the default)",
      },
    ]);
  });

  it("rejects a logging filter with both keepActions and dropLabels", () => {
    expect(
      environmentIssues({
        waf: {
          webAclArns: [webAclArn("shop")],
          loggingFilter: {
            keepActions: ["BLOCK"],
            dropLabels: ["awswaf:managed:aws:bot-control:bot:verified"],
          },
        },
      }),
    ).toEqual([
      {
        path: "environments.dev.waf.loggingFilter.dropLabels",
        message:
          "cannot be combined with keepActions: choose one filter (keep only some actions, or drop records by label)",
      },
    ]);
  });

  it("rejects a drop label that is not fully qualified", () => {
    expect(
      environmentIssues({
        waf: { webAclArns: [webAclArn("shop")], loggingFilter: { dropLabels: ["verified"] } },
      }),
    ).toEqual([
      {
        path: "environments.dev.waf.loggingFilter.dropLabels[0]",
        message:
          'must be a fully qualified WAF label name like "awswaf:managed:aws:bot-control:bot:verified" (namespaces and name of letters, digits, _ and -, separated by ":"), got "verified"',
      },
    ]);
  });

  it("rejects a log group that would have more than two subscription filters", () => {
    expect(environmentIssues({ waf: { otherSubscriptionFilters: { "aws-waf-logs-example": 2 } } })).toEqual([
      {
        path: "environments.dev.waf.otherSubscriptionFilters.aws-waf-logs-example",
        message:
          "leaves no room for this stack's subscription filter: CloudWatch Logs allows at most 2 subscription filters per log group and this stack adds one, so at most 1 other, got 2",
      },
    ]);
  });

  it("rejects other subscription filters on a log group the environment does not subscribe", () => {
    expect(environmentIssues({ waf: { otherSubscriptionFilters: { "aws-waf-logs-other": 1 } } })).toEqual([
      {
        path: "environments.dev.waf.otherSubscriptionFilters.aws-waf-logs-other",
        message: 'must be keyed by one of the environment\'s wafLogGroupNames ("aws-waf-logs-example")',
      },
    ]);
  });

  it("rejects a negative number of other subscription filters", () => {
    expect(environmentIssues({ waf: { otherSubscriptionFilters: { "aws-waf-logs-example": -1 } } })).toEqual([
      {
        path: "environments.dev.waf.otherSubscriptionFilters.aws-waf-logs-example",
        message: "must be a whole number of subscription filters from 0 to 1, got -1",
      },
    ]);
  });

  it("rejects managed log groups whose log delivery policy would exceed 5120 characters", () => {
    const names = Array.from({ length: 50 }, (_, i) => `aws-waf-logs-${"x".repeat(40)}-${i}`);
    expect(environmentIssues({ wafLogGroupNames: names, waf: { manageLogGroup: true } })).toEqual([
      {
        path: "environments.dev.waf.manageLogGroup",
        message: expect.stringMatching(
          /^needs a log delivery resource policy naming all 50 log groups of wafLogGroupNames, which would be \d+ characters; CloudWatch Logs accepts at most 5120: use fewer or shorter log group names in this environment$/,
        ),
      },
    ]);
  });

  it("rejects an unknown field in the waf section", () => {
    expect(environmentIssues({ waf: { webAcls: [] } })).toEqual([
      {
        path: "environments.dev.waf.webAcls",
        message: "is not a known field (check the spelling against the configuration reference in README.md)",
      },
    ]);
  });

  it("rejects a log group name without the aws-waf-logs- prefix", () => {
    expect(
      environmentIssues({ wafLogGroupNames: ["/aws/lambda/waf-log-pipeline-dev-processor"], waf: {} }),
    ).toEqual([
      {
        path: "environments.dev.wafLogGroupNames[0]",
        message:
          'must be a log group name that starts with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #, got "/aws/lambda/waf-log-pipeline-dev-processor"',
      },
    ]);
  });
});

describe("processor.redactHeaders", () => {
  it("is off by default", () => {
    expect(parsedEnvironment().processor.redactHeaders).toBeUndefined();
  });

  it("lowercases the header names", () => {
    expect(
      parsedEnvironment({ processor: { redactHeaders: ["Authorization", "X-Api-Key"] } }).processor
        .redactHeaders,
    ).toEqual(["authorization", "x-api-key"]);
  });

  it("rejects a header name with a comma", () => {
    expect(environmentIssues({ processor: { redactHeaders: ["authorization,cookie"] } })).toEqual([
      {
        path: "environments.dev.processor.redactHeaders[0]",
        message:
          'must be an HTTP header name: 1–64 letters, digits and !#$%&\'*+-.^_`|~ (no spaces, colons or commas), got "authorization,cookie"',
      },
    ]);
  });

  it("rejects a header listed twice in different case", () => {
    expect(environmentIssues({ processor: { redactHeaders: ["Cookie", "cookie"] } })).toEqual([
      {
        path: "environments.dev.processor.redactHeaders[1]",
        message: 'must be distinct: header (case-insensitive) "cookie" is already listed at index 0',
      },
    ]);
  });
});

describe("the committed configuration's WAF options", () => {
  const config = loadConfig("waf-pipeline.config.json");

  it("keeps dev out of the box: no waf section and no processor-side redaction", () => {
    expect(config.environments.dev?.waf).toBeUndefined();
    expect(config.environments.dev?.processor.redactHeaders).toBeUndefined();
  });

  it("shows the WAF options in prod", () => {
    expect(config.environments.prod?.waf).toEqual({
      webAclArns: [
        {
          arn: "arn:aws:wafv2:eu-west-1:444455556666:regional/webacl/shop-alb/0f2d6a8e-3c1b-4e7a-9d5f-2b8c4a6e1f30",
          logGroupName: "aws-waf-logs-shop-alb",
        },
      ],
      manageLogGroup: true,
      retentionDays: 7,
      redactedFields: [
        { type: "singleHeader", name: "authorization" },
        { type: "singleHeader", name: "cookie" },
        { type: "singleHeader", name: "x-api-key" },
        { type: "queryString" },
      ],
      otherSubscriptionFilters: {},
    });
    expect(config.environments.prod?.processor.redactHeaders).toEqual([
      "authorization",
      "cookie",
      "x-api-key",
    ]);
  });
});
