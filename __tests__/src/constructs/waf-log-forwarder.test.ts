import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/constructs/validation";
import { WafLogForwarder, type WafLogForwarderProps } from "../../../src/constructs/waf-log-forwarder";
import { blockOf, policyOf, resourcesOfType, testBundlePath, type TerraformJson } from "../../helpers/stack";
import { addChecks, synthErrors } from "../rules/rule-test-kit";

const KEY_ARN = "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** A forwarder of two log groups into an archive of another stack, given by names and ARNs. */
function props(overrides: Partial<WafLogForwarderProps> = {}): WafLogForwarderProps {
  return {
    name: "shop-forwarder",
    accountId: "111122223333",
    region: "eu-west-1",
    logGroupNames: ["aws-waf-logs-shop-alb", "aws-waf-logs-shop-api"],
    archive: { bucketName: "central-waf-archive", keyPrefix: "waf/", kmsKeyArn: KEY_ARN },
    bundlePath: testBundlePath(),
    ...overrides,
  };
}

/** A stack with the providers a forwarder needs and nothing else. */
function emptyStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "forwarder");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new ArchiveProvider(stack, "archive");
  return stack;
}

describe("WafLogForwarder", () => {
  describe("writing into an archive of another stack, given by names and ARNs", () => {
    const stack = emptyStack();
    const forwarder = new WafLogForwarder(stack, "Forwarder", props());
    const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

    it("creates no bucket of its own", () => {
      expect(resourcesOfType(tf, "aws_s3_bucket")).toEqual({});
    });

    it("tells the processor the bucket and key prefix by name", () => {
      expect(blockOf(tf, forwarder.processor.function)).toMatchObject({
        environment: {
          variables: expect.objectContaining({ S3_BUCKET: "central-waf-archive", S3_PREFIX: "waf/" }),
        },
      });
    });

    it("may put objects only under the key prefix of that bucket, and use its key", () => {
      const statements = policyOf(blockOf(tf, forwarder.processor.rolePolicy)).Statement;
      expect(statements.find((s) => s.Sid === "PutLogObjects")?.Resource).toBe(
        "arn:aws:s3:::central-waf-archive/waf/*",
      );
      expect(statements.find((s) => s.Sid === "UseLogKey")?.Resource).toBe(KEY_ARN);
    });

    it("subscribes each log group", () => {
      expect(forwarder.subscriptions.map((s) => blockOf(tf, s.subscriptionFilter).log_group_name)).toEqual([
        "aws-waf-logs-shop-alb",
        "aws-waf-logs-shop-api",
      ]);
    });
  });

  it("passes every security rule in a stack of its own", () => {
    const stack = emptyStack();
    new WafLogForwarder(stack, "Forwarder", props());
    addChecks(stack);

    expect(synthErrors(stack)).toEqual([]);
  });

  it("derives the bucket ARN in the partition of its region", () => {
    const stack = emptyStack();
    const forwarder = new WafLogForwarder(stack, "Forwarder", {
      ...props({ region: "us-gov-west-1" }),
      archive: { bucketName: "gov-archive" },
    });
    const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

    expect(
      policyOf(blockOf(tf, forwarder.processor.rolePolicy)).Statement.find((s) => s.Sid === "PutLogObjects")
        ?.Resource,
    ).toBe("arn:aws-us-gov:s3:::gov-archive/raw/*");
  });

  it("lists every invalid prop with its path in one ValidationError", () => {
    const build = () =>
      new WafLogForwarder(emptyStack(), "Forwarder", {
        ...props(),
        logGroupNames: ["aws-waf-logs-shop", "/aws/lambda/shop-forwarder-processor"],
        archive: { bucketName: "b!", keyPrefix: "/raw/" },
        processor: { memoryMb: 64 },
        otherSubscriptionFilters: { "aws-waf-logs-shop": 2, "aws-waf-logs-other": 1 },
      });

    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      [
        "Invalid WafLogForwarder props (6 problems):",
        '  - logGroupNames[1]: must be a log group name that starts with "aws-waf-logs-" (AWS WAF writes only to such log groups), up to 512 characters of letters, digits, _ - / . #, got "/aws/lambda/shop-forwarder-processor"',
        '  - archive.bucketName: must be a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens; see the S3 bucket naming rules): must be 3–63 characters long, got "b!"',
        '  - archive.keyPrefix: must not start with "/" (must be one or more path segments of letters, digits and _ . = -, each ending in "/", like "raw/" (no leading "/" or ".", no "..", "//" or "*")), got "/raw/"',
        "  - processor.memoryMb: must be a whole number of MB from 128 to 10240, got 64",
        "  - otherSubscriptionFilters.aws-waf-logs-shop: must be 0 or 1: CloudWatch Logs allows at most 2 subscription filters per log group and this construct adds one, got 2",
        "  - otherSubscriptionFilters.aws-waf-logs-other: must be keyed by one of logGroupNames",
      ].join("\n"),
    );
  });

  it("names both log groups when their names differ only in / versus --, instead of crashing synth", () => {
    const build = () =>
      new WafLogForwarder(emptyStack(), "Forwarder", {
        ...props(),
        logGroupNames: ["aws-waf-logs-a/b", "aws-waf-logs-a--b"],
      });

    expect(build).toThrow(
      'Invalid WafLogForwarder props (1 problem):\n  - logGroupNames[1]: must not differ from "aws-waf-logs-a/b" only in "/" versus "--": Terraform addresses write "/" as "--", so both log groups would get the same address; rename one of them, got "aws-waf-logs-a--b"',
    );
  });

  it("tells the user to build the processor when the bundle is missing", () => {
    expect(
      () => new WafLogForwarder(emptyStack(), "Forwarder", props({ bundlePath: "/nonexistent/index.cjs" })),
    ).toThrow(
      "Invalid WafLogForwarder props (1 problem):\n  - bundlePath: no file at /nonexistent/index.cjs; build the processor first with `npm run build` (`npm run synth` does it)",
    );
  });

  it("rejects a created log group that is not one of logGroupNames", () => {
    const stack = emptyStack();
    const other = new CloudwatchLogGroup(stack, "Other", { name: "aws-waf-logs-other", retentionInDays: 7 });

    expect(() => new WafLogForwarder(stack, "Forwarder", props({ createdLogGroups: [other] }))).toThrow(
      'Invalid WafLogForwarder props (1 problem):\n  - createdLogGroups[0]: must be one of logGroupNames, got a log group named "aws-waf-logs-other"',
    );
  });

  it("subscribes a created log group by reference, so Terraform creates it first", () => {
    const stack = emptyStack();
    const created = new CloudwatchLogGroup(stack, "Created", {
      name: "aws-waf-logs-shop-alb",
      retentionInDays: 7,
    });
    const forwarder = new WafLogForwarder(stack, "Forwarder", props({ createdLogGroups: [created] }));
    const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

    expect(forwarder.subscriptions.map((s) => blockOf(tf, s.subscriptionFilter).log_group_name)).toEqual([
      `\${aws_cloudwatch_log_group.${stack.getLogicalId(created)}.name}`,
      "aws-waf-logs-shop-api",
    ]);
  });
});
