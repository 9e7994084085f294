import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COST_USAGE, main, parseCostArgs } from "../../commands/cost";
import { alarmCounts, defaultEnvironment } from "../../commands/lib/cost-inputs";
import { formatUsd } from "../../commands/lib/cost-report";
import { configError, parseConfig, type PipelineConfig } from "../../src/config";
import { configInput, parsedEnvironment } from "../helpers/config";
import { webAclArn } from "../helpers/waf";

/** Runs the command with `argv` against `config`; returns the exit code and the lines written. */
async function run(argv: string[], config?: PipelineConfig | (() => PipelineConfig)) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    argv,
    { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) },
    {
      loadConfig: () => {
        if (config === undefined) throw new Error("the test gave no configuration");
        return typeof config === "function" ? config() : config;
      },
    },
  );
  return { code, stdout, stderr };
}

/** A configuration with environment `dev` = the minimal environment plus `overrides`. */
const configWith = (overrides: Record<string, unknown>) => parseConfig(configInput(overrides), "test.json");

describe("parseCostArgs", () => {
  it("reads every flag", () => {
    expect(
      parseCostArgs([
        "--env",
        "prod",
        "--gb-per-day",
        "2.5",
        "--web-acls",
        "3",
        "--events-per-batch",
        "100",
        "--record-bytes",
        "4600",
        "--log-retention-days",
        "30",
        "--retention-days",
        "400",
        "--encryption",
        "kms",
        "--transition-small-objects",
        "--no-waf-credit",
        "--json",
      ]),
    ).toEqual({
      env: "prod",
      overrides: {
        gbPerDay: 2.5,
        webAcls: 3,
        eventsPerBatch: 100,
        recordBytes: 4600,
        logRetentionDays: 30,
        retentionDays: 400,
        encryption: "kms",
        transitionSmallObjects: true,
        wafLogCredit: false,
      },
      json: true,
      help: false,
    });
  });

  it.each([
    [["--gb-per-day", "0"], '--gb-per-day must be a number > 0, like 10 or 0.5, got "0"'],
    [["--gb-per-day", "ten"], '--gb-per-day must be a number > 0, like 10 or 0.5, got "ten"'],
    [["--web-acls", "1.5"], '--web-acls must be a whole number ≥ 1, got "1.5"'],
    [["--events-per-batch", "0"], '--events-per-batch must be a whole number ≥ 1, got "0"'],
    [["--record-bytes", "99"], '--record-bytes must be a whole number ≥ 100, got "99"'],
    [["--retention-days=-5"], '--retention-days must be a whole number ≥ 1, got "-5"'],
    [["--encryption", "aes"], '--encryption must be "sse" or "kms", got "aes"'],
    [["--env", ""], "--env needs an environment name"],
  ])("rejects %j with %j", (argv, message) => {
    expect(() => parseCostArgs(argv)).toThrow(message);
  });
});

describe("cost command", () => {
  it("prints the usage with --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toEqual([COST_USAGE]);
  });

  it("exits 2 with the usage for an unknown flag", async () => {
    const { code, stderr } = await run(["--gb", "3"]);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^cost: Unknown option '--gb'/);
    expect(stderr[0]).toContain(COST_USAGE);
  });

  it("exits 2 with the flag's message for a bad value", async () => {
    const { code, stderr } = await run(["--web-acls", "two"]);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(
      /^cost: --web-acls must be a whole number ≥ 1, got "two"\n\nusage: npm run cost/,
    );
  });

  it("prints both source types, the region note and the totals as a table", async () => {
    const { code, stdout } = await run(["--gb-per-day", "10"]);
    expect(code).toBe(0);
    const text = stdout.join("\n");
    expect(text).toContain(
      "Prices are for us-east-1 (US East, N. Virginia); other regions differ. Vended-log delivery is billed in the web ACL's region.",
    );
    expect(text).toContain("cloudwatch: WAF → CloudWatch Logs → subscription → Lambda → S3 → SQS → Cortex");
    expect(text).toContain("s3: WAF → S3 (aws-waf-logs-* bucket, 5-minute files) → SQS → Cortex");
    expect(text).toMatch(/processor throughput 56\.2 MB\/s, bench of 2026-11-29/);
    expect(
      stdout.some((line) =>
        /^Total: cloudwatch [\d,.]+, s3 [\d,.]+ USD a month; s3 is [\d,.]+ cheaper\.$/.test(line),
      ),
    ).toBe(true);
  });

  it("prints one JSON object with --json: inputs, origins, both sources with lines summing to their totals", async () => {
    const { code, stdout } = await run(["--gb-per-day", "10", "--json"]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const report = JSON.parse(stdout[0]!);
    expect(Object.keys(report)).toEqual([
      "environment",
      "region",
      "regionNote",
      "currency",
      "period",
      "bytesPerGb",
      "inputs",
      "origins",
      "sources",
      "cheaper",
      "differenceUsd",
      "assumptions",
      "prices",
      "wafLogCredit",
    ]);
    expect(report).toMatchObject({
      environment: null,
      region: "us-east-1",
      currency: "USD",
      period: "month",
    });
    expect(report.inputs.gbPerDay).toBe(10);
    expect(report.origins).toMatchObject({ gbPerDay: "flag", eventsPerBatch: "default", webAcls: "default" });
    for (const source of ["cloudwatch", "s3"]) {
      const estimate = report.sources[source];
      expect(estimate.source).toBe(source);
      for (const line of estimate.lines) {
        expect(Object.keys(line).filter((k) => k !== "note")).toEqual([
          "id",
          "item",
          "quantity",
          "unit",
          "usd",
        ]);
      }
      const sum = estimate.lines.reduce((total: number, line: { usd: number }) => total + line.usd, 0);
      expect(estimate.totalUsd).toBeCloseTo(sum, 10);
    }
    expect(report.differenceUsd).toBeCloseTo(
      Math.abs(report.sources.cloudwatch.totalUsd - report.sources.s3.totalUsd),
      10,
    );
    expect(report.assumptions.processorThroughput).toMatchObject({ value: 56.2, date: "2026-11-29" });
    expect(report.prices.s3Put).toMatchObject({ usd: 0.005, unit: "1,000 requests" });
  });

  it("reads lifecycle, alarms, encryption, processor and web ACLs from --env", async () => {
    const config = configWith({
      wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b"],
      lifecycle: { infrequentAccessDays: 45, glacierDays: 120, deepArchiveDays: 400, expirationDays: 1000 },
      processor: { memoryMb: 1024, architecture: "x86_64", logRetentionDays: 14 },
      alarms: { noInvocations: { enabled: false }, notificationQueueAge: { enabled: false } },
      encryption: "kms",
      waf: {
        manageLogGroup: true,
        retentionDays: 30,
        webAclArns: [
          { arn: webAclArn("a"), logGroupName: "aws-waf-logs-a" },
          { arn: webAclArn("b"), logGroupName: "aws-waf-logs-b" },
          { arn: webAclArn("c"), logGroupName: "aws-waf-logs-b" },
        ],
      },
    });
    const { code, stdout } = await run(["--env", "dev", "--json"], config);
    expect(code).toBe(0);
    const report = JSON.parse(stdout[0]!);
    expect(report.environment).toBe("dev");
    expect(report.inputs).toMatchObject({
      webAcls: 3,
      logGroupRetentionDays: 30,
      lifecycle: { infrequentAccessDays: 45, glacierDays: 120, deepArchiveDays: 400, expirationDays: 1000 },
      processor: { memoryMb: 1024, architecture: "x86_64", logRetentionDays: 14 },
      alarms: { cloudwatch: 1 + 5 + 2 * 5, s3: 1 },
      encryption: "kms",
      kmsKeyCreated: true,
    });
    expect(report.origins).toMatchObject({
      webAcls: "config",
      logGroupRetentionDays: "config",
      encryption: "config",
    });
    expect(report.sources.s3.lines.map((l: { id: string }) => l.id)).toContain("kms-key");
  });

  it("counts one web ACL per WAF log group when the environment lists no web ACLs", async () => {
    const config = configWith({ wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b"] });
    const report = JSON.parse((await run(["--env", "dev", "--json"], config)).stdout[0]!);
    expect(report.inputs.webAcls).toBe(2);
  });

  it("lets flags override the environment", async () => {
    const config = configWith({ encryption: "kms" });
    const report = JSON.parse(
      (await run(["--env", "dev", "--json", "--encryption", "sse", "--web-acls", "4"], config)).stdout[0]!,
    );
    expect(report.inputs).toMatchObject({ encryption: "sse", kmsKeyCreated: false, webAcls: 4 });
    expect(report.origins).toMatchObject({ encryption: "flag", webAcls: "flag" });
  });

  it("does not bill a key the environment brings itself", async () => {
    const config = configWith({
      encryption: {
        type: "kms",
        keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      },
    });
    const report = JSON.parse((await run(["--env", "dev", "--json"], config)).stdout[0]!);
    expect(report.inputs.kmsKeyCreated).toBe(false);
    expect(report.sources.s3.lines.map((l: { id: string }) => l.id)).not.toContain("kms-key");
  });

  it("exits 2 naming the known environments for an unknown --env", async () => {
    const { code, stderr } = await run(["--env", "staging"], configWith({}));
    expect(code).toBe(2);
    expect(stderr).toEqual(['cost: unknown environment "staging"; known environments: dev']);
  });

  it("asks for --retention-days when the environment keeps objects forever", async () => {
    const config = configWith({
      lifecycle: {
        infrequentAccessDays: null,
        glacierDays: null,
        deepArchiveDays: null,
        expirationDays: null,
      },
    });
    const refused = await run(["--env", "dev"], config);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toEqual([
      "cost: lifecycle.expirationDays is null in this environment (objects are kept forever), so its storage grows every month: pass --retention-days N to price the storage of objects kept N days",
    ]);
    const priced = await run(["--env", "dev", "--json", "--retention-days", "365"], config);
    expect(priced.code).toBe(0);
    expect(JSON.parse(priced.stdout[0]!).inputs.lifecycle.expirationDays).toBe(365);
  });

  it("exits 2 with the configuration's message when the file is invalid", async () => {
    const missing = () => {
      throw configError("missing.json", [
        { path: "", message: "cannot read the configuration file: file not found" },
      ]);
    };
    const { code, stderr } = await run(["--env", "dev"], missing);
    expect(code).toBe(2);
    expect(stderr).toEqual([
      "cost: Invalid configuration in missing.json (1 problem):\n  - (root): cannot read the configuration file: file not found",
    ]);
  });
});

describe("alarmCounts", () => {
  it("counts every alarm metric on cloudwatch and the archive's two on s3 by default", () => {
    // archive 2, forwarder 6, delivery alarms of the one log group 1 + 1 + 3.
    expect(alarmCounts(defaultEnvironment())).toEqual({ cloudwatch: 13, s3: 2 });
  });

  it("counts the delivery alarms of every log group and the legacy queue's only while it is kept", () => {
    expect(
      alarmCounts(
        parsedEnvironment({
          wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b"],
          keepFailureQueue: false,
        }),
      ),
    ).toEqual({ cloudwatch: 2 + 5 + 2 * 5, s3: 2 });
  });

  it("counts none when alarms are off", () => {
    expect(alarmCounts(parsedEnvironment({ alarms: { enabled: false } }))).toEqual({ cloudwatch: 0, s3: 0 });
  });
});

describe("docs/choosing-a-source.md", () => {
  const doc = readFileSync(join(__dirname, "../../docs/choosing-a-source.md"), "utf8");

  it.each(["1", "10", "100"])("shows the real output of npm run cost -- --gb-per-day %s", async (gb) => {
    const block = new RegExp(
      `<summary><code>npm run cost -- --gb-per-day ${gb}</code></summary>\\n\\n\`\`\`\\n([\\s\\S]*?)\\n\`\`\``,
    ).exec(doc);
    expect(block, `no output block for ${gb} GB a day`).not.toBeNull();
    const { stdout } = await run(["--gb-per-day", gb]);
    expect(block![1]).toBe(stdout.join("\n"));
  });

  it("states the totals of that output in the three-volumes table", async () => {
    for (const gb of ["1", "10", "100"]) {
      const { stdout } = await run(["--gb-per-day", gb, "--json"]);
      const { sources, differenceUsd } = JSON.parse(stdout[0]!);
      const usd = (value: number) => formatUsd(value);
      expect(doc).toContain(
        `| ${gb} | ${usd(sources.cloudwatch.totalUsd)} | ${usd(sources.s3.totalUsd)} | ${usd(differenceUsd)} |`,
      );
    }
  });
});
