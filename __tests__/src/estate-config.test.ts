import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config";
import { configIssues, minimalEnvironmentInput } from "../helpers/config";
import { ARCHIVE_ACCOUNT, SECOND_ACCOUNT, estateConfig, estateInput, parsedEstate } from "../helpers/estate";

describe("estate configuration", () => {
  it("keeps the one-account environments of a file apart from its estates", () => {
    const config = parseConfig(
      { environments: { dev: minimalEnvironmentInput(), estate: estateInput() } },
      "test.json",
    );

    expect(Object.keys(config.environments)).toEqual(["dev"]);
    expect(Object.keys(config.estates)).toEqual(["estate"]);
    expect(config.environments.dev!.bucketName).toBe("waf-log-pipeline-dev-111122223333-us-east-1");
  });

  it("derives one stack name per archive and per source", () => {
    const estate = parsedEstate();

    expect([estate.archive.stackName, ...estate.sources.map((source) => source.stackName)]).toEqual([
      "waf-log-pipeline-estate-archive",
      `waf-log-pipeline-estate-${ARCHIVE_ACCOUNT}-us-east-1`,
      `waf-log-pipeline-estate-${SECOND_ACCOUNT}-eu-west-1`,
    ]);
  });

  it("names the archive's resources as a one-account environment's and each source's after its region", () => {
    const estate = parsedEstate();

    expect(estate.archive.name).toBe("waf-log-pipeline-estate");
    expect(estate.archive.bucketName).toBe(`waf-log-pipeline-estate-${ARCHIVE_ACCOUNT}-eu-west-1`);
    expect(estate.sources.map((source) => source.name)).toEqual([
      "waf-log-pipeline-estate-us-east-1",
      "waf-log-pipeline-estate-eu-west-1",
    ]);
  });

  it("derives the processor role of every source, which the archive admits", () => {
    const estate = parsedEstate();

    expect(estate.archive.writerRoleArns).toEqual([
      `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/waf-log-pipeline-estate-us-east-1-processor`,
      `arn:aws:iam::${SECOND_ACCOUNT}:role/waf-log-pipeline-estate-eu-west-1-processor`,
    ]);
  });

  it("makes a source without a type a cloudwatch source", () => {
    expect(parsedEstate().sources.map((source) => source.type)).toEqual(["cloudwatch", "cloudwatch"]);
  });

  it("keeps listed log groups and discovery apart", () => {
    expect(
      parsedEstate().sources.map((source) => (source.type === "cloudwatch" ? source.logGroups : undefined)),
    ).toEqual([
      { names: ["aws-waf-logs-cloudfront-shop"] },
      { discovery: { prefix: "aws-waf-logs-", exclude: ["aws-waf-logs-sandbox"] } },
    ]);
  });

  it("gives sources the key pattern of the archive's account and region when the archive stack creates the key", () => {
    const estate = parsedEstate({
      archive: { accountId: ARCHIVE_ACCOUNT, region: "eu-west-1", encryption: { type: "kms" } },
    });

    expect(estate.archive.sourceKmsKeyArn).toBe(`arn:aws:kms:eu-west-1:${ARCHIVE_ACCOUNT}:key/*`);
  });

  it("names every stack's Terraform Cloud workspace after the stack, unless the configuration names it", () => {
    const estate = parsedEstate({
      terraformCloud: { organization: "example-org" },
      archive: {
        accountId: ARCHIVE_ACCOUNT,
        region: "eu-west-1",
        terraformCloud: { workspace: "log-archive" },
      },
    });

    expect(estate.archive.terraformCloud).toEqual({ organization: "example-org", workspace: "log-archive" });
    expect(estate.sources.map((source) => source.terraformCloud)).toEqual([
      { organization: "example-org", workspace: `waf-log-pipeline-estate-${ARCHIVE_ACCOUNT}-us-east-1` },
      { organization: "example-org", workspace: `waf-log-pipeline-estate-${SECOND_ACCOUNT}-eu-west-1` },
    ]);
  });

  it("keeps every stack's state in a local file without Terraform Cloud", () => {
    const estate = parsedEstate();

    expect([estate.archive, ...estate.sources].map((stack) => stack.terraformCloud)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("has in the committed example an archive in eu-west-1, a us-east-1 source and a second account that discovers", () => {
    const estate = loadConfig("waf-pipeline.config.json").estates.estate!;

    expect(estate.archive.region).toBe("eu-west-1");
    expect(estate.sources.some((source) => source.region === "us-east-1")).toBe(true);
    const others = estate.sources.filter((source) => source.accountId !== estate.archive.accountId);
    expect(others.length).toBeGreaterThan(0);
    expect(others.some((source) => source.type === "cloudwatch" && "discovery" in source.logGroups)).toBe(
      true,
    );
  });
});

describe("estate configuration rejections", () => {
  const issues = (overrides: Record<string, unknown>) =>
    configIssues({ environments: { estate: estateInput(overrides) } });

  it("rejects two sources of the same account and region (one forwarder covers them)", () => {
    const source = { accountId: SECOND_ACCOUNT, region: "eu-west-1", wafLogGroupNames: ["aws-waf-logs-a"] };

    expect(issues({ sources: [source, { ...source, wafLogGroupNames: ["aws-waf-logs-b"] }] })).toEqual([
      {
        path: "environments.estate.sources[1]",
        message: expect.stringMatching(
          /^must not repeat account 777766665555 and region eu-west-1 of sources\[0\]: a subscription filter can invoke only a function of its log group's account and region/,
        ),
      },
    ]);
  });

  it("requires log group names or discovery of a source", () => {
    expect(issues({ sources: [{ accountId: SECOND_ACCOUNT, region: "eu-west-1" }] })).toEqual([
      {
        path: "environments.estate.sources[0].wafLogGroupNames",
        message:
          'is required: list the log groups to forward, or give "discovery": {"prefix": "aws-waf-logs-", "exclude": []}',
      },
    ]);
  });

  it("rejects a source with both log group names and discovery", () => {
    const source = {
      accountId: SECOND_ACCOUNT,
      region: "eu-west-1",
      wafLogGroupNames: ["aws-waf-logs-a"],
      discovery: {},
    };

    expect(issues({ sources: [source] })).toEqual([
      {
        path: "environments.estate.sources[0].wafLogGroupNames",
        message: "must not be given together with discovery: list the log groups, or discover them, not both",
      },
    ]);
  });

  it("rejects a source type it does not know", () => {
    const source = { type: "kinesis", accountId: SECOND_ACCOUNT, region: "eu-west-1" };

    expect(issues({ sources: [source] })).toEqual([
      { path: "environments.estate.sources[0].type", message: expect.stringContaining('"cloudwatch"') },
    ]);
  });

  it("rejects a discovery prefix outside aws-waf-logs-", () => {
    const source = { accountId: SECOND_ACCOUNT, region: "eu-west-1", discovery: { prefix: "/aws/waf" } };

    expect(issues({ sources: [source] })).toEqual([
      {
        path: "environments.estate.sources[0].discovery.prefix",
        message: expect.stringContaining('must be a log group name prefix that starts with "aws-waf-logs-"'),
      },
    ]);
  });

  it("asks for a source name when the derived one is longer than the constructs allow", () => {
    const config = { environments: { "estate-long-name": estateInput() } };

    expect(configIssues(config)).toContainEqual({
      path: "environments.estate-long-name.sources[0].name",
      message:
        'is required because the default "waf-log-pipeline-estate-long-name-us-east-1" is longer than 40 characters; give a shorter prefix of the source\'s resource names',
    });
  });

  it("rejects an archive key in another region than the archive", () => {
    const keyArn = `arn:aws:kms:us-east-1:${ARCHIVE_ACCOUNT}:key/0f2d6a8e-3c1b-4e7a-9d5f-2b8c4a6e1f30`;

    expect(
      issues({
        archive: { accountId: ARCHIVE_ACCOUNT, region: "eu-west-1", encryption: { type: "kms", keyArn } },
      }),
    ).toContainEqual({
      path: "environments.estate.archive.encryption.keyArn",
      message: expect.stringContaining("must be a key in eu-west-1"),
    });
  });

  it("rejects a role to assume that is not a role ARN", () => {
    expect(
      issues({ archive: { accountId: ARCHIVE_ACCOUNT, region: "eu-west-1", assumeRoleArn: "deploy" } }),
    ).toEqual([
      {
        path: "environments.estate.archive.assumeRoleArn",
        message: 'must be an IAM role ARN like "arn:aws:iam::111122223333:role/name", got "deploy"',
      },
    ]);
  });

  it("names a one-account field in an estate as unknown", () => {
    expect(issues({ accountId: ARCHIVE_ACCOUNT })).toEqual([
      { path: "environments.estate.accountId", message: expect.stringContaining("is not a known field") },
    ]);
  });

  it("keeps the estate configuration of a valid file free of errors", () => {
    expect(() => estateConfig()).not.toThrow();
  });
});
