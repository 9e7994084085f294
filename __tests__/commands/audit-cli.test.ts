import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { AUDIT_USAGE, main, parseAuditArgs } from "../../commands/audit";
import { auditInputFromEnvironment, auditInputFromEstate } from "../../commands/lib/audit-config";
import { AUDIT_ROLE_SESSION_NAME, awsAuditClients } from "../../commands/lib/audit-clients";
import {
  classifyWebAcl,
  type EstateView,
  type ObservedWebAcl,
  parseLogDestination,
  placeKey,
} from "../../commands/lib/coverage-audit";
import { type AuditLogGroups, AuditInputError, parseAuditInput } from "../../commands/lib/coverage-input";
import { parseConfig } from "../../src/config";
import { logGroupDestination, MockedEstate } from "../helpers/audit-estate";
import { configInput } from "../helpers/config";
import { ARCHIVE_ACCOUNT, SECOND_ACCOUNT, estateConfig, parsedEstate } from "../helpers/estate";

const ACCOUNT = "111122223333";
const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:waf-log-pipeline-dev-processor`;
const FILTER = "waf-log-pipeline-dev-processor";

/** Runs the command with the configuration `configInput(overrides)` and the estate's clients. */
async function run(argv: string[], estate: MockedEstate, overrides: Record<string, unknown> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const configPaths: (string | undefined)[] = [];
  const code = await main(
    argv,
    { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) },
    {
      loadConfig: (path) => {
        configPaths.push(path);
        return parseConfig(configInput(overrides), path ?? "waf-pipeline.config.json");
      },
      clients: estate.factory,
    },
  );
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n"), configPaths };
}

/** Environment dev (111122223333, us-east-1, aws-waf-logs-example): one regional and one CloudFront web ACL. */
function devEstate(subscribed: boolean): MockedEstate {
  const destination = logGroupDestination(ACCOUNT, "us-east-1", "aws-waf-logs-example");
  return new MockedEstate()
    .webAcls(ACCOUNT, "us-east-1", "REGIONAL", [{ name: "api", destination }])
    .webAcls(ACCOUNT, "us-east-1", "CLOUDFRONT", [{ name: "cdn", destination }])
    .logGroups(ACCOUNT, "us-east-1", [
      { name: "aws-waf-logs-example", filters: subscribed ? [[FILTER, FUNCTION]] : [] },
    ]);
}

describe("npm run audit", () => {
  it("exits 0 and prints the table when every web ACL of the environment is forwarded", async () => {
    const result = await run(["--env", "dev"], devEstate(true));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Coverage audit of environment dev: 2 web ACL destinations, 2 forwarded, 0 gaps, 0 unknown",
        "",
        "WEB ACL  SCOPE       REGION     ACCOUNT       LOGGING DESTINATION   FORWARDED  WHY NOT",
        "cdn      CLOUDFRONT  us-east-1  111122223333  aws-waf-logs-example  yes",
        "api      REGIONAL    us-east-1  111122223333  aws-waf-logs-example  yes",
      ].join("\n"),
    );
    expect(result.stderr).toBe("");
  });

  it("exits 1 and says so on stderr when a log group is not subscribed", async () => {
    const result = await run(["--env", "dev"], devEstate(false));

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "api      REGIONAL    us-east-1  111122223333  aws-waf-logs-example  NO         not-subscribed: the log group aws-waf-logs-example has no subscription filter; expected waf-log-pipeline-dev-processor → arn:aws:lambda:us-east-1:111122223333:function:waf-log-pipeline-dev-processor",
    );
    expect(result.stderr).toBe("audit: some web ACLs' logs are not forwarded (see the report)");
  });

  it("prints the report as JSON with --json", async () => {
    const result = await run(["--env", "dev", "--json"], devEstate(false));

    const json = JSON.parse(result.stdout);
    expect(result.code).toBe(1);
    expect(json.environment).toBe("dev");
    expect(json.summary).toEqual({ webAclDestinations: 2, forwarded: 0, gaps: 2, unknown: 0, errors: 0 });
    expect(json.rows.map((row: { reason: string }) => row.reason)).toEqual([
      "not-subscribed",
      "not-subscribed",
    ]);
  });

  it("reads the configuration file named by --config", async () => {
    const result = await run(["--env", "dev", "--config", "estate.json"], devEstate(true));

    expect(result.configPaths).toEqual(["estate.json"]);
  });

  it("exits 1 and names the failed call when AWS refuses it", async () => {
    const estate = devEstate(true);
    const { wafMock } = estate.place(ACCOUNT, "us-east-1");
    const { ListWebACLsCommand, WAFV2ServiceException } = await import("@aws-sdk/client-wafv2");
    wafMock.on(ListWebACLsCommand, { Scope: "CLOUDFRONT" }).rejects(
      new WAFV2ServiceException({
        name: "ExpiredTokenException",
        $fault: "client",
        $metadata: {},
        message: "The security token included in the request is expired",
      }),
    );

    const result = await run(["--env", "dev"], estate);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "  account 111122223333, us-east-1: wafv2:ListWebACLs Scope=CLOUDFRONT: ExpiredTokenException: The security token included in the request is expired",
    );
    expect(result.stderr).toBe("audit: 1 AWS call failed; the audit is incomplete (see the report)");
  });

  it.each([
    [[], "audit: --env <env> is required"],
    [["--env", "dev", "--bogus"], "audit: Unknown option '--bogus'"],
    [["--env", "dev", "extra"], "audit: Unexpected argument 'extra'"],
    [["--env", "dev", "--config", ""], "audit: --config needs a file name"],
  ])("exits 2 on the command line %j", async (argv, message) => {
    const result = await run(argv, new MockedEstate());

    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(
      new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
    expect(result.stderr).toContain(AUDIT_USAGE);
  });

  it("exits 2 and lists the known environments for an unknown one", async () => {
    const result = await run(["--env", "staging"], new MockedEstate());

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('audit: unknown environment "staging"; known environments: dev');
  });

  it("exits 2 on an invalid configuration file", async () => {
    const result = await run(["--env", "dev"], new MockedEstate(), { accountId: "1234" });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^audit: Invalid configuration in waf-pipeline.config.json \(1 problem\):\n {2}- environments\.dev\.accountId: /,
    );
  });

  it("prints the usage with --help and exits 0", async () => {
    const result = await run(["--help"], new MockedEstate());

    expect(result).toMatchObject({ code: 0, stdout: AUDIT_USAGE });
  });

  it("parses --env, --json and --config", () => {
    expect(parseAuditArgs(["--env", "prod", "--json", "--config", "x.json"])).toEqual({
      env: "prod",
      json: true,
      config: "x.json",
      help: false,
    });
  });

  it("is the npm script audit", async () => {
    const { readFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));

    expect(pkg.scripts.audit).toBe("tsx commands/audit.ts");
  });
});

describe("auditInputFromEnvironment", () => {
  it("makes one cloudwatch source of today's environment: its log groups by name, the processor's filter and function", () => {
    const config = parseConfig(
      configInput(
        {
          accountId: "444455556666",
          region: "eu-west-1",
          wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b"],
        },
        "prod",
      ),
      "test.json",
    );

    const input = auditInputFromEnvironment("prod", config.environments.prod!);

    expect(input).toEqual({
      environment: "prod",
      sources: [
        {
          type: "cloudwatch",
          accountId: "444455556666",
          region: "eu-west-1",
          logGroups: { names: ["aws-waf-logs-a", "aws-waf-logs-b"] },
          expectedFilterName: "waf-log-pipeline-prod-processor",
          expectedDestinationArn:
            "arn:aws:lambda:eu-west-1:444455556666:function:waf-log-pipeline-prod-processor",
        },
      ],
    });
    expect(parseAuditInput(input)).toEqual(input);
  });

  it("uses the region's partition in the function ARN", () => {
    const input = auditInputFromEnvironment("gov", {
      accountId: ACCOUNT,
      region: "us-gov-west-1",
      wafLogGroupNames: ["aws-waf-logs-a"],
    });

    expect(input.sources[0]).toMatchObject({
      expectedDestinationArn: `arn:aws-us-gov:lambda:us-gov-west-1:${ACCOUNT}:function:waf-log-pipeline-gov-processor`,
    });
  });
});

describe("parseAuditInput", () => {
  it("lists every problem with its path", () => {
    const bad = {
      environment: "prod",
      sources: [
        {
          type: "cloudwatch",
          accountId: "1234",
          region: "eu-west-1",
          roleArn: "arn:aws:iam::444455556666:user/alice",
          logGroups: { names: ["waf-logs-a"] },
          expectedFilterName: "a:b",
          expectedDestinationArn: FUNCTION,
        },
        { type: "s3", accountId: ACCOUNT, region: "eu-west-1", s3BucketArn: "arn:aws:s3:::my-logs" },
        { type: "firehose", accountId: ACCOUNT, region: "eu-west-1" },
      ],
    };

    let error: unknown;
    try {
      parseAuditInput(bad);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(AuditInputError);
    expect((error as AuditInputError).problems).toEqual([
      'sources[0].accountId: must be a 12-digit AWS account id, got "1234"',
      'sources[0].roleArn: must be an IAM role ARN like "arn:aws:iam::111122223333:role/waf-audit", got "arn:aws:iam::444455556666:user/alice"',
      'sources[0].logGroups.names[0]: must start with "aws-waf-logs-" (WAF logs only to such log groups), got "waf-logs-a"',
      'sources[0].expectedFilterName: must be 1–512 characters without ":" or "*", got "a:b"',
      'sources[1].s3BucketArn: must be the ARN of a bucket named aws-waf-logs-…, like "arn:aws:s3:::aws-waf-logs-example", got "arn:aws:s3:::my-logs"',
      'sources[2].type: must be "cloudwatch" or "s3", got "firehose"',
    ]);
  });

  it("refuses two cloudwatch sources in one account and region", () => {
    const source = {
      type: "cloudwatch" as const,
      accountId: ACCOUNT,
      region: "us-east-1",
      logGroups: { names: [] },
      expectedFilterName: FILTER,
      expectedDestinationArn: FUNCTION,
    };

    expect(() => parseAuditInput({ environment: "dev", sources: [source, source] })).toThrow(
      "sources[1]: must be the only cloudwatch source of account 111122223333 in us-east-1 (one forwarder per account and region), but sources[0] is one too",
    );
  });
});

describe("classifyWebAcl", () => {
  const webAcl = (
    logging: ObservedWebAcl["logging"],
    scope: "REGIONAL" | "CLOUDFRONT" = "REGIONAL",
  ): ObservedWebAcl => ({
    name: "api",
    arn: `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/webacl/api/0f2d6a8e-3c1b-4e7a-9d5f-2b8c4a6e1f30`,
    scope,
    accountId: ACCOUNT,
    region: "us-east-1",
    logging,
  });
  const group = logGroupDestination(ACCOUNT, "us-east-1", "aws-waf-logs-api");
  const view = (
    filters: [string, string][],
    logGroups: AuditLogGroups = { names: ["aws-waf-logs-api"] },
  ): EstateView => ({
    sources: [
      {
        type: "cloudwatch",
        accountId: ACCOUNT,
        region: "us-east-1",
        logGroups,
        expectedFilterName: FILTER,
        expectedDestinationArn: FUNCTION,
      },
    ],
    logGroups: new Map([
      [placeKey(ACCOUNT, "us-east-1"), { ok: true, names: new Set(["aws-waf-logs-api"]) }],
    ]),
    filters: new Map([
      [
        group,
        {
          ok: true,
          filters: filters.map(([filterName, destinationArn]) => ({ filterName, destinationArn })),
        },
      ],
    ]),
  });
  const on = (destination: string) =>
    webAcl({ state: "on", destinations: [destination], managedByFirewallManager: false });

  it("counts the processor's filter under another name as forwarded, and says which name was expected", () => {
    const row = classifyWebAcl(on(group), group, view([["manual", FUNCTION]]));

    expect(row).toMatchObject({
      status: "forwarded",
      reason: null,
      detail: `subscription filter manual (expected the name ${FILTER}) → ${FUNCTION}`,
    });
  });

  it("reports the pipeline's filter name pointing at another function as subscribed elsewhere", () => {
    const other = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:old-processor`;

    const row = classifyWebAcl(on(group), group, view([[FILTER, other]]));

    expect(row).toMatchObject({ status: "gap", reason: "subscribed-elsewhere" });
  });

  it("reads a log group ARN with the :* suffix as the log group", () => {
    const row = classifyWebAcl(on(`${group}:*`), `${group}:*`, view([[FILTER, FUNCTION]]));

    expect(row).toMatchObject({ status: "forwarded" });
  });

  it("reports a regional log group in a region without a cloudwatch source as not configured", () => {
    const elsewhere = logGroupDestination(ACCOUNT, "eu-west-1", "aws-waf-logs-api");

    const row = classifyWebAcl(on(elsewhere), elsewhere, view([]));

    expect(row).toMatchObject({
      status: "gap",
      reason: "log-group-not-configured",
      detail: `the log group aws-waf-logs-api is in account ${ACCOUNT}, eu-west-1, where the environment has no cloudwatch source`,
    });
  });

  it("reports a discovered log group that does not match the prefix", () => {
    const other = logGroupDestination(ACCOUNT, "us-east-1", "aws-waf-logs-other");
    const discovering = view([], { discovery: { prefix: "aws-waf-logs-api", exclude: [] } });

    const row = classifyWebAcl(on(other), other, discovering);

    expect(row).toMatchObject({
      reason: "log-group-not-configured",
      detail:
        'the log group aws-waf-logs-other does not match the source\'s discovery prefix "aws-waf-logs-api"',
    });
  });
});

describe("parseLogDestination", () => {
  it.each([
    [
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-waf-logs-a`,
      {
        kind: "logs",
        accountId: ACCOUNT,
        region: "us-east-1",
        logGroupName: "aws-waf-logs-a",
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-waf-logs-a`,
      },
    ],
    [
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-waf-logs-a:*`,
      {
        kind: "logs",
        accountId: ACCOUNT,
        region: "us-east-1",
        logGroupName: "aws-waf-logs-a",
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-waf-logs-a`,
      },
    ],
    [
      "arn:aws:s3:::aws-waf-logs-b/prefix",
      { kind: "s3", bucketArn: "arn:aws:s3:::aws-waf-logs-b", arn: "arn:aws:s3:::aws-waf-logs-b/prefix" },
    ],
    [
      `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/aws-waf-logs-c`,
      { kind: "firehose", arn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/aws-waf-logs-c` },
    ],
    ["not-an-arn", { kind: "other", arn: "not-an-arn" }],
  ])("%s", (arn, expected) => {
    expect(parseLogDestination(arn)).toEqual(expected);
  });
});

describe("awsAuditClients", () => {
  it("makes clients in the target's region", async () => {
    const clients = awsAuditClients({ accountId: ACCOUNT, region: "eu-west-1" });

    expect(await clients.wafv2.config.region()).toBe("eu-west-1");
    expect(await clients.logs.config.region()).toBe("eu-west-1");
  });

  it("assumes the target's role with STS AssumeRole in the target's region, signed with the default chain's credentials", async () => {
    const requests: { authorization: string; body: URLSearchParams }[] = [];
    const sts = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        requests.push({
          authorization: request.headers.authorization ?? "",
          body: new URLSearchParams(body),
        });
        response.writeHead(200, { "content-type": "text/xml" });
        response.end(ASSUME_ROLE_RESPONSE);
      });
    });
    await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
    try {
      vi.stubEnv("AWS_ENDPOINT_URL_STS", `http://127.0.0.1:${(sts.address() as AddressInfo).port}`);
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
      vi.stubEnv("AWS_SESSION_TOKEN", undefined);
      const role = `arn:aws:iam::${ACCOUNT}:role/waf-log-audit`;

      const clients = awsAuditClients({ accountId: ACCOUNT, region: "eu-west-1", roleArn: role });
      const credentials = await clients.wafv2.config.credentials();

      expect(credentials).toMatchObject({
        accessKeyId: "ASIAIOSFODNN7ASSUMED",
        sessionToken: "assumed-session-token",
      });
      expect(requests).toHaveLength(1);
      expect(Object.fromEntries(requests[0]!.body)).toEqual({
        Action: "AssumeRole",
        Version: "2011-06-15",
        RoleArn: role,
        RoleSessionName: AUDIT_ROLE_SESSION_NAME,
      });
      expect(requests[0]!.authorization).toMatch(
        /Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sts\/aws4_request/,
      );
    } finally {
      vi.unstubAllEnvs();
      await new Promise((resolve) => sts.close(resolve));
    }
  });
});

/** An STS AssumeRole response (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
const ASSUME_ROLE_RESPONSE = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7ASSUMED</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>assumed-session-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::111122223333:assumed-role/waf-log-audit/waf-log-pipeline-audit</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:waf-log-pipeline-audit</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;

describe("npm run audit on an estate", () => {
  const SOURCE_FUNCTION = (account: string, region: string) =>
    `arn:aws:lambda:${region}:${account}:function:waf-log-pipeline-estate-${region}-processor`;
  const SOURCE_FILTER = (region: string) => `waf-log-pipeline-estate-${region}-processor`;

  /** The helpers' estate: a CloudFront source in the archive account, a discovering second account. */
  function mockedEstate(): MockedEstate {
    const cdn = logGroupDestination(ARCHIVE_ACCOUNT, "us-east-1", "aws-waf-logs-cloudfront-shop");
    const api = logGroupDestination(SECOND_ACCOUNT, "eu-west-1", "aws-waf-logs-shop-api");
    const admin = logGroupDestination(SECOND_ACCOUNT, "eu-west-1", "aws-waf-logs-admin");
    return new MockedEstate()
      .webAcls(ARCHIVE_ACCOUNT, "us-east-1", "CLOUDFRONT", [{ name: "cdn", destination: cdn }])
      .webAcls(ARCHIVE_ACCOUNT, "us-east-1", "REGIONAL", [])
      .logGroups(ARCHIVE_ACCOUNT, "us-east-1", [
        {
          name: "aws-waf-logs-cloudfront-shop",
          filters: [[SOURCE_FILTER("us-east-1"), SOURCE_FUNCTION(ARCHIVE_ACCOUNT, "us-east-1")]],
        },
      ])
      .webAcls(SECOND_ACCOUNT, "us-east-1", "CLOUDFRONT", [])
      .webAcls(SECOND_ACCOUNT, "eu-west-1", "REGIONAL", [
        { name: "api", destination: api },
        { name: "admin", destination: admin },
      ])
      .logGroups(SECOND_ACCOUNT, "eu-west-1", [
        {
          name: "aws-waf-logs-shop-api",
          filters: [[SOURCE_FILTER("eu-west-1"), SOURCE_FUNCTION(SECOND_ACCOUNT, "eu-west-1")]],
        },
        { name: "aws-waf-logs-admin", filters: [] },
      ]);
  }

  it("audits every source of the estate with its own forwarder's filter and function, and exits 1 on a gap", async () => {
    const stdout: string[] = [];
    const code = await main(
      ["--env", "estate"],
      { stdout: (line) => stdout.push(line), stderr: () => {} },
      { loadConfig: () => estateConfig(), clients: mockedEstate().factory },
    );

    const lines = stdout.join("\n").split("\n");
    expect(code).toBe(1);
    expect(lines.find((line) => line.startsWith("cdn "))).toContain(ARCHIVE_ACCOUNT);
    expect(lines.find((line) => line.startsWith("cdn "))).toContain(" yes");
    expect(lines.find((line) => line.startsWith("api "))).toContain(" yes");
    expect(lines.find((line) => line.startsWith("admin "))).toContain("not-subscribed");
  });
});

describe("auditInputFromEstate", () => {
  it("makes one cloudwatch source per source of the estate, read through its audit role (not the deploy role), listed or discovered", () => {
    const input = auditInputFromEstate(
      "estate",
      parsedEstate({
        sources: [
          {
            accountId: SECOND_ACCOUNT,
            region: "eu-west-1",
            discovery: { exclude: ["aws-waf-logs-sandbox"] },
            assumeRoleArn: `arn:aws:iam::${SECOND_ACCOUNT}:role/deploy`,
            auditRoleArn: `arn:aws:iam::${SECOND_ACCOUNT}:role/audit`,
          },
        ],
      }),
    );

    expect(input).toEqual({
      environment: "estate",
      sources: [
        {
          type: "cloudwatch",
          accountId: SECOND_ACCOUNT,
          region: "eu-west-1",
          roleArn: `arn:aws:iam::${SECOND_ACCOUNT}:role/audit`,
          logGroups: { discovery: { prefix: "aws-waf-logs-", exclude: ["aws-waf-logs-sandbox"] } },
          expectedFilterName: "waf-log-pipeline-estate-eu-west-1-processor",
          expectedDestinationArn: `arn:aws:lambda:eu-west-1:${SECOND_ACCOUNT}:function:waf-log-pipeline-estate-eu-west-1-processor`,
        },
      ],
    });
    expect(parseAuditInput(input)).toEqual(input);
  });
});
