import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import type { EstateConfig, S3SourceConfig } from "../../src/estate-config";
import { WafS3SourceStack, estateStacks } from "../../src/estate-stacks";
import { auditInputFromEstate } from "../../commands/lib/audit-config";
import { parseAuditInput } from "../../commands/lib/coverage-input";
import { configIssues } from "../helpers/config";
import { policyOf, type TerraformJson } from "../helpers/stack";

const ARCHIVE = { accountId: "999988887777", region: "eu-west-1" };
const S3_SOURCE = { type: "s3", accountId: "777766665555", region: "eu-west-1" };
const WEB_ACL =
  "arn:aws:wafv2:eu-west-1:777766665555:regional/webacl/payments/5b1e7c2a-9d4f-4e3b-8a6c-1f2e3d4c5b6a";

/** A configuration with one estate `estate` of the archive and the given sources. */
function estateInput(sources: unknown[], archive: Record<string, unknown> = ARCHIVE): unknown {
  return { environments: { estate: { archive, sources } } };
}

function parsedEstate(sources: unknown[], archive: Record<string, unknown> = ARCHIVE): EstateConfig {
  const estate = parseConfig(estateInput(sources, archive), "test.json").estates.estate;
  if (estate === undefined) throw new Error("estate missing");
  return estate;
}

function issueTexts(input: unknown): string[] {
  return configIssues(input).map((issue) => `${issue.path}: ${issue.message}`);
}

function synthStacks(estate: EstateConfig) {
  const app = Testing.app();
  const stacks = estateStacks(app, { envName: "estate", estate, checksLog: () => {} });
  const tf = new Map(
    stacks.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack)) as TerraformJson]),
  );
  return { stacks, tf };
}

describe("estate configuration: sources of type s3", () => {
  it("derives the bucket, names, stack and the archive's queue and reader role ARNs", () => {
    const estate = parsedEstate([S3_SOURCE]);
    const source = estate.sources[0] as S3SourceConfig;

    expect(source).toMatchObject({
      type: "s3",
      stackName: "waf-log-pipeline-estate-777766665555-eu-west-1-s3",
      name: "waf-log-pipeline-estate-eu-west-1-s3",
      bucketName: "aws-waf-logs-estate-777766665555-eu-west-1",
      webAclArns: [],
      encryption: { type: "sse" },
      largeLogFiles: { enabled: true, thresholdBytes: 52_428_800 },
      notificationQueueArn: "arn:aws:sqs:eu-west-1:999988887777:waf-log-pipeline-estate-notifications",
      readerRoleArn: "arn:aws:iam::999988887777:role/waf-log-pipeline-estate-cortex-reader",
    });
    expect(source.readerKmsKeyArn).toBeUndefined();
  });

  it("with encryption kms gives the archive's reader role the key pattern of the source's account and region", () => {
    const source = parsedEstate([{ ...S3_SOURCE, encryption: "kms" }]).sources[0] as S3SourceConfig;

    expect(source.readerKmsKeyArn).toBe("arn:aws:kms:eu-west-1:777766665555:key/*");
  });

  it("keeps s3 sources out of the archive's writers (they run no processor)", () => {
    const estate = parsedEstate([
      S3_SOURCE,
      { accountId: "777766665555", region: "eu-west-1", wafLogGroupNames: ["aws-waf-logs-a"] },
    ]);

    expect(estate.archive.writerRoleArns).toEqual([
      "arn:aws:iam::777766665555:role/waf-log-pipeline-estate-eu-west-1-processor",
    ]);
  });

  it("refuses the fields of the cloudwatch path on an s3 source, saying why", () => {
    expect(
      issueTexts(
        estateInput([
          {
            ...S3_SOURCE,
            wafLogGroupNames: ["aws-waf-logs-a"],
            discovery: {},
            processor: { redactHeaders: ["authorization"] },
          },
        ]),
      ),
    ).toEqual([
      "environments.estate.sources[0].wafLogGroupNames: applies only to cloudwatch sources: an s3 source's web ACLs log straight to its aws-waf-logs-* bucket, not to log groups (list them in webAclArns, or remove the field)",
      "environments.estate.sources[0].discovery: applies only to cloudwatch sources: an s3 source has no log groups to discover (list its web ACLs in webAclArns, or remove the field)",
      "environments.estate.sources[0].processor: applies only to cloudwatch sources: no processor runs between WAF and the files an s3 source's bucket holds, so processor.redactHeaders cannot exist there; use redactedFields (WAF's own redaction, e.g. [\"header:authorization\"]), or a cloudwatch source",
    ]);
  });

  it("refuses an s3 source outside the archive's region, naming the S3 rule", () => {
    expect(issueTexts(estateInput([{ ...S3_SOURCE, region: "us-east-1" }]))).toEqual([
      "environments.estate.sources[0].region: must be the archive's region eu-west-1 for an s3 source: S3 sends event notifications only to a queue in the bucket's own region (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html), got \"us-east-1\"; web ACLs of other regions can still log to the bucket (list their regions in webAclRegions), or use a cloudwatch source there",
    ]);
  });

  it("refuses a bucket name without aws-waf-logs-, redaction without web ACLs, and an unknown type", () => {
    expect(
      issueTexts(
        estateInput([
          { ...S3_SOURCE, bucketName: "shop-logs", redactedFields: ["queryString"] },
          { ...S3_SOURCE, type: "firehose" },
        ]),
      ),
    ).toEqual([
      'environments.estate.sources[0].bucketName: must start with "aws-waf-logs-" (AWS WAF logs only to buckets named so: https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html), got "shop-logs"',
      "environments.estate.sources[0].redactedFields: has no effect without webAclArns: WAF applies it through the logging configurations of the web ACLs listed in webAclArns",
      'environments.estate.sources[1].type: must be one of "cloudwatch", "s3"',
    ]);
  });

  it("allows a cloudwatch and an s3 source in one account and region, but not two s3 sources", () => {
    const cloudwatch = {
      accountId: "777766665555",
      region: "eu-west-1",
      wafLogGroupNames: ["aws-waf-logs-a"],
    };

    expect(parsedEstate([cloudwatch, S3_SOURCE]).sources.map((s) => s.stackName)).toEqual([
      "waf-log-pipeline-estate-777766665555-eu-west-1",
      "waf-log-pipeline-estate-777766665555-eu-west-1-s3",
    ]);
    expect(issueTexts(estateInput([S3_SOURCE, { ...S3_SOURCE, bucketName: "aws-waf-logs-other" }]))).toEqual([
      "environments.estate.sources[1]: must not repeat account 777766665555 and region eu-west-1 of the s3 source sources[0]: one landing bucket takes every web ACL of an account (list their regions in webAclRegions); merge the two",
    ]);
  });
});

describe("estate stacks with an s3 source", () => {
  const estate = parsedEstate([
    { ...S3_SOURCE, webAclArns: [WEB_ACL], encryption: "kms", redactedFields: ["header:authorization"] },
  ]);
  const { stacks, tf } = synthStacks(estate);
  const archiveTf = tf.get("waf-log-pipeline-estate-archive")!;
  const sourceTf = tf.get("waf-log-pipeline-estate-777766665555-eu-west-1-s3")!;

  it("makes one stack for the archive and one WafS3SourceStack in the source's account and the archive's region", () => {
    expect(stacks.map((stack) => stack.node.id)).toEqual([
      "waf-log-pipeline-estate-archive",
      "waf-log-pipeline-estate-777766665555-eu-west-1-s3",
    ]);
    expect(stacks[1]).toBeInstanceOf(WafS3SourceStack);
    expect(sourceTf.provider.aws![0]).toMatchObject({
      region: "eu-west-1",
      allowed_account_ids: ["777766665555"],
    });
  });

  it("notifies the queue the archive stack creates and admits the role it creates (the derived ARNs name them)", () => {
    const queue = Object.values(archiveTf.resource.aws_sqs_queue!).find((q) =>
      String(q.name).endsWith("-notifications"),
    )!;
    const role = Object.values(archiveTf.resource.aws_iam_role!)[0]!;
    const notification = Object.values(sourceTf.resource.aws_s3_bucket_notification!)[0]!;

    expect(notification.queue).toEqual([
      expect.objectContaining({ queue_arn: `arn:aws:sqs:eu-west-1:999988887777:${String(queue.name)}` }),
    ]);
    const bucketPolicy = policyOf(Object.values(sourceTf.resource.aws_s3_bucket_policy!)[0]!);
    expect(bucketPolicy.Statement.find((s) => s.Sid === "CortexReaderGetsWafLogFiles")?.Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::999988887777:role/${String(role.name)}` },
      StringEquals: { "aws:PrincipalAccount": "999988887777" },
    });
  });

  it("admits the landing bucket in the archive's queue policy and the reader role's policy", () => {
    const queuePolicies = Object.values(archiveTf.resource.aws_sqs_queue_policy!).map((p) => policyOf(p));
    const sends = queuePolicies
      .flatMap((p) => p.Statement)
      .find((s) => s.Sid === "AllowS3EventNotificationsOfWafS3Source1");
    const reader = policyOf(Object.values(archiveTf.resource.aws_iam_role_policy!)[0]!).Statement;

    expect(sends?.Condition).toEqual({
      ArnEquals: { "aws:SourceArn": "arn:aws:s3:::aws-waf-logs-estate-777766665555-eu-west-1" },
      StringEquals: { "aws:SourceAccount": "777766665555" },
    });
    expect(reader.find((s) => s.Sid === "ReadWafS3SourceLogFiles")?.Resource).toEqual([
      "arn:aws:s3:::aws-waf-logs-estate-777766665555-eu-west-1/AWSLogs/*",
    ]);
    expect(reader.find((s) => s.Sid === "DecryptWafS3SourceLogFilesThroughS3")?.Resource).toEqual([
      "arn:aws:kms:eu-west-1:777766665555:key/*",
    ]);
  });

  it("creates the web ACL's logging configuration with WAF's redaction, and the large-file alarm", () => {
    const logging = Object.values(sourceTf.resource.aws_wafv2_web_acl_logging_configuration!)[0]!;

    expect(logging).toMatchObject({
      resource_arn: WEB_ACL,
      redacted_fields: [{ single_header: { name: "authorization" } }],
    });
    expect(Object.values(sourceTf.resource.aws_cloudwatch_metric_alarm!)[0]).toMatchObject({
      alarm_name: "waf-log-pipeline-estate-eu-west-1-s3-large-waf-log-files",
      metric_name: "MatchedEvents",
    });
  });
});

describe("coverage audit of an estate with an s3 source", () => {
  it("reads the s3 source's bucket as covered, in each region whose web ACLs log to it, through its audit role", () => {
    const estate = parsedEstate([
      {
        ...S3_SOURCE,
        webAclRegions: ["eu-west-1", "us-east-1"],
        assumeRoleArn: "arn:aws:iam::777766665555:role/deploy",
        auditRoleArn: "arn:aws:iam::777766665555:role/audit",
      },
    ]);

    const input = auditInputFromEstate("estate", estate);

    expect(input.sources).toEqual(
      ["eu-west-1", "us-east-1"].map((region) => ({
        type: "s3",
        accountId: "777766665555",
        region,
        roleArn: "arn:aws:iam::777766665555:role/audit",
        s3BucketArn: "arn:aws:s3:::aws-waf-logs-estate-777766665555-eu-west-1",
      })),
    );
    expect(parseAuditInput(input)).toEqual(input);
  });
});
