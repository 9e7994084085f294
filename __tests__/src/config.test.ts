import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { configError, loadConfig, parseConfig } from "../../src/config";
import { ValidationError } from "../../src/constructs/validation";
import { KEY_PREFIX_RULES } from "../../functions/waf-log-processor/environment";
import { readConfig as readProcessorConfig } from "../../functions/waf-log-processor/config";
import {
  configInput,
  configIssues,
  environmentIssues,
  minimalEnvironmentInput,
  parsedEnvironment,
} from "../helpers/config";

describe("loadConfig", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "waf-config-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());

  it("reads waf-pipeline.config.json in the working directory by default", () => {
    vi.stubEnv("WAF_PIPELINE_CONFIG", "");
    const config = loadConfig();
    expect(Object.keys(config.environments)).toEqual(["dev", "prod"]);
  });

  it("reads the file named by WAF_PIPELINE_CONFIG", () => {
    const file = join(dir, "other.json");
    writeFileSync(file, JSON.stringify(configInput({}, "staging")));
    vi.stubEnv("WAF_PIPELINE_CONFIG", file);
    expect(Object.keys(loadConfig().environments)).toEqual(["staging"]);
  });

  it("names the file when it does not exist", () => {
    const file = join(dir, "missing.json");
    expect(() => loadConfig(file)).toThrow(
      `Invalid configuration in ${file} (1 problem):\n  - (root): cannot read the configuration file: file not found`,
    );
  });

  it("names the file and the syntax error when it is not JSON", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '{"environments": ');
    expect(() => loadConfig(file)).toThrow(
      new RegExp(`^Invalid configuration in ${file} \\(1 problem\\):\\n  - \\(root\\): is not valid JSON: `),
    );
  });

  it("reads a file that starts with a UTF-8 byte order mark", () => {
    const file = join(dir, "bom.json");
    writeFileSync(file, `\uFEFF${JSON.stringify(configInput())}`);
    expect(loadConfig(file).environments.dev?.accountId).toBe("111122223333");
  });

  it("lists every problem of the file in one ValidationError", () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(configInput({ accountId: "12", lifecycle: { glacierDays: 10 } })));
    let error: unknown;
    try {
      loadConfig(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      [
        `Invalid configuration in ${file} (2 problems):`,
        '  - environments.dev.accountId: must be a 12-digit AWS account id in quotes, e.g. "111122223333", got "12"',
        "  - environments.dev.lifecycle.glacierDays: must be greater than lifecycle.infrequentAccessDays (30): transitions happen on strictly increasing days, got 10",
      ].join("\n"),
    );
  });
});

describe("the committed configuration", () => {
  const config = loadConfig("waf-pipeline.config.json");

  it("has a dev environment with the placeholder account, us-east-1 and the example log group", () => {
    expect(config.environments.dev).toMatchObject({
      accountId: "111122223333",
      region: "us-east-1",
      wafLogGroupNames: ["aws-waf-logs-example"],
    });
  });

  it("keeps dev on local state", () => {
    expect(config.environments.dev?.terraformCloud).toBeUndefined();
  });

  it("has a prod example on Terraform Cloud with the organization set", () => {
    expect(config.environments.prod?.terraformCloud).toEqual({
      organization: "example-org",
      workspace: "waf-log-pipeline-prod",
    });
  });
});

describe("parseConfig defaults", () => {
  it("applies every default to a minimal environment", () => {
    expect(parsedEnvironment()).toEqual({
      accountId: "111122223333",
      region: "us-east-1",
      wafLogGroupNames: ["aws-waf-logs-example"],
      bucketName: "waf-log-pipeline-dev-111122223333-us-east-1",
      s3Prefix: "raw/",
      lifecycle: { infrequentAccessDays: 30, glacierDays: 90, deepArchiveDays: 365, expirationDays: 2555 },
      queue: { visibilityTimeoutSeconds: 900, maxReceiveCount: 3, deadLetterRetentionDays: 14 },
      processor: {
        memoryMb: 256,
        timeoutSeconds: 300,
        architecture: "arm64",
        runtime: "nodejs22.x",
        gzipLevel: 6,
        logRetentionDays: 30,
      },
      cortex: { accountId: "006742885340", fedramp: false, customAccount: false },
      tags: {},
      terraformCloud: undefined,
      alarms: {
        enabled: true,
        email: [],
        failureRecords: { enabled: true, threshold: 0 },
        failureQueueMessages: { enabled: true, threshold: 0 },
        deadLetterQueueMessages: { enabled: true, threshold: 0 },
        processorErrors: { enabled: true, threshold: 0 },
        processorThrottles: { enabled: true, threshold: 0 },
        notificationQueueAge: { enabled: true, thresholdSeconds: 1800 },
        noInvocations: { enabled: true, windowMinutes: 60 },
        destinationDeliveryFailures: { enabled: true, threshold: 0 },
        deliveryErrors: { enabled: true, threshold: 0 },
        deliveryThrottling: { enabled: true, threshold: 0 },
        skippedLogEvents: { enabled: true, thresholdPercent: 10 },
        metricsInsightsAlarmQuota: 200,
      },
      encryption: { type: "sse" },
      versioning: { enabled: true, noncurrentVersionExpirationDays: 30 },
      failureStore: { retentionDays: 30, noncurrentVersionExpirationDays: 7 },
      keepFailureQueue: true,
      waf: undefined,
    });
  });

  it("keeps a bucket name that is given", () => {
    expect(parsedEnvironment({ bucketName: "my.waf-logs" }).bucketName).toBe("my.waf-logs");
  });

  it("uses the FedRAMP Cortex account when fedramp is true", () => {
    expect(parsedEnvironment({ cortex: { fedramp: true } }).cortex).toEqual({
      accountId: "685269782068",
      fedramp: true,
      customAccount: false,
    });
  });

  it("refuses a Cortex account that is not one of Cortex's, unless a custom account is meant", () => {
    expect(environmentIssues({ cortex: { accountId: "111122223333" } })).toEqual([
      {
        path: "environments.dev.cortex.accountId",
        message:
          'must be the account Cortex assumes roles from, 006742885340 (commercial) or 685269782068 (FedRAMP); set cortex.customAccount: true if another account is really meant, got "111122223333"',
      },
    ]);
    expect(parsedEnvironment({ cortex: { accountId: "111122223333", customAccount: true } }).cortex).toEqual({
      accountId: "111122223333",
      fedramp: false,
      customAccount: true,
    });
  });

  it("takes the failure store, versioning and Object Lock settings", () => {
    const env = parsedEnvironment({
      failureStore: { retentionDays: 60, bucketName: "dev-waf-failures" },
      keepFailureQueue: false,
      versioning: { noncurrentVersionExpirationDays: 90 },
      objectLock: { mode: "GOVERNANCE", retentionDays: 400 },
    });
    expect([env.failureStore, env.keepFailureQueue, env.versioning, env.objectLock]).toEqual([
      { bucketName: "dev-waf-failures", retentionDays: 60, noncurrentVersionExpirationDays: 7 },
      false,
      { enabled: true, noncurrentVersionExpirationDays: 90 },
      { mode: "GOVERNANCE", retentionDays: 400 },
    ]);
  });

  it("names the Terraform Cloud workspace after the stack by default", () => {
    expect(parsedEnvironment({ terraformCloud: {} }).terraformCloud).toEqual({
      workspace: "waf-log-pipeline-dev",
    });
  });

  it("turns a lifecycle tier off with null", () => {
    const lifecycle = { glacierDays: null, deepArchiveDays: 120, expirationDays: null };
    expect(parsedEnvironment({ lifecycle }).lifecycle).toEqual({
      infrequentAccessDays: 30,
      glacierDays: null,
      deepArchiveDays: 120,
      expirationDays: null,
    });
  });

  it("accepts DEEP_ARCHIVE exactly 90 days after GLACIER", () => {
    expect(
      parsedEnvironment({ lifecycle: { glacierDays: 90, deepArchiveDays: 180 } }).lifecycle.deepArchiveDays,
    ).toBe(180);
  });
});

describe("parseConfig rejections", () => {
  it("rejects a file that is not an object", () => {
    expect(configIssues([])).toEqual([
      { path: "", message: 'must be an object like {"environments": {"dev": {…}}}, got []' },
    ]);
  });

  it("rejects a file without environments", () => {
    expect(configIssues({ environments: {} })).toEqual([
      { path: "environments", message: "must define at least one environment" },
    ]);
  });

  it("rejects an environment name that cannot be part of resource names", () => {
    expect(configIssues({ environments: { Prod_1: {} } })).toEqual([
      {
        path: "environments.Prod_1",
        message:
          "environment names must match ^[a-z][a-z0-9-]{0,15}$ (lowercase letter first, at most 16 characters)",
      },
    ]);
  });

  it("rejects an unknown field", () => {
    expect(environmentIssues({ lifecycle: { glacierDay: 90 } })).toEqual([
      {
        path: "environments.dev.lifecycle.glacierDay",
        message: "is not a known field (check the spelling against the configuration reference in README.md)",
      },
    ]);
  });

  it("requires accountId", () => {
    expect(
      configIssues({ environments: { dev: { region: "us-east-1", wafLogGroupNames: ["aws-waf-logs-a"] } } }),
    ).toEqual([
      {
        path: "environments.dev.accountId",
        message: 'is required: must be a 12-digit AWS account id in quotes, e.g. "111122223333"',
      },
    ]);
  });

  it("rejects an account id given as a number", () => {
    expect(environmentIssues({ accountId: 111122223333 })).toEqual([
      {
        path: "environments.dev.accountId",
        message: 'must be a 12-digit AWS account id in quotes, e.g. "111122223333", got 111122223333',
      },
    ]);
  });

  it("rejects a region that is not a region name", () => {
    expect(environmentIssues({ region: "US East" })).toEqual([
      {
        path: "environments.dev.region",
        message: 'must be an AWS region name like "us-east-1", got "US East"',
      },
    ]);
  });

  it("rejects an empty list of log groups", () => {
    expect(environmentIssues({ wafLogGroupNames: [] })).toEqual([
      { path: "environments.dev.wafLogGroupNames", message: "must list at least one log group" },
    ]);
  });

  it("rejects a log group whose name does not start with aws-waf-logs-", () => {
    expect(environmentIssues({ wafLogGroupNames: ["/aws/waf/example"] })).toEqual([
      {
        path: "environments.dev.wafLogGroupNames[0]",
        message:
          'must be a log group name that starts with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #, got "/aws/waf/example"',
      },
    ]);
  });

  it("rejects a log group listed twice", () => {
    expect(
      environmentIssues({ wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b", "aws-waf-logs-a"] }),
    ).toEqual([
      {
        path: "environments.dev.wafLogGroupNames[2]",
        message: 'must be distinct: "aws-waf-logs-a" is already listed at index 0',
      },
    ]);
  });

  it("names both log groups whose names differ only in / versus -- (they would share a Terraform address)", () => {
    expect(environmentIssues({ wafLogGroupNames: ["aws-waf-logs-a/b", "aws-waf-logs-a--b"] })).toEqual([
      {
        path: "environments.dev.wafLogGroupNames[1]",
        message:
          'must not differ from "aws-waf-logs-a/b" only in "/" versus "--": Terraform addresses write "/" as "--", so both log groups would get the same address; rename one of them, got "aws-waf-logs-a--b"',
      },
    ]);
  });

  it("rejects an invalid bucket name", () => {
    expect(environmentIssues({ bucketName: "WAF_Logs" })).toEqual([
      {
        path: "environments.dev.bucketName",
        message:
          'must be a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens; see the S3 bucket naming rules): must use only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit, got "WAF_Logs"',
      },
    ]);
  });

  it("rejects a bucket name with a reserved suffix", () => {
    expect(environmentIssues({ bucketName: "waf-logs-s3alias" })[0]?.message).toContain(
      'must not end with the reserved suffix "-s3alias"',
    );
  });

  it("requires a bucket name when the derived one would be too long", () => {
    const issues = configIssues({
      environments: { "a-long-env-name1": { ...minimalEnvironmentInput(), region: "ap-southeastern-1" } },
    });
    expect(issues).toEqual([
      {
        path: "environments.a-long-env-name1.bucketName",
        message:
          'is required because the default name "waf-log-pipeline-a-long-env-name1-111122223333-ap-southeastern-1" must be 3–63 characters long; set a valid S3 bucket name',
      },
    ]);
  });

  it("rejects an S3 prefix that does not end with a slash", () => {
    expect(environmentIssues({ s3Prefix: "raw" })).toEqual([
      {
        path: "environments.dev.s3Prefix",
        message: `${KEY_PREFIX_RULES}, got "raw"`,
      },
    ]);
  });

  it.each([
    ["/raw/", 'must not start with "/"'],
    ["raw//", 'must not contain "//"'],
    ["raw/../", 'must not contain ".."'],
  ])("rejects the S3 prefix %j, which the processor rejects at cold start: it %s", (s3Prefix, reason) => {
    expect(environmentIssues({ s3Prefix })).toEqual([
      {
        path: "environments.dev.s3Prefix",
        message: `${reason} (${KEY_PREFIX_RULES}), got ${JSON.stringify(s3Prefix)}`,
      },
    ]);
    expect(() =>
      readProcessorConfig({ S3_BUCKET: "b", AWS_REGION: "us-east-1", S3_PREFIX: s3Prefix }),
    ).toThrow(reason);
  });

  it("rejects an S3 prefix with a wildcard", () => {
    expect(environmentIssues({ s3Prefix: "raw*/" })[0]?.path).toBe("environments.dev.s3Prefix");
  });

  it.each(["raw!/", "it's/", "waf(1)/"])(
    "rejects the S3 prefix %j, which the processor would refuse at every invocation",
    (s3Prefix) => {
      expect(environmentIssues({ s3Prefix })[0]?.path).toBe("environments.dev.s3Prefix");
      expect(() =>
        readProcessorConfig({ S3_BUCKET: "b", AWS_REGION: "us-east-1", S3_PREFIX: s3Prefix }),
      ).toThrow(/S3_PREFIX/);
    },
  );

  it.each(["raw/", "waf/raw/", "source=waf/a_b.c-d/"])(
    "passes the S3 prefix %j on to a processor that accepts it",
    (s3Prefix) => {
      const env = parseConfig(configInput({ s3Prefix }), "test.json").environments.dev!;
      expect(
        readProcessorConfig({ S3_BUCKET: "b", AWS_REGION: "us-east-1", S3_PREFIX: env.s3Prefix }).prefix,
      ).toBe(s3Prefix);
    },
  );

  it("rejects STANDARD_IA before 30 days", () => {
    expect(environmentIssues({ lifecycle: { infrequentAccessDays: 29 } })).toEqual([
      {
        path: "environments.dev.lifecycle.infrequentAccessDays",
        message:
          "must be a whole number of days ≥ 30 (S3 moves objects to STANDARD_IA only after 30 days), or null to skip this tier, got 29",
      },
    ]);
  });

  it("rejects transition days that are not strictly increasing", () => {
    expect(environmentIssues({ lifecycle: { glacierDays: 400, deepArchiveDays: 400 } })).toEqual([
      {
        path: "environments.dev.lifecycle.deepArchiveDays",
        message:
          "must be greater than lifecycle.glacierDays (400): transitions happen on strictly increasing days, got 400",
      },
    ]);
  });

  it("rejects GLACIER less than 30 days after STANDARD_IA", () => {
    expect(environmentIssues({ lifecycle: { infrequentAccessDays: 60, glacierDays: 80 } })).toEqual([
      {
        path: "environments.dev.lifecycle.glacierDays",
        message:
          "must be at least 30 days after lifecycle.infrequentAccessDays (60), i.e. ≥ 90: S3 keeps objects 30 days in STANDARD_IA before moving them to GLACIER, got 80",
      },
    ]);
  });

  it("rejects DEEP_ARCHIVE less than 90 days after GLACIER", () => {
    expect(environmentIssues({ lifecycle: { glacierDays: 90, deepArchiveDays: 179 } })).toEqual([
      {
        path: "environments.dev.lifecycle.deepArchiveDays",
        message:
          "must be at least 90 days after lifecycle.glacierDays (90), i.e. ≥ 180: S3 keeps objects 90 days in GLACIER before moving them to DEEP_ARCHIVE, got 179",
      },
    ]);
  });

  it("rejects expiration that is not after the last transition", () => {
    expect(environmentIssues({ lifecycle: { expirationDays: 365 } })).toEqual([
      {
        path: "environments.dev.lifecycle.expirationDays",
        message: "must be greater than the last transition, lifecycle.deepArchiveDays (365), got 365",
      },
    ]);
  });

  it("rejects expiration under 7 days", () => {
    const lifecycle = {
      infrequentAccessDays: null,
      glacierDays: null,
      deepArchiveDays: null,
      expirationDays: 6,
    };
    expect(environmentIssues({ lifecycle })).toEqual([
      {
        path: "environments.dev.lifecycle.expirationDays",
        message:
          "must be a whole number of days ≥ 7 (Cortex may need a week to catch up), or null to keep objects forever, got 6",
      },
    ]);
  });

  it("rejects a fractional number of days", () => {
    expect(environmentIssues({ lifecycle: { glacierDays: 90.5 } })[0]).toEqual({
      path: "environments.dev.lifecycle.glacierDays",
      message: "must be a whole number of days ≥ 1, or null to skip this tier, got 90.5",
    });
  });

  it("rejects a visibility timeout over 12 hours", () => {
    expect(environmentIssues({ queue: { visibilityTimeoutSeconds: 43_201 } })).toEqual([
      {
        path: "environments.dev.queue.visibilityTimeoutSeconds",
        message: "must be a whole number of seconds from 0 to 43200, got 43201",
      },
    ]);
  });

  it("rejects a maxReceiveCount of 0", () => {
    expect(environmentIssues({ queue: { maxReceiveCount: 0 } })).toEqual([
      {
        path: "environments.dev.queue.maxReceiveCount",
        message: "must be a whole number from 1 to 1000, got 0",
      },
    ]);
  });

  it("rejects a dead-letter retention not longer than the queue's 7 days", () => {
    expect(environmentIssues({ queue: { deadLetterRetentionDays: 7 } })).toEqual([
      {
        path: "environments.dev.queue.deadLetterRetentionDays",
        message:
          "must be a whole number of days from 8 to 14 (longer than the notification queue's 7 days: a message keeps its original enqueue time in the dead-letter queue), got 7",
      },
    ]);
  });

  it("rejects memory under 128 MB", () => {
    expect(environmentIssues({ processor: { memoryMb: 64 } })).toEqual([
      {
        path: "environments.dev.processor.memoryMb",
        message: "must be a whole number of MB from 128 to 10240, got 64",
      },
    ]);
  });

  it("rejects a timeout over 900 seconds", () => {
    expect(environmentIssues({ processor: { timeoutSeconds: 901 } })).toEqual([
      {
        path: "environments.dev.processor.timeoutSeconds",
        message: "must be a whole number of seconds from 1 to 900, got 901",
      },
    ]);
  });

  it("rejects an unknown architecture", () => {
    expect(environmentIssues({ processor: { architecture: "arm" } })).toEqual([
      { path: "environments.dev.processor.architecture", message: 'must be "arm64" or "x86_64", got "arm"' },
    ]);
  });

  it("rejects a runtime the AWS provider does not accept", () => {
    expect(environmentIssues({ processor: { runtime: "nodejs24.x" } })).toEqual([
      {
        path: "environments.dev.processor.runtime",
        message:
          'must be "nodejs22.x" (the newest Node.js runtime AWS provider 5.100.0 accepts), got "nodejs24.x"',
      },
    ]);
  });

  it("rejects a gzip level of 0", () => {
    expect(environmentIssues({ processor: { gzipLevel: 0 } })).toEqual([
      {
        path: "environments.dev.processor.gzipLevel",
        message: "must be a whole number from 1 (fastest) to 9 (smallest), got 0",
      },
    ]);
  });

  it("rejects a log retention CloudWatch Logs does not offer", () => {
    expect(environmentIssues({ processor: { logRetentionDays: 31 } })[0]).toEqual({
      path: "environments.dev.processor.logRetentionDays",
      message:
        "must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, got 31",
    });
  });

  it("rejects a Cortex account id that is not 12 digits", () => {
    expect(environmentIssues({ cortex: { accountId: "6742885340" } })).toEqual([
      {
        path: "environments.dev.cortex.accountId",
        message: 'must be a 12-digit AWS account id in quotes, got "6742885340"',
      },
    ]);
  });

  it("rejects a commercial Cortex account with fedramp true", () => {
    expect(environmentIssues({ cortex: { accountId: "006742885340", fedramp: true } })).toEqual([
      {
        path: "environments.dev.cortex.accountId",
        message: 'must be "685269782068" or absent when cortex.fedramp is true, got "006742885340"',
      },
    ]);
  });

  it("rejects a tag key in the aws: namespace", () => {
    expect(environmentIssues({ tags: { "aws:owner": "me" } })).toEqual([
      { path: 'environments.dev.tags["aws:owner"]', message: 'tag keys must not start with "aws:"' },
    ]);
  });

  it("rejects a tag value that is not a string", () => {
    expect(environmentIssues({ tags: { Owner: 7 } })).toEqual([
      {
        path: "environments.dev.tags.Owner",
        message: "must be a string of up to 256 letters, digits, spaces and _ . : / = + - @, got 7",
      },
    ]);
  });

  it("rejects more than 48 tags", () => {
    const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`Tag${i}`, "x"]));
    expect(environmentIssues({ tags })).toEqual([
      {
        path: "environments.dev.tags",
        message: "must have at most 48 tags (AWS allows 50 per resource; Project and Environment are added)",
      },
    ]);
  });

  it("rejects a Terraform Cloud workspace name with spaces", () => {
    expect(environmentIssues({ terraformCloud: { workspace: "waf logs" } })).toEqual([
      {
        path: "environments.dev.terraformCloud.workspace",
        message: 'must be a Terraform Cloud workspace name (1–90 letters, digits, - and _), got "waf logs"',
      },
    ]);
  });

  it("reports problems of several environments at once, in file order", () => {
    const input = {
      environments: {
        dev: { ...minimalEnvironmentInput(), accountId: "1", region: "Europe", wafLogGroupNames: "x" },
        prod: { accountId: "111122223333", region: "us-east-1", wafLogGroupNames: [] },
      },
    };
    expect(configIssues(input).map((issue) => issue.path)).toEqual([
      "environments.dev.accountId",
      "environments.dev.region",
      "environments.dev.wafLogGroupNames",
      "environments.prod.wafLogGroupNames",
    ]);
  });
});

describe("configError", () => {
  it("puts the source and every issue in its message", () => {
    const error = configError("x.json", [
      { path: "environments.dev.region", message: "bad" },
      { path: "", message: "worse" },
    ]);
    expect(error.message).toBe(
      "Invalid configuration in x.json (2 problems):\n  - environments.dev.region: bad\n  - (root): worse",
    );
  });

  it("is what parseConfig throws", () => {
    expect(() => parseConfig({}, "x.json")).toThrow(ValidationError);
  });
});
