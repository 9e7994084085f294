import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/constructs/validation";
import {
  MAX_LOG_GROUP_GRAPHS,
  PROCESSOR_DASHBOARD_METRICS,
  WafLogForwarder,
  logGroupsPerGraph,
  type WafLogForwarderProps,
} from "../../../src/constructs/waf-log-forwarder";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../commands/lib/terraform-synth";
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

    it("creates no bucket but its failure store, in its own account and region", () => {
      expect(Object.values(resourcesOfType(tf, "aws_s3_bucket")).map((b) => b.bucket)).toEqual([
        "shop-forwarder-failures-111122223333-eu-west-1",
      ]);
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

  describe("Metrics Insights alarm quota (two delivery alarms per listed log group)", () => {
    const groups = (count: number) =>
      Array.from({ length: count }, (_, i) => `aws-waf-logs-shop-${String(i).padStart(3, "0")}`);

    it("fails synth above CloudWatch's default 200, naming the count, the quota and the ways out", () => {
      const build = () =>
        new WafLogForwarder(emptyStack(), "Forwarder", props({ logGroupNames: groups(101) }));

      expect(build).toThrow(ValidationError);
      expect(build).toThrow(
        "  - logGroupNames: needs 202 Metrics Insights alarms (delivery errors and delivery throttling, 2 per log group for 101 log groups), more than alarms.metricsInsightsAlarmQuota (200;",
      );
      expect(build).toThrow("set alarms.metricsInsightsAlarmQuota, or turn off alarms.deliveryErrors");
    });

    it("accepts 100 log groups, a raised quota, or the delivery alarms turned off", () => {
      const count = (forwarder: WafLogForwarder) =>
        [...forwarder.deliveryAlarms.values()].flatMap((alarms) =>
          [alarms.deliveryErrors, alarms.deliveryThrottling].filter((alarm) => alarm !== undefined),
        ).length;

      expect(
        count(new WafLogForwarder(emptyStack(), "Forwarder", props({ logGroupNames: groups(100) }))),
      ).toBe(200);
      expect(
        count(
          new WafLogForwarder(
            emptyStack(),
            "Forwarder",
            props({ logGroupNames: groups(150), alarms: { metricsInsightsAlarmQuota: 300 } }),
          ),
        ),
      ).toBe(300);
      expect(
        count(
          new WafLogForwarder(
            emptyStack(),
            "Forwarder",
            props({ logGroupNames: groups(150), alarms: { deliveryThrottling: { enabled: false } } }),
          ),
        ),
      ).toBe(150);
      expect(
        count(
          new WafLogForwarder(
            emptyStack(),
            "Forwarder",
            props({ logGroupNames: groups(300), alarms: { enabled: false } }),
          ),
        ),
      ).toBe(0);
    });
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

  describe("failure store", () => {
    it("is versioned, expires records after 30 days and deleted ones 7 days later, under Lambda's prefix", () => {
      const stack = emptyStack();
      const forwarder = new WafLogForwarder(stack, "Forwarder", props());
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
      const { failureStore } = forwarder;

      expect(blockOf(tf, failureStore.versioning).versioning_configuration).toEqual({ status: "Enabled" });
      expect(blockOf(tf, failureStore.lifecycleConfiguration).rule).toEqual([
        {
          id: "failure-records",
          status: "Enabled",
          filter: [{ prefix: "aws/lambda/async/" }],
          expiration: [{ days: 30 }],
          noncurrent_version_expiration: [{ noncurrent_days: 7 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        },
      ]);
    });

    it("keeps records for the configured days, in the bucket named", () => {
      const stack = emptyStack();
      const forwarder = new WafLogForwarder(
        stack,
        "Forwarder",
        props({
          failureStore: {
            bucketName: "shop-failures",
            retentionDays: 90,
            noncurrentVersionExpirationDays: 14,
          },
        }),
      );
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

      expect(blockOf(tf, forwarder.failureStore.bucket).bucket).toBe("shop-failures");
      expect(blockOf(tf, forwarder.failureStore.lifecycleConfiguration).rule).toEqual([
        expect.objectContaining({
          expiration: [{ days: 90 }],
          noncurrent_version_expiration: [{ noncurrent_days: 14 }],
        }),
      ]);
    });

    it("is encrypted with SSE-S3 by default, not with the archive's key (which may be in another region)", () => {
      const stack = emptyStack();
      const forwarder = new WafLogForwarder(stack, "Forwarder", props());
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

      expect(
        Object.values(resourcesOfType(tf, "aws_s3_bucket_server_side_encryption_configuration")),
      ).toEqual([
        expect.objectContaining({
          bucket: `\${aws_s3_bucket.${stack.getLogicalId(forwarder.failureStore.bucket)}.id}`,
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
        }),
      ]);
    });

    it("is encrypted with the forwarder's key when given one, which the role may then use", () => {
      const stack = emptyStack();
      const ownKey = KEY_ARN.replace("1234abcd-12ab", "5678abcd-12ab");
      const forwarder = new WafLogForwarder(stack, "Forwarder", props({ kmsKeyArn: ownKey }));
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

      expect(
        Object.values(resourcesOfType(tf, "aws_s3_bucket_server_side_encryption_configuration")),
      ).toEqual([
        expect.objectContaining({
          rule: [
            {
              apply_server_side_encryption_by_default: {
                sse_algorithm: "aws:kms",
                kms_master_key_id: ownKey,
              },
              bucket_key_enabled: true,
            },
          ],
        }),
      ]);
      expect(
        policyOf(blockOf(tf, forwarder.processor.rolePolicy)).Statement.find((s) => s.Sid === "UseLogKey")
          ?.Resource,
      ).toEqual([KEY_ARN, ownKey]);
    });

    it("refuses a key of another region: a bucket's SSE-KMS key must be in the bucket's region", () => {
      const build = () =>
        new WafLogForwarder(
          emptyStack(),
          "Forwarder",
          props({ kmsKeyArn: KEY_ARN.replace("eu-west-1", "us-east-1") }),
        );

      expect(build).toThrow(
        "  - kmsKeyArn: must be a key in eu-west-1, the region of the bucket and queues (S3 and SQS use only keys in their own Region), got a key in us-east-1",
      );
    });

    it("asks for a bucket name when the default one would be too long", () => {
      const build = () =>
        new WafLogForwarder(
          emptyStack(),
          "Forwarder",
          props({ name: "a-forwarder-with-a-rather-long-name-x", region: "ap-southeast-3" }),
        );

      expect(build).toThrow(
        '  - failureStore.bucketName: is required because the default name "a-forwarder-with-a-rather-long-name-x-failures-111122223333-ap-southeast-3" must be 3–63 characters long; set a valid S3 bucket name',
      );
    });

    it("keeps the legacy failure queue and its alarm by default, and removes both with keepFailureQueue: false", () => {
      const kept = new WafLogForwarder(emptyStack(), "Forwarder", props());
      const removed = new WafLogForwarder(emptyStack(), "Forwarder", props({ keepFailureQueue: false }));

      expect(kept.processor.failureQueue).toBeDefined();
      expect(kept.alarms.failureQueueMessages).toBeDefined();
      expect(removed.processor.failureQueue).toBeUndefined();
      expect(removed.alarms.failureQueueMessages).toBeUndefined();
    });
  });

  describe("alarms", () => {
    const stack = emptyStack();
    const forwarder = new WafLogForwarder(
      stack,
      "Forwarder",
      props({ otherSubscriptionFilters: { "aws-waf-logs-shop-api": 1 } }),
    );
    const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

    it("fires on the first event given up (a failure record), within two minutes, and holds for an hour", () => {
      expect(blockOf(tf, forwarder.alarms.failureRecords!)).toMatchObject({
        alarm_name: "shop-forwarder-failure-records",
        namespace: "AWS/Lambda",
        metric_name: "AsyncEventsDropped",
        dimensions: { FunctionName: "shop-forwarder-processor" },
        statistic: "Sum",
        period: 60,
        evaluation_periods: 60,
        datapoints_to_alarm: 1,
        comparison_operator: "GreaterThanThreshold",
        threshold: 0,
        treat_missing_data: "notBreaching",
      });
      expect(blockOf(tf, forwarder.alarms.failureRecords!).alarm_description).toContain(
        "s3://shop-forwarder-failures-111122223333-eu-west-1/aws/lambda/async/shop-forwarder-processor/",
      );
    });

    it("has delivery errors, delivery throttling and skipped log events alarms for each log group", () => {
      expect(
        [...forwarder.deliveryAlarms.entries()].map(([group, alarms]) => [group, Object.keys(alarms)]),
      ).toEqual([
        ["aws-waf-logs-shop-alb", ["deliveryErrors", "deliveryThrottling", "skippedLogEvents"]],
        ["aws-waf-logs-shop-api", ["deliveryErrors", "deliveryThrottling", "skippedLogEvents"]],
      ]);
    });

    it("counts delivery errors with a Metrics Insights query that holds whatever dimensions CloudWatch Logs adds", () => {
      const block = blockOf(tf, forwarder.deliveryAlarms.get("aws-waf-logs-shop-alb")!.deliveryErrors!);

      expect(block).toMatchObject({
        alarm_name: "shop-forwarder-delivery-errors-aws-waf-logs-shop-alb",
        comparison_operator: "GreaterThanThreshold",
        threshold: 0,
        evaluation_periods: 1,
        treat_missing_data: "notBreaching",
        metric_query: [
          {
            id: "errors",
            expression: `SELECT SUM(DeliveryErrors) FROM "AWS/Logs" WHERE LogGroupName = 'aws-waf-logs-shop-alb'`,
            period: 300,
            return_data: true,
          },
        ],
      });
      expect(block).not.toHaveProperty("metric_name");
    });

    it("counts delivery throttling the same way", () => {
      expect(
        blockOf(tf, forwarder.deliveryAlarms.get("aws-waf-logs-shop-alb")!.deliveryThrottling!).metric_query,
      ).toEqual([
        expect.objectContaining({
          expression: `SELECT SUM(DeliveryThrottling) FROM "AWS/Logs" WHERE LogGroupName = 'aws-waf-logs-shop-alb'`,
        }),
      ]);
    });

    it("compares incoming with forwarded log events under either dimension set, per subscription filter on the group", () => {
      const block = blockOf(tf, forwarder.deliveryAlarms.get("aws-waf-logs-shop-api")!.skippedLogEvents!);
      const queries = block.metric_query as {
        id: string;
        expression?: string;
        metric?: Record<string, unknown>;
      }[];

      expect(block).toMatchObject({
        alarm_name: "shop-forwarder-skipped-log-events-aws-waf-logs-shop-api",
        threshold: 10,
        evaluation_periods: 3,
        datapoints_to_alarm: 2,
      });
      expect(queries.map((q) => q.metric?.dimensions ?? q.expression)).toEqual([
        { LogGroupName: "aws-waf-logs-shop-api" },
        {
          LogGroupName: "aws-waf-logs-shop-api",
          DestinationType: "Lambda",
          FilterName: "shop-forwarder-processor",
        },
        { LogGroupName: "aws-waf-logs-shop-api" },
        "IF(incoming > 0, 100 * (incoming - MAX([FILL(forwardedByFilter, 0), FILL(forwardedByGroup, 0) / 2])) / incoming, 0)",
      ]);
      expect(queries.map((q) => q.metric?.metric_name)).toEqual([
        "IncomingLogEvents",
        "ForwardedLogEvents",
        "ForwardedLogEvents",
        undefined,
      ]);
    });

    it("shortens an alarm name that a long log group name would push past 255 characters, keeping it unique", () => {
      const long = `aws-waf-logs-${"x".repeat(400)}`;
      const other = new WafLogForwarder(
        emptyStack(),
        "Forwarder",
        props({ logGroupNames: [long, `${long}y`] }),
      );
      const names = [...other.deliveryAlarms.values()].map(
        (alarms) => alarms.deliveryErrors!.alarmNameInput!,
      );

      expect(names.map((n) => n.length)).toEqual([255, 255]);
      expect(new Set(names).size).toBe(2);
    });

    it("creates no delivery alarm when the alarms are off", () => {
      const off = new WafLogForwarder(emptyStack(), "Forwarder", props({ alarms: { enabled: false } }));

      expect([...off.deliveryAlarms.values()]).toEqual([{}, {}]);
    });
  });

  describe("dashboard", () => {
    const stack = emptyStack();
    const forwarder = new WafLogForwarder(stack, "Forwarder", props());
    const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const block = blockOf(tf, forwarder.dashboard!.dashboard);
    const body = block.dashboard_body as string;

    it("is named after the forwarder and links to the console of its region", () => {
      expect(block.dashboard_name).toBe("shop-forwarder-forwarder");
      expect(forwarder.dashboard!.url).toBe(
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/shop-forwarder-forwarder",
      );
    });

    it("shows each log group's incoming against forwarded log events", () => {
      for (const group of ["aws-waf-logs-shop-alb", "aws-waf-logs-shop-api"]) {
        expect(body).toContain(`"AWS/Logs","IncomingLogEvents","LogGroupName","${group}"`);
        expect(body).toContain(
          `SEARCH('Namespace=\\"AWS/Logs\\" MetricName=\\"ForwardedLogEvents\\" LogGroupName=\\"${group}\\"', 'Sum', 300)`,
        );
      }
    });

    it("shows the processor's invocations, errors, throttles, duration and the records and objects it wrote", () => {
      for (const name of ["Invocations", "Errors", "Throttles", "Duration", "AsyncEventsDropped"]) {
        expect(body).toContain(`"AWS/Lambda","${name}","FunctionName","shop-forwarder-processor"`);
      }
      for (const name of PROCESSOR_DASHBOARD_METRICS) {
        expect(body).toContain(`"WafLogPipeline","${name}","Environment","shop-forwarder"`);
      }
    });

    it("shows only metrics the processor publishes", () => {
      const handler = readFileSync(join(PROJECT_ROOT, "functions/waf-log-processor/index.ts"), "utf8");
      for (const name of PROCESSOR_DASHBOARD_METRICS) expect(handler).toContain(`addMetric("${name}"`);
    });

    it("shows the state of every alarm of the forwarder", () => {
      const alarms = (
        JSON.parse(body) as { widgets: { type: string; properties: { alarms?: string[] } }[] }
      ).widgets
        .filter((w) => w.type === "alarm")
        .flatMap((w) => w.properties.alarms ?? []);
      const expected = [
        ...Object.values(forwarder.alarms),
        ...[...forwarder.deliveryAlarms.values()].flatMap((a) => Object.values(a)),
      ].map((alarm) => `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${alarm!.alarmNameInput}`);

      expect(alarms).toEqual(expected);
      expect(alarms).toHaveLength(6 + 2 * 3);
    });

    it("shares the in-vs-forwarded graphs among log groups beyond 24, keeping every log group", () => {
      // 50 log groups: 3 to a graph (MAX_LOG_GROUPS, a million, is for the Lambda permission, not the dashboard).
      const count = 50;
      const many = Array.from({ length: count }, (_, i) => `aws-waf-logs-site-${i}`);
      const big = new WafLogForwarder(emptyStack(), "Forwarder", props({ logGroupNames: many }));
      const graphs = big.dashboardWidgets[0]!.widgets;

      expect(graphs).toHaveLength(Math.ceil(count / logGroupsPerGraph(count)));
      expect(graphs.length).toBeLessThanOrEqual(MAX_LOG_GROUP_GRAPHS);
      expect(graphs[0]!.properties.title).toBe(
        "aws-waf-logs-site-0 … aws-waf-logs-site-2 (3 log groups): log events in vs forwarded",
      );
      const incoming = graphs.flatMap((g) =>
        (g.properties.metrics as unknown[][]).filter((m) => m[1] === "IncomingLogEvents").map((m) => m[3]),
      );
      expect(incoming).toEqual(many);
      expect(JSON.stringify(graphs[0]!.properties.metrics)).toContain(
        '"label":"aws-waf-logs-site-1 forwarded"',
      );
    });

    it("keeps every alarm description within CloudWatch's 1,024 characters for a 512-character log group name", () => {
      const long = `aws-waf-logs-${"x".repeat(512 - "aws-waf-logs-".length)}`;
      const stack = emptyStack();
      new WafLogForwarder(stack, "Forwarder", props({ logGroupNames: [long] }));
      const descriptions = Object.values(
        resourcesOfType(JSON.parse(Testing.synth(stack)) as TerraformJson, "aws_cloudwatch_metric_alarm"),
      ).map((alarm) => String(alarm.alarm_description));

      expect(descriptions).toHaveLength(9);
      expect(Math.max(...descriptions.map((d) => [...d].length))).toBe(1024);
      for (const d of descriptions) expect([...d].length).toBeLessThanOrEqual(1024);
    });

    it("gives each of up to 24 log groups a graph of its own", () => {
      expect([1, 2, 24, 25, 48, 49, 500].map(logGroupsPerGraph)).toEqual([1, 1, 1, 2, 2, 3, 21]);
    });

    it("is not created with dashboard: false", () => {
      expect(
        new WafLogForwarder(emptyStack(), "Forwarder", props({ dashboard: false })).dashboard,
      ).toBeUndefined();
    });
  });
});
