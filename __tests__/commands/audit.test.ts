import {
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  GetLoggingConfigurationCommand,
  ListWebACLsCommand,
  WAFV2ServiceException,
} from "@aws-sdk/client-wafv2";
import { CloudWatchLogsServiceException } from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it } from "vitest";
import { auditCoverage, auditExitCode, type CoverageReport } from "../../commands/lib/coverage-audit";
import type { AuditInput } from "../../commands/lib/coverage-input";
import { coverageReportJson, formatCoverageReport } from "../../commands/lib/coverage-report";
import {
  estateWebAclArn,
  logGroupDestination,
  logGroupEntry,
  MockedEstate,
  webAclSummary,
} from "../helpers/audit-estate";

const A = "111122223333";
const B = "444455556666";
const OURS_A = `arn:aws:lambda:eu-west-1:${A}:function:waf-log-pipeline-prod-processor`;
const OURS_B = `arn:aws:lambda:eu-central-1:${B}:function:waf-log-pipeline-prod-processor`;
const OURS_B_US = `arn:aws:lambda:us-east-1:${B}:function:waf-log-pipeline-prod-processor`;
const FILTER = "waf-log-pipeline-prod-processor";
const ROLE_B = `arn:aws:iam::${B}:role/waf-log-audit`;
const DATADOG = `arn:aws:lambda:eu-west-1:${A}:function:datadog-forwarder-Forwarder-1A2B3C4D5E6F`;
const SPLUNK = `arn:aws:firehose:eu-west-1:${A}:deliverystream/splunk-waf`;
const ELASTIC = `arn:aws:lambda:eu-west-1:${A}:function:elastic-serverless-forwarder`;

/**
 * Account A: a cloudwatch source in eu-west-1 (log groups by name), no source in us-east-1.
 * Account B: a cloudwatch source in eu-central-1 (discovery, one exclusion) and in us-east-1, an s3
 * source in eu-central-1, all read through a role.
 */
function estateInput(): AuditInput {
  return {
    environment: "prod",
    sources: [
      {
        type: "cloudwatch",
        accountId: A,
        region: "eu-west-1",
        logGroups: {
          names: [
            "aws-waf-logs-shop-alb",
            "aws-waf-logs-busy",
            "aws-waf-logs-legacy",
            "aws-waf-logs-partner",
            "aws-waf-logs-ghost",
            "aws-waf-logs-retired",
          ],
        },
        expectedFilterName: FILTER,
        expectedDestinationArn: OURS_A,
      },
      {
        type: "cloudwatch",
        accountId: B,
        region: "eu-central-1",
        roleArn: ROLE_B,
        logGroups: { discovery: { prefix: "aws-waf-logs-", exclude: ["aws-waf-logs-sandbox"] } },
        expectedFilterName: FILTER,
        expectedDestinationArn: OURS_B,
      },
      {
        type: "cloudwatch",
        accountId: B,
        region: "us-east-1",
        roleArn: ROLE_B,
        logGroups: { names: ["aws-waf-logs-b-cdn"] },
        expectedFilterName: FILTER,
        expectedDestinationArn: OURS_B_US,
      },
      {
        type: "s3",
        accountId: B,
        region: "eu-central-1",
        roleArn: ROLE_B,
        s3BucketArn: "arn:aws:s3:::aws-waf-logs-b-archive",
      },
    ],
  };
}

/** Every kind of gap, plus forwarded web ACLs of each kind of source. */
function estateWithEveryGap(): MockedEstate {
  const logsA = (name: string) => logGroupDestination(A, "eu-west-1", name);
  return new MockedEstate()
    .webAcls(A, "eu-west-1", "REGIONAL", [
      { name: "shop-alb", destination: logsA("aws-waf-logs-shop-alb") },
      { name: "shop-api", destination: null },
      { name: "checkout", destination: logsA("aws-waf-logs-checkout") },
      { name: "busy", destination: logsA("aws-waf-logs-busy") },
      { name: "legacy", destination: logsA("aws-waf-logs-legacy") },
      { name: "partner", destination: logsA("aws-waf-logs-partner") },
      { name: "ghost", destination: logsA("aws-waf-logs-ghost") },
      { name: "media", destination: "arn:aws:s3:::aws-waf-logs-a-media", managedByFirewallManager: true },
      { name: "events", destination: `arn:aws:firehose:eu-west-1:${A}:deliverystream/aws-waf-logs-events` },
    ])
    .logGroups(A, "eu-west-1", [
      { name: "aws-waf-logs-shop-alb", filters: [[FILTER, OURS_A]] },
      { name: "aws-waf-logs-checkout" },
      {
        name: "aws-waf-logs-busy",
        filters: [
          ["datadog", DATADOG],
          ["splunk", SPLUNK],
        ],
      },
      { name: "aws-waf-logs-legacy" },
      { name: "aws-waf-logs-partner", filters: [["elastic-serverless-forwarder", ELASTIC]] },
      { name: "aws-waf-logs-old-test" },
    ])
    .webAcls(A, "us-east-1", "CLOUDFRONT", [
      { name: "shop-cdn", destination: logGroupDestination(A, "us-east-1", "aws-waf-logs-shop-cdn") },
    ])
    .webAcls(B, "eu-central-1", "REGIONAL", [
      { name: "b-api", destination: logGroupDestination(B, "eu-central-1", "aws-waf-logs-b-api") },
      { name: "b-sandbox", destination: logGroupDestination(B, "eu-central-1", "aws-waf-logs-sandbox") },
      { name: "b-direct", destination: "arn:aws:s3:::aws-waf-logs-b-archive" },
    ])
    .logGroups(B, "eu-central-1", [
      { name: "aws-waf-logs-b-api", filters: [[FILTER, OURS_B]] },
      { name: "aws-waf-logs-sandbox" },
    ])
    .webAcls(B, "us-east-1", "REGIONAL", [])
    .webAcls(B, "us-east-1", "CLOUDFRONT", [
      { name: "b-cdn", destination: logGroupDestination(B, "us-east-1", "aws-waf-logs-b-cdn") },
    ])
    .logGroups(B, "us-east-1", [{ name: "aws-waf-logs-b-cdn", filters: [[FILTER, OURS_B_US]] }]);
}

/** Rows as `name status reason`, for assertions on the verdicts alone. */
function verdicts(report: CoverageReport): string[] {
  return report.rows.map((row) => `${row.webAcl.name} ${row.status} ${row.reason ?? "-"}`);
}

/** Every command the estate's mocks received, as `<Command> <account> <region>`. */
function callsOf(estate: MockedEstate, places: readonly (readonly [string, string])[]): string[] {
  return places.flatMap(([account, region]) => {
    const { wafMock, logsMock } = estate.place(account, region);
    return [...wafMock.calls(), ...logsMock.calls()].map(
      (call) => `${(call.args[0] as object).constructor.name} ${account} ${region}`,
    );
  });
}

function accessDenied(action: string, resource: string) {
  return new WAFV2ServiceException({
    name: "AccessDeniedException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: `User: arn:aws:sts::${B}:assumed-role/waf-log-audit/waf-log-pipeline-audit is not authorized to perform: ${action} on resource: ${resource}`,
  });
}

function expiredToken() {
  return new CloudWatchLogsServiceException({
    name: "ExpiredTokenException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: "The security token included in the request is expired",
  });
}

const EVERY_GAP_TABLE = [
  "Coverage audit of environment prod: 14 web ACL destinations, 4 forwarded, 10 gaps, 0 unknown",
  "",
  "WEB ACL    SCOPE       REGION        ACCOUNT       LOGGING DESTINATION                                                         FORWARDED  WHY NOT",
  "busy       REGIONAL    eu-west-1     111122223333  aws-waf-logs-busy                                                           NO         third-filter-slot-needed: the log group aws-waf-logs-busy already has 2 subscription filters, none to the processor (datadog → arn:aws:lambda:eu-west-1:111122223333:function:datadog-forwarder-Forwarder-1A2B3C4D5E6F, splunk → arn:aws:firehose:eu-west-1:111122223333:deliverystream/splunk-waf); CloudWatch Logs allows 2 per log group",
  "checkout   REGIONAL    eu-west-1     111122223333  aws-waf-logs-checkout                                                       NO         log-group-not-configured: the log group aws-waf-logs-checkout is not one of the source's listed log groups",
  "events     REGIONAL    eu-west-1     111122223333  arn:aws:firehose:eu-west-1:111122223333:deliverystream/aws-waf-logs-events  NO         firehose-not-covered: WAF writes to the Firehose delivery stream arn:aws:firehose:eu-west-1:111122223333:deliverystream/aws-waf-logs-events, which the pipeline does not read",
  "ghost      REGIONAL    eu-west-1     111122223333  aws-waf-logs-ghost                                                          NO         log-group-missing: the log group aws-waf-logs-ghost does not exist in account 111122223333, eu-west-1: WAF cannot deliver the logs",
  "legacy     REGIONAL    eu-west-1     111122223333  aws-waf-logs-legacy                                                         NO         not-subscribed: the log group aws-waf-logs-legacy has no subscription filter; expected waf-log-pipeline-prod-processor → arn:aws:lambda:eu-west-1:111122223333:function:waf-log-pipeline-prod-processor",
  "media      REGIONAL    eu-west-1     111122223333  arn:aws:s3:::aws-waf-logs-a-media                                           NO         s3-bucket-not-covered: WAF writes to the S3 bucket arn:aws:s3:::aws-waf-logs-a-media, which no s3 source of the environment reads (logging managed by AWS Firewall Manager)",
  "partner    REGIONAL    eu-west-1     111122223333  aws-waf-logs-partner                                                        NO         subscribed-elsewhere: the log group aws-waf-logs-partner is subscribed to something else (elastic-serverless-forwarder → arn:aws:lambda:eu-west-1:111122223333:function:elastic-serverless-forwarder); expected waf-log-pipeline-prod-processor → arn:aws:lambda:eu-west-1:111122223333:function:waf-log-pipeline-prod-processor",
  "shop-alb   REGIONAL    eu-west-1     111122223333  aws-waf-logs-shop-alb                                                       yes",
  "shop-api   REGIONAL    eu-west-1     111122223333  (logging off)                                                               NO         logging-off: the web ACL has no logging configuration: WAF writes no logs for it",
  "shop-cdn   CLOUDFRONT  us-east-1     111122223333  aws-waf-logs-shop-cdn                                                       NO         cloudfront-no-us-east-1-source: a CloudFront web ACL logs only in us-east-1, and account 111122223333 has no cloudwatch source in us-east-1: aws-waf-logs-shop-cdn is not forwarded",
  "b-api      REGIONAL    eu-central-1  444455556666  aws-waf-logs-b-api                                                          yes",
  "b-direct   REGIONAL    eu-central-1  444455556666  arn:aws:s3:::aws-waf-logs-b-archive                                         yes",
  "b-sandbox  REGIONAL    eu-central-1  444455556666  aws-waf-logs-sandbox                                                        NO         log-group-not-configured: the log group aws-waf-logs-sandbox is excluded from the source's discovery",
  "b-cdn      CLOUDFRONT  us-east-1     444455556666  aws-waf-logs-b-cdn                                                          yes",
  "",
  "Listed log groups that do not exist (informational):",
  "  111122223333  eu-west-1  aws-waf-logs-ghost",
  "  111122223333  eu-west-1  aws-waf-logs-retired",
  "",
  "aws-waf-logs-* log groups no web ACL logs to (informational):",
  "  111122223333  eu-west-1  aws-waf-logs-old-test",
  "",
  "What each reason means and what to do: docs/audit.md",
].join("\n");

describe("coverage audit on an estate with every kind of gap", () => {
  it("prints one row per web ACL: destination, forwarded or not, and why not", async () => {
    const report = await auditCoverage(estateInput(), estateWithEveryGap().factory);

    expect(formatCoverageReport(report)).toBe(EVERY_GAP_TABLE);
  });

  it("prints the same rows as JSON, with full ARNs, status and reason", async () => {
    const report = await auditCoverage(estateInput(), estateWithEveryGap().factory);

    const json = JSON.parse(coverageReportJson(report));

    expect(json.summary).toEqual({ webAclDestinations: 14, forwarded: 4, gaps: 10, unknown: 0, errors: 0 });
    const rowOf = (account: string, region: string, scope: "REGIONAL" | "CLOUDFRONT", name: string) => ({
      name,
      scope,
      region,
      accountId: account,
      arn: estateWebAclArn(account, region, scope, name),
    });
    const logsA = (name: string) => logGroupDestination(A, "eu-west-1", name);
    expect(
      json.rows.map((row: { detail: string }) => ({ ...row, detail: typeof row.detail === "string" })),
    ).toEqual([
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "busy"),
        destination: logsA("aws-waf-logs-busy"),
        status: "gap",
        reason: "third-filter-slot-needed",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "checkout"),
        destination: logsA("aws-waf-logs-checkout"),
        status: "gap",
        reason: "log-group-not-configured",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "events"),
        destination: `arn:aws:firehose:eu-west-1:${A}:deliverystream/aws-waf-logs-events`,
        status: "gap",
        reason: "firehose-not-covered",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "ghost"),
        destination: logsA("aws-waf-logs-ghost"),
        status: "gap",
        reason: "log-group-missing",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "legacy"),
        destination: logsA("aws-waf-logs-legacy"),
        status: "gap",
        reason: "not-subscribed",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "media"),
        destination: "arn:aws:s3:::aws-waf-logs-a-media",
        status: "gap",
        reason: "s3-bucket-not-covered",
        detail: true,
        managedByFirewallManager: true,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "partner"),
        destination: logsA("aws-waf-logs-partner"),
        status: "gap",
        reason: "subscribed-elsewhere",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "shop-alb"),
        destination: logsA("aws-waf-logs-shop-alb"),
        status: "forwarded",
        reason: null,
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "eu-west-1", "REGIONAL", "shop-api"),
        destination: null,
        status: "gap",
        reason: "logging-off",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(A, "us-east-1", "CLOUDFRONT", "shop-cdn"),
        destination: logGroupDestination(A, "us-east-1", "aws-waf-logs-shop-cdn"),
        status: "gap",
        reason: "cloudfront-no-us-east-1-source",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(B, "eu-central-1", "REGIONAL", "b-api"),
        destination: logGroupDestination(B, "eu-central-1", "aws-waf-logs-b-api"),
        status: "forwarded",
        reason: null,
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(B, "eu-central-1", "REGIONAL", "b-direct"),
        destination: "arn:aws:s3:::aws-waf-logs-b-archive",
        status: "forwarded",
        reason: null,
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(B, "eu-central-1", "REGIONAL", "b-sandbox"),
        destination: logGroupDestination(B, "eu-central-1", "aws-waf-logs-sandbox"),
        status: "gap",
        reason: "log-group-not-configured",
        detail: true,
        managedByFirewallManager: false,
      },
      {
        webAcl: rowOf(B, "us-east-1", "CLOUDFRONT", "b-cdn"),
        destination: logGroupDestination(B, "us-east-1", "aws-waf-logs-b-cdn"),
        status: "forwarded",
        reason: null,
        detail: true,
        managedByFirewallManager: false,
      },
    ]);
    expect(json.missingLogGroups).toEqual([
      { accountId: A, region: "eu-west-1", logGroupName: "aws-waf-logs-ghost" },
      { accountId: A, region: "eu-west-1", logGroupName: "aws-waf-logs-retired" },
    ]);
    expect(json.unusedLogGroups).toEqual([
      { accountId: A, region: "eu-west-1", logGroupName: "aws-waf-logs-old-test" },
    ]);
    expect(json.errors).toEqual([]);
  });

  it("says which filter forwards a forwarded log group, in the JSON detail", async () => {
    const report = await auditCoverage(estateInput(), estateWithEveryGap().factory);

    const shopAlb = report.rows.find((row) => row.webAcl.name === "shop-alb");

    expect(shopAlb?.detail).toBe(`subscription filter ${FILTER} → ${OURS_A}`);
  });

  it("exits 1", async () => {
    const report = await auditCoverage(estateInput(), estateWithEveryGap().factory);

    expect(auditExitCode(report)).toBe(1);
  });

  it("reads each account and region once, through the source's role, CloudFront web ACLs in us-east-1", async () => {
    const estate = estateWithEveryGap();

    await auditCoverage(estateInput(), estate.factory);

    expect(estate.targets).toEqual([
      { accountId: A, region: "eu-west-1" },
      { accountId: B, region: "eu-central-1", roleArn: ROLE_B },
      { accountId: B, region: "us-east-1", roleArn: ROLE_B },
      { accountId: A, region: "us-east-1" },
    ]);
  });

  it("makes only the four read-only calls, ListWebACLs per scope and GetLoggingConfiguration per web ACL", async () => {
    const estate = estateWithEveryGap();

    await auditCoverage(estateInput(), estate.factory);

    const calls = callsOf(estate, [
      [A, "eu-west-1"],
      [A, "us-east-1"],
      [B, "eu-central-1"],
      [B, "us-east-1"],
    ]);
    const count = (text: string) => calls.filter((call) => call === text).length;
    expect(new Set(calls.map((call) => call.split(" ")[0]))).toEqual(
      new Set([
        "ListWebACLsCommand",
        "GetLoggingConfigurationCommand",
        "DescribeLogGroupsCommand",
        "DescribeSubscriptionFiltersCommand",
      ]),
    );
    expect(count(`GetLoggingConfigurationCommand ${A} eu-west-1`)).toBe(9);
    expect(count(`GetLoggingConfigurationCommand ${A} us-east-1`)).toBe(1);
    // Filters only of configured, existing log groups that web ACLs log to: shop-alb, busy, legacy, partner.
    expect(count(`DescribeSubscriptionFiltersCommand ${A} eu-west-1`)).toBe(4);
    expect(count(`DescribeLogGroupsCommand ${A} us-east-1`)).toBe(0);
  });
});

describe("coverage audit on an estate with full coverage", () => {
  it("reports every web ACL forwarded and exits 0", async () => {
    const estate = new MockedEstate()
      .webAcls(B, "us-east-1", "REGIONAL", [
        { name: "api", destination: logGroupDestination(B, "us-east-1", "aws-waf-logs-api") },
      ])
      .webAcls(B, "us-east-1", "CLOUDFRONT", [
        { name: "cdn", destination: logGroupDestination(B, "us-east-1", "aws-waf-logs-cdn") },
      ])
      .logGroups(B, "us-east-1", [
        { name: "aws-waf-logs-api", filters: [[FILTER, OURS_B_US]] },
        {
          name: "aws-waf-logs-cdn",
          filters: [
            ["datadog", DATADOG],
            [FILTER, OURS_B_US],
          ],
        },
      ]);
    const input: AuditInput = {
      environment: "prod",
      sources: [
        {
          type: "cloudwatch",
          accountId: B,
          region: "us-east-1",
          logGroups: { discovery: { prefix: "aws-waf-logs-", exclude: [] } },
          expectedFilterName: FILTER,
          expectedDestinationArn: OURS_B_US,
        },
      ],
    };

    const report = await auditCoverage(input, estate.factory);

    expect(verdicts(report)).toEqual(["cdn forwarded -", "api forwarded -"]);
    expect(report.missingLogGroups).toEqual([]);
    expect(report.unusedLogGroups).toEqual([]);
    expect(auditExitCode(report)).toBe(0);
  });
});

describe("coverage audit pagination", () => {
  const input: AuditInput = {
    environment: "prod",
    sources: [
      {
        type: "cloudwatch",
        accountId: B,
        region: "eu-central-1",
        logGroups: { discovery: { prefix: "aws-waf-logs-", exclude: [] } },
        expectedFilterName: FILTER,
        expectedDestinationArn: OURS_B,
      },
    ],
  };
  const logsB = (name: string) => logGroupDestination(B, "eu-central-1", name);

  /** An estate whose eu-central-1 web ACLs `names` log to the log group of the same name, all forwarded. */
  function pagedEstate(): MockedEstate {
    const estate = new MockedEstate().webAcls(B, "us-east-1", "CLOUDFRONT", []);
    const { wafMock, logsMock } = estate.place(B, "eu-central-1");
    for (const name of ["one", "two", "three"]) {
      wafMock
        .on(GetLoggingConfigurationCommand, {
          ResourceArn: estateWebAclArn(B, "eu-central-1", "REGIONAL", name),
        })
        .resolves({
          LoggingConfiguration: {
            ResourceArn: estateWebAclArn(B, "eu-central-1", "REGIONAL", name),
            LogDestinationConfigs: [logsB(`aws-waf-logs-${name}`)],
          },
        });
      logsMock.on(DescribeSubscriptionFiltersCommand, { logGroupName: `aws-waf-logs-${name}` }).resolves({
        subscriptionFilters: [
          {
            filterName: FILTER,
            logGroupName: `aws-waf-logs-${name}`,
            filterPattern: "",
            destinationArn: OURS_B,
            distribution: "ByLogStream",
          },
        ],
      });
    }
    logsMock.on(DescribeLogGroupsCommand).resolves({
      logGroups: ["one", "two", "three"].map((n) => logGroupEntry(B, "eu-central-1", `aws-waf-logs-${n}`)),
    });
    return estate;
  }

  it("follows ListWebACLs NextMarker to the empty last page WAF answers with", async () => {
    const estate = pagedEstate();
    const { wafMock } = estate.place(B, "eu-central-1");
    wafMock
      .on(ListWebACLsCommand)
      .resolvesOnce({
        NextMarker: "two",
        WebACLs: ["one", "two"].map((n) => webAclSummary(B, "eu-central-1", "REGIONAL", n)),
      })
      .resolvesOnce({ NextMarker: "three", WebACLs: [webAclSummary(B, "eu-central-1", "REGIONAL", "three")] })
      .resolvesOnce({ NextMarker: "three-end", WebACLs: [] });

    const report = await auditCoverage(input, estate.factory);

    expect(verdicts(report)).toEqual(["one forwarded -", "three forwarded -", "two forwarded -"]);
    expect(wafMock.commandCalls(ListWebACLsCommand).map((call) => call.args[0].input)).toEqual([
      { Scope: "REGIONAL", Limit: 100 },
      { Scope: "REGIONAL", Limit: 100, NextMarker: "two" },
      { Scope: "REGIONAL", Limit: 100, NextMarker: "three" },
    ]);
  });

  it("stops at a NextMarker it has already followed", async () => {
    const estate = pagedEstate();
    const { wafMock } = estate.place(B, "eu-central-1");
    wafMock
      .on(ListWebACLsCommand)
      .resolvesOnce({ NextMarker: "again", WebACLs: [webAclSummary(B, "eu-central-1", "REGIONAL", "one")] })
      .resolves({ NextMarker: "again", WebACLs: [webAclSummary(B, "eu-central-1", "REGIONAL", "two")] });

    const report = await auditCoverage(input, estate.factory);

    expect(verdicts(report)).toEqual(["one forwarded -", "two forwarded -"]);
    expect(wafMock.commandCalls(ListWebACLsCommand)).toHaveLength(2);
  });

  it("follows DescribeLogGroups nextToken, so a log group on a later page exists", async () => {
    const estate = pagedEstate();
    const { wafMock, logsMock } = estate.place(B, "eu-central-1");
    wafMock
      .on(ListWebACLsCommand)
      .resolves({ WebACLs: [webAclSummary(B, "eu-central-1", "REGIONAL", "three")] });
    // The SDK's paginator reuses one input object, so record a copy of each request as it is sent.
    const requests: unknown[] = [];
    logsMock.on(DescribeLogGroupsCommand).callsFake((request: { nextToken?: string }) => {
      requests.push({ ...request });
      return request.nextToken === undefined
        ? {
            logGroups: ["one", "two"].map((n) => logGroupEntry(B, "eu-central-1", `aws-waf-logs-${n}`)),
            nextToken: "log-groups-page-2",
          }
        : { logGroups: [logGroupEntry(B, "eu-central-1", "aws-waf-logs-three")] };
    });

    const report = await auditCoverage(input, estate.factory);

    expect(verdicts(report)).toEqual(["three forwarded -"]);
    expect(requests).toEqual([
      { logGroupNamePrefix: "aws-waf-logs-", limit: 50 },
      { logGroupNamePrefix: "aws-waf-logs-", limit: 50, nextToken: "log-groups-page-2" },
    ]);
    expect(report.unusedLogGroups.map((group) => group.logGroupName)).toEqual([
      "aws-waf-logs-one",
      "aws-waf-logs-two",
    ]);
  });

  it("follows DescribeSubscriptionFilters nextToken", async () => {
    const estate = pagedEstate();
    const { wafMock, logsMock } = estate.place(B, "eu-central-1");
    wafMock
      .on(ListWebACLsCommand)
      .resolves({ WebACLs: [webAclSummary(B, "eu-central-1", "REGIONAL", "one")] });
    logsMock
      .on(DescribeSubscriptionFiltersCommand, { logGroupName: "aws-waf-logs-one" })
      .resolvesOnce({
        subscriptionFilters: [
          { filterName: "datadog", logGroupName: "aws-waf-logs-one", destinationArn: DATADOG },
        ],
        nextToken: "filters-page-2",
      })
      .resolvesOnce({
        subscriptionFilters: [
          { filterName: FILTER, logGroupName: "aws-waf-logs-one", destinationArn: OURS_B },
        ],
      });

    const report = await auditCoverage(input, estate.factory);

    expect(verdicts(report)).toEqual(["one forwarded -"]);
    expect(logsMock.commandCalls(DescribeSubscriptionFiltersCommand)).toHaveLength(2);
  });
});

describe("coverage audit when AWS refuses a call", () => {
  it("reports AccessDenied on ListWebACLs with the account, region and call, keeps the other accounts' rows, exits 1", async () => {
    const estate = estateWithEveryGap();
    estate
      .place(B, "eu-central-1")
      .wafMock.on(ListWebACLsCommand, { Scope: "REGIONAL" })
      .rejects(accessDenied("wafv2:ListWebACLs", `arn:aws:wafv2:eu-central-1:${B}:regional/webacl/*/*`));

    const report = await auditCoverage(estateInput(), estate.factory);

    expect(report.errors).toEqual([
      {
        accountId: B,
        region: "eu-central-1",
        call: "wafv2:ListWebACLs Scope=REGIONAL",
        error: `AccessDeniedException: User: arn:aws:sts::${B}:assumed-role/waf-log-audit/waf-log-pipeline-audit is not authorized to perform: wafv2:ListWebACLs on resource: arn:aws:wafv2:eu-central-1:${B}:regional/webacl/*/*`,
      },
    ]);
    expect(report.rows.filter((row) => row.webAcl.region === "eu-central-1")).toEqual([]);
    expect(report.rows.filter((row) => row.webAcl.accountId === A)).toHaveLength(10);
    expect(formatCoverageReport(report)).toContain(
      [
        "AWS calls that failed (the audit is incomplete; rows that depend on them are unknown):",
        `  account ${B}, eu-central-1: wafv2:ListWebACLs Scope=REGIONAL: AccessDeniedException: User: arn:aws:sts::${B}:assumed-role/waf-log-audit/waf-log-pipeline-audit is not authorized to perform: wafv2:ListWebACLs on resource: arn:aws:wafv2:eu-central-1:${B}:regional/webacl/*/*`,
      ].join("\n"),
    );
    expect(auditExitCode(report)).toBe(1);
  });

  it("makes the rows that need the log groups unknown when DescribeLogGroups fails with expired credentials", async () => {
    const estate = estateWithEveryGap();
    estate.place(A, "eu-west-1").logsMock.on(DescribeLogGroupsCommand).rejects(expiredToken());

    const report = await auditCoverage(estateInput(), estate.factory);

    expect(verdicts({ ...report, rows: report.rows.filter((row) => row.webAcl.accountId === A) })).toEqual([
      "busy unknown not-read",
      "checkout gap log-group-not-configured",
      "events gap firehose-not-covered",
      "ghost unknown not-read",
      "legacy unknown not-read",
      "media gap s3-bucket-not-covered",
      "partner unknown not-read",
      "shop-alb unknown not-read",
      "shop-api gap logging-off",
      "shop-cdn gap cloudfront-no-us-east-1-source",
    ]);
    expect(report.rows.find((row) => row.webAcl.name === "busy")?.detail).toBe(
      `logs:DescribeLogGroups logGroupNamePrefix=aws-waf-logs- failed in account ${A}, eu-west-1: ExpiredTokenException: The security token included in the request is expired`,
    );
    expect(report.missingLogGroups).toEqual([]);
    expect(report.unusedLogGroups).toEqual([]);
    expect(auditExitCode(report)).toBe(1);
  });

  it("makes one web ACL's row unknown when its GetLoggingConfiguration is refused", async () => {
    const estate = estateWithEveryGap();
    const arn = estateWebAclArn(B, "eu-central-1", "REGIONAL", "b-api");
    estate
      .place(B, "eu-central-1")
      .wafMock.on(GetLoggingConfigurationCommand, { ResourceArn: arn })
      .rejects(accessDenied("wafv2:GetLoggingConfiguration", arn));

    const report = await auditCoverage(estateInput(), estate.factory);

    const row = report.rows.find((r) => r.webAcl.name === "b-api");
    expect(row).toMatchObject({ status: "unknown", reason: "not-read", destination: null });
    expect(row?.detail).toMatch(
      new RegExp(
        `^wafv2:GetLoggingConfiguration ${arn} failed in account ${B}, eu-central-1: AccessDeniedException: `,
      ),
    );
    expect(report.errors.map((e) => e.call)).toEqual([`wafv2:GetLoggingConfiguration ${arn}`]);
    // Without every web ACL's destination, "no web ACL logs to it" would be a guess.
    expect(report.unusedLogGroups.filter((g) => g.accountId === B)).toEqual([]);
  });

  it("makes a row unknown when DescribeSubscriptionFilters is throttled", async () => {
    const estate = estateWithEveryGap();
    estate
      .place(A, "eu-west-1")
      .logsMock.on(DescribeSubscriptionFiltersCommand, { logGroupName: "aws-waf-logs-shop-alb" })
      .rejects(
        new CloudWatchLogsServiceException({
          name: "ThrottlingException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "Rate exceeded",
        }),
      );

    const report = await auditCoverage(estateInput(), estate.factory);

    expect(report.rows.find((row) => row.webAcl.name === "shop-alb")).toMatchObject({
      status: "unknown",
      reason: "not-read",
      detail: `logs:DescribeSubscriptionFilters logGroupName=aws-waf-logs-shop-alb failed in account ${A}, eu-west-1: ThrottlingException: Rate exceeded`,
    });
  });

  it("reports credentials that reach another account instead of auditing it", async () => {
    const estate = estateWithEveryGap();
    estate
      .place(B, "eu-central-1")
      .wafMock.on(ListWebACLsCommand, { Scope: "REGIONAL" })
      .resolves({ WebACLs: [webAclSummary(A, "eu-central-1", "REGIONAL", "someone-else")] });

    const report = await auditCoverage(estateInput(), estate.factory);

    expect(report.errors).toEqual([
      {
        accountId: B,
        region: "eu-central-1",
        call: "wafv2:ListWebACLs Scope=REGIONAL",
        error: `Error: the credentials reach account ${A} (web ACL ${estateWebAclArn(A, "eu-central-1", "REGIONAL", "someone-else")}), not account ${B}: check the source's roleArn or the AWS profile`,
      },
    ]);
    expect(report.rows.some((row) => row.webAcl.name === "someone-else")).toBe(false);
  });
});
