import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { WafLogPipeline } from "../../../src/constructs/waf-log-pipeline";
import {
  addressOf,
  buildStack,
  resourcesOfType,
  testBundlePath,
  type TerraformJson,
} from "../../helpers/stack";

/** A pipeline in a plain stack, as another cdktf app would use it. */
function libraryPipeline(): WafLogPipeline {
  const stack = new TerraformStack(Testing.app(), "platform");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new ArchiveProvider(stack, "archive");
  return new WafLogPipeline(stack, "WafLogs", {
    name: "platform-waf",
    accountId: "111122223333",
    region: "eu-west-1",
    bucketName: "platform-waf-archive",
    externalId: "${var.cortex_external_id}",
    logGroupNames: ["aws-waf-logs-shop"],
    bundlePath: testBundlePath(),
    alarms: { email: ["secops@example.com"] },
  });
}

describe("WafLogPipeline", () => {
  it("composes an archive and a forwarder that writes into it", () => {
    const pipeline = libraryPipeline();

    expect(pipeline.forwarder.props.archive).toBe(pipeline.archive);
  });

  it("sends the alarms of both to one topic", () => {
    const pipeline = libraryPipeline();
    const alarms = [...Object.values(pipeline.archive.alarms), ...Object.values(pipeline.forwarder.alarms)];

    expect(alarms).toHaveLength(8);
    expect(pipeline.alarmTopic).toBeDefined();
  });

  it("has one dashboard of the whole path instead of one per part", () => {
    const pipeline = libraryPipeline();
    const tf = JSON.parse(Testing.synth(pipeline.node.scope as TerraformStack)) as TerraformJson;
    const dashboards = Object.values(resourcesOfType(tf, "aws_cloudwatch_dashboard"));
    const body = JSON.parse(dashboards[0]!.dashboard_body as string) as {
      widgets: { type: string; properties: { markdown?: string; alarms?: string[] } }[];
    };

    expect([pipeline.archive.dashboard, pipeline.forwarder.dashboard]).toEqual([undefined, undefined]);
    expect(dashboards.map((d) => d.dashboard_name)).toEqual(["platform-waf"]);
    expect(body.widgets.filter((w) => w.type === "text").map((w) => w.properties.markdown)).toEqual([
      "# WAF log pipeline platform-waf (111122223333, eu-west-1)",
      "## WAF log groups: log events in vs forwarded, delivery errors and throttling",
      "## Processor platform-waf-processor",
      "## Failure store",
      "## Forwarder alarms",
      "## Archive: notifications to Cortex (platform-waf-notifications) and the bucket",
      "## Archive alarms",
    ]);
    expect(body.widgets.flatMap((w) => w.properties.alarms ?? [])).toHaveLength(8 + 3);
  });

  it("lays the dashboard out the same way on every synth", () => {
    const first = libraryPipeline();
    const second = libraryPipeline();
    const bodyOf = (pipeline: WafLogPipeline) =>
      Testing.synth(pipeline.node.scope as TerraformStack).match(/"dashboard_body": (".*")/)?.[1];

    expect(bodyOf(first)).toBeDefined();
    expect(bodyOf(first)).toBe(bodyOf(second));
  });

  it("gets addresses from its construct path in a plain stack", () => {
    expect(addressOf(libraryPipeline().archive.logArchiveBucket.bucket)).toMatch(
      /^aws_s3_bucket\.WafLogs_Archive_LogArchiveBucket_[0-9A-F]{8}$/,
    );
  });

  it("keeps the addresses of the one-stack form in WafLogPipelineStack", () => {
    expect(addressOf(buildStack().pipeline.archive.logArchiveBucket.bucket)).toBe(
      "aws_s3_bucket.LogArchiveBucket_D1FAA0AE",
    );
  });
});
