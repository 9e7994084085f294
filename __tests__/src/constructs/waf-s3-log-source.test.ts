import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/constructs/validation";
import {
  WafS3LogSource,
  type WafS3LogSourceProps,
  largeLogFilePattern,
} from "../../../src/constructs/waf-s3-log-source";
import { matchesEventPattern } from "../../helpers/event-pattern";
import { blockOf, policyOf, ref, resourcesOfType, type TerraformJson } from "../../helpers/stack";
import { addChecks, synthErrors } from "../rules/rule-test-kit";

const SOURCE_ACCOUNT = "444455556666";
const ARCHIVE_ACCOUNT = "111122223333";
const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ARCHIVE_ACCOUNT}:central-waf-notifications`;
const READER_ROLE_ARN = `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/central-waf-cortex-reader`;
const WEB_ACL_ARN = `arn:aws:wafv2:eu-west-1:${SOURCE_ACCOUNT}:regional/webacl/shop/0f2d6a8e-3c1b-4e7a-9d5f-2b8c4a6e1f30`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${SOURCE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BUCKET = "aws-waf-logs-shop-444455556666";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;

/** The smallest valid props: a bucket in the source account, in the archive's region. */
function minimalProps(): WafS3LogSourceProps {
  return {
    name: "shop-waf",
    accountId: SOURCE_ACCOUNT,
    region: "eu-west-1",
    bucketName: BUCKET,
    archive: {
      accountId: ARCHIVE_ACCOUNT,
      region: "eu-west-1",
      notificationQueueArn: QUEUE_ARN,
      readerRoleArn: READER_ROLE_ARN,
    },
  };
}

function emptyStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "source");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

function synth(props: Partial<WafS3LogSourceProps> = {}) {
  const stack = emptyStack();
  const source = new WafS3LogSource(stack, "Source", { ...minimalProps(), ...props });
  const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
  return { stack, source, tf };
}

/** An S3 `Object Created` event as S3 sends it to EventBridge (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). */
function objectCreatedEvent(key: string, size: number, bucket = BUCKET) {
  return {
    version: "0",
    id: "17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type": "Object Created",
    source: "aws.s3",
    account: SOURCE_ACCOUNT,
    time: "2021-11-12T00:00:00Z",
    region: "eu-west-1",
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: "0",
      bucket: { name: bucket },
      object: { key, size, etag: "b1946ac92492d2347c6235b4d2611184", sequencer: "00617F08299329D189" },
      "request-id": "N4N7GDK58NMKJ12R",
      requester: "delivery.logs.amazonaws.com",
      "source-ip-address": "203.0.113.15",
      reason: "PutObject",
    },
  };
}

const WAF_KEY = `AWSLogs/${SOURCE_ACCOUNT}/WAFLogs/eu-west-1/shop/2026/12/04/06/05/${SOURCE_ACCOUNT}_waflogs_eu-west-1_shop_20261204T0605Z_e0ca43b5.log.gz`;

describe("WafS3LogSource", () => {
  it("applies the defaults of its props schema", () => {
    const { source } = synth();

    expect(source.props).toMatchObject({
      webAcls: [],
      redactedFields: [
        { type: "singleHeader", name: "authorization" },
        { type: "singleHeader", name: "cookie" },
      ],
      lifecycle: { infrequentAccessDays: 30, glacierDays: 90, deepArchiveDays: 365, expirationDays: 2555 },
      encryption: { type: "sse" },
      largeLogFiles: { enabled: true, thresholdBytes: 52_428_800 },
    });
    expect(source.deliveryRegions).toEqual(["eu-west-1"]);
  });

  it("rejects a bucket name without the aws-waf-logs- prefix, naming the AWS requirement", () => {
    const build = () =>
      new WafS3LogSource(emptyStack(), "Source", { ...minimalProps(), bucketName: "shop-waf-logs" });

    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      '  - bucketName: must start with "aws-waf-logs-" (AWS WAF logs only to buckets named so: https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html), got "shop-waf-logs"',
    );
  });

  it("lists every invalid prop at once: an archive queue in another region or account, a reader role of another account, web ACLs elsewhere", () => {
    const build = () =>
      new WafS3LogSource(emptyStack(), "Source", {
        ...minimalProps(),
        bucketName: "aws-waf-logs-Bad",
        archive: {
          accountId: ARCHIVE_ACCOUNT,
          region: "us-east-1",
          notificationQueueArn: "arn:aws:sqs:us-east-1:999999999999:q",
          readerRoleArn: "arn:aws:iam::999999999999:role/r",
        },
        webAcls: [
          { arn: WEB_ACL_ARN.replace(SOURCE_ACCOUNT, "999999999999") },
          { arn: WEB_ACL_ARN.replace("eu-west-1", "us-west-2") },
        ],
      });

    expect(build).toThrow(
      [
        "Invalid WafS3LogSource props (7 problems):",
        '  - bucketName: must be a valid S3 bucket name: must use only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit, got "aws-waf-logs-Bad"',
        "  - archive.region: must be the bucket's region eu-west-1: S3 sends event notifications only to an SQS queue in the bucket's own Region (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html), got \"us-east-1\"; create the bucket in the archive's region, or use a cloudwatch source",
        "  - archive.notificationQueueArn: must be a queue in the bucket's region eu-west-1 (S3 notifies only queues of its own Region), got a queue in us-east-1",
        "  - archive.notificationQueueArn: must be a queue of the archive's account 111122223333, got a queue of 999999999999",
        "  - archive.readerRoleArn: must be a role of the archive's account 111122223333, got a role of 999999999999",
        `  - webAcls[0].arn: must be a web ACL of the bucket's account ${SOURCE_ACCOUNT} (the WAF developer guide documents S3 logging to a bucket of the web ACL's own account), got account 999999999999 in ${JSON.stringify(WEB_ACL_ARN.replace(SOURCE_ACCOUNT, "999999999999"))}`,
        `  - webAcls[1].arn: must be a web ACL of the region eu-west-1 this construct deploys to (a logging configuration is created in the web ACL's region; for a web ACL elsewhere, set its logging destination to the bucket's ARN from a stack there and list its region in webAclRegions), got region us-west-2 in ${JSON.stringify(WEB_ACL_ARN.replace("eu-west-1", "us-west-2"))}`,
      ].join("\n"),
    );
  });

  it("rejects a given key of another region (S3 uses only keys of its own region)", () => {
    const build = () =>
      new WafS3LogSource(emptyStack(), "Source", {
        ...minimalProps(),
        encryption: { type: "kms", keyArn: KEY_ARN.replace("eu-west-1", "us-east-1") },
      });

    expect(build).toThrow(/encryption\.keyArn: must be a key in eu-west-1/);
  });

  it("creates the bucket never force-destroyed, owner-enforced, with every public access block setting on and SSE-S3", () => {
    const { source, tf } = synth();
    const { landingBucket } = source;

    expect(blockOf(tf, landingBucket.bucket)).toMatchObject({ bucket: BUCKET, force_destroy: false });
    expect(blockOf(tf, landingBucket.ownershipControls)).toMatchObject({
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    expect(blockOf(tf, landingBucket.publicAccessBlock)).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(blockOf(tf, landingBucket.encryption)).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });

  it("puts the lifecycle rule on WAF's key layout AWSLogs/", () => {
    const { source, tf } = synth({ lifecycle: { expirationDays: 400 } });

    const rule = (
      blockOf(tf, source.landingBucket.lifecycleConfiguration).rule as Record<string, unknown>[]
    )[0];
    expect(rule).toMatchObject({
      filter: [{ prefix: "AWSLogs/" }],
      expiration: [{ days: 400 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
  });

  it("versions the bucket like the archive, expiring noncurrent versions after 30 days, or not at all when turned off", () => {
    const { source, tf } = synth();

    expect(blockOf(tf, source.landingBucket.versioning!)).toMatchObject({
      versioning_configuration: { status: "Enabled" },
    });
    const rule = (
      blockOf(tf, source.landingBucket.lifecycleConfiguration).rule as Record<string, unknown>[]
    )[0];
    expect(rule).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] });
    expect(synth({ versioning: { enabled: false } }).source.landingBucket.versioning).toBeUndefined();
  });

  it("lets WAF's log delivery write under AWSLogs/<account>/ only with bucket-owner-full-control, for this account's deliveries from the web ACLs' regions", () => {
    const { source, tf } = synth({ webAclRegions: ["eu-west-1", "us-east-1"] });

    const statements = policyOf(blockOf(tf, source.landingBucket.policy)).Statement;
    expect(statements.find((s) => s.Sid === "AWSLogDeliveryWrite")).toEqual({
      Sid: "AWSLogDeliveryWrite",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${BUCKET_ARN}/AWSLogs/${SOURCE_ACCOUNT}/*`,
      Condition: {
        StringEquals: { "aws:SourceAccount": SOURCE_ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control" },
        ArnLike: {
          "aws:SourceArn": [
            `arn:aws:logs:eu-west-1:${SOURCE_ACCOUNT}:*`,
            `arn:aws:logs:us-east-1:${SOURCE_ACCOUNT}:*`,
          ],
        },
      },
    });
    expect(statements.find((s) => s.Sid === "AWSLogDeliveryAclCheck")).toEqual({
      Sid: "AWSLogDeliveryAclCheck",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: BUCKET_ARN,
      Condition: {
        StringEquals: { "aws:SourceAccount": SOURCE_ACCOUNT },
        ArnLike: {
          "aws:SourceArn": [
            `arn:aws:logs:eu-west-1:${SOURCE_ACCOUNT}:*`,
            `arn:aws:logs:us-east-1:${SOURCE_ACCOUNT}:*`,
          ],
        },
      },
    });
  });

  it("denies requests without TLS", () => {
    const { source, tf } = synth();

    const statements = policyOf(blockOf(tf, source.landingBucket.policy)).Statement;
    expect(statements.find((s) => s.Sid === "DenyInsecureTransport")).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("lets the archive's reader role GetObject under AWSLogs/ by aws:PrincipalArn, never naming the role as principal", () => {
    const { source, tf } = synth();

    const policy = policyOf(blockOf(tf, source.landingBucket.policy));
    expect(policy.Statement.find((s) => s.Sid === "CortexReaderGetsWafLogFiles")).toEqual({
      Sid: "CortexReaderGetsWafLogFiles",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ARCHIVE_ACCOUNT}:root` },
      Action: "s3:GetObject",
      Resource: `${BUCKET_ARN}/AWSLogs/*`,
      Condition: {
        ArnEquals: { "aws:PrincipalArn": READER_ROLE_ARN },
        StringEquals: { "aws:PrincipalAccount": ARCHIVE_ACCOUNT },
      },
    });
    expect(JSON.stringify(policy.Statement.map((s) => s.Principal))).not.toContain(":role/");
  });

  it("with encryption kms creates a key, encrypts the bucket with it and lets log delivery and the reader role use it", () => {
    const { source, tf } = synth({ encryption: "kms" });
    const key = source.key!;

    expect(blockOf(tf, source.landingBucket.encryption)).toMatchObject({
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: ref(key.key, "arn"),
          },
          bucket_key_enabled: true,
        },
      ],
    });
    const policy = policyOf(blockOf(tf, source.keyPolicy!));
    expect(policy.Statement.find((s) => s.Sid === "LogDeliveryEncryptsWafLogFiles")).toEqual({
      Sid: "LogDeliveryEncryptsWafLogFiles",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": SOURCE_ACCOUNT },
        ArnLike: { "aws:SourceArn": [`arn:aws:logs:eu-west-1:${SOURCE_ACCOUNT}:*`] },
      },
    });
    expect(policy.Statement.find((s) => s.Sid === "CortexReaderDecryptsThroughS3")).toEqual({
      Sid: "CortexReaderDecryptsThroughS3",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ARCHIVE_ACCOUNT}:root` },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": READER_ROLE_ARN },
        StringEquals: {
          "aws:PrincipalAccount": ARCHIVE_ACCOUNT,
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
        },
      },
    });
    expect(policy.Statement.find((s) => s.Sid === "AccountAdministersKey")).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
    });
  });

  it("with a given key encrypts the bucket with it and creates no key", () => {
    const { source, tf } = synth({ encryption: { type: "kms", keyArn: KEY_ARN } });

    expect(source.key).toBeUndefined();
    expect(resourcesOfType(tf, "aws_kms_key")).toEqual({});
    expect(source.kmsKeyArn).toBe(KEY_ARN);
    expect(blockOf(tf, source.landingBucket.encryption)).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { kms_master_key_id: KEY_ARN } }],
    });
  });

  it("has exactly one notification configuration: WAF's .log.gz files under AWSLogs/ to the archive's queue, and EventBridge on", () => {
    const { source, tf } = synth();

    expect(Object.keys(resourcesOfType(tf, "aws_s3_bucket_notification"))).toHaveLength(1);
    expect(blockOf(tf, source.bucketNotification)).toEqual({
      bucket: ref(source.landingBucket.bucket, "id"),
      eventbridge: true,
      queue: [
        {
          id: "waf-log-files",
          queue_arn: QUEUE_ARN,
          events: ["s3:ObjectCreated:*"],
          filter_prefix: "AWSLogs/",
          filter_suffix: ".log.gz",
        },
      ],
    });
  });

  it("matches Object Created events of WAF log files above 50 MB, and not files of 50 MB, other buckets or other keys", () => {
    const pattern = largeLogFilePattern(BUCKET, 52_428_800);

    expect(matchesEventPattern(pattern, objectCreatedEvent(WAF_KEY, 52_428_801))).toBe(true);
    expect(matchesEventPattern(pattern, objectCreatedEvent(WAF_KEY, 78_643_200))).toBe(true);
    expect(matchesEventPattern(pattern, objectCreatedEvent(WAF_KEY, 52_428_800))).toBe(false);
    expect(matchesEventPattern(pattern, objectCreatedEvent(WAF_KEY, 1_000))).toBe(false);
    expect(matchesEventPattern(pattern, objectCreatedEvent(WAF_KEY, 60_000_000, "aws-waf-logs-other"))).toBe(
      false,
    );
    expect(matchesEventPattern(pattern, objectCreatedEvent("other/big.log.gz", 60_000_000))).toBe(false);
    expect(
      matchesEventPattern(pattern, {
        ...objectCreatedEvent(WAF_KEY, 60_000_000),
        "detail-type": "Object Deleted",
      }),
    ).toBe(false);
  });

  it("synthesizes the large-file rule with that pattern and the configured threshold", () => {
    const { source, tf } = synth({ largeLogFiles: { thresholdBytes: 1_000_000 } });

    const rule = blockOf(tf, source.largeLogFileRule!);
    expect(rule.name).toBe("shop-waf-large-waf-log-files");
    expect(JSON.parse(rule.event_pattern as string)).toEqual(largeLogFilePattern(BUCKET, 1_000_000));
  });

  it("gives the rule a queue target that only EventBridge may send to, for this rule, over TLS, after the queue policy exists", () => {
    const { stack, source, tf } = synth();
    const queue = source.largeLogFileQueue!;

    expect(blockOf(tf, queue)).toMatchObject({
      name: "shop-waf-large-waf-log-files",
      message_retention_seconds: 1_209_600,
      sqs_managed_sse_enabled: true,
    });
    const statements = policyOf(blockOf(tf, source.largeLogFileQueuePolicy!)).Statement;
    expect(statements[0]).toEqual({
      Sid: "EventBridgeSendsLargeLogFileEvents",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: ref(queue, "arn"),
      Condition: { ArnEquals: { "aws:SourceArn": ref(source.largeLogFileRule!, "arn") } },
    });
    expect(statements[1]).toMatchObject({ Sid: "DenyInsecureTransport", Effect: "Deny" });
    const targets = Object.values(resourcesOfType(tf, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      rule: ref(source.largeLogFileRule!, "name"),
      arn: ref(queue, "arn"),
      depends_on: [`aws_sqs_queue_policy.${stack.getLogicalId(source.largeLogFileQueuePolicy!)}`],
    });
  });

  it("alarms when the rule matched any event in 5 minutes (AWS/Events MatchedEvents by RuleName), notifying the alarm topic", () => {
    const topic = "arn:aws:sns:eu-west-1:444455556666:alarms";
    const { source, tf } = synth({ alarmTopic: topic });

    expect(blockOf(tf, source.alarms.largeLogFiles!)).toMatchObject({
      alarm_name: "shop-waf-large-waf-log-files",
      namespace: "AWS/Events",
      metric_name: "MatchedEvents",
      dimensions: { RuleName: "shop-waf-large-waf-log-files" },
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "notBreaching",
      alarm_actions: [topic],
      ok_actions: [topic],
    });
  });

  it("with largeLogFiles off has no rule, queue, alarm or EventBridge notifications", () => {
    const { source, tf } = synth({ largeLogFiles: { enabled: false } });

    expect(source.largeLogFileRule).toBeUndefined();
    expect(resourcesOfType(tf, "aws_cloudwatch_event_rule")).toEqual({});
    expect(resourcesOfType(tf, "aws_cloudwatch_metric_alarm")).toEqual({});
    expect(blockOf(tf, source.bucketNotification).eventbridge).toBeUndefined();
  });

  it("creates a logging configuration per web ACL that sends to the bucket after its policy exists, with WAF's redaction and filter", () => {
    const { stack, source, tf } = synth({
      webAcls: [{ arn: WEB_ACL_ARN }],
      redactedFields: [{ type: "queryString" }],
      loggingFilter: { keepActions: ["BLOCK"] },
    });

    expect(source.loggingConfigurations).toHaveLength(1);
    expect(blockOf(tf, source.loggingConfigurations[0]!)).toMatchObject({
      resource_arn: WEB_ACL_ARN,
      log_destination_configs: [ref(source.landingBucket.bucket, "arn")],
      redacted_fields: [{ query_string: {} }],
      logging_filter: { default_behavior: "DROP" },
      depends_on: [`aws_s3_bucket_policy.${stack.getLogicalId(source.landingBucket.policy)}`],
    });
  });

  it("adds the regions of its web ACLs to the delivery regions", () => {
    const global = `arn:aws:wafv2:us-east-1:${SOURCE_ACCOUNT}:global/webacl/cdn/0f2d6a8e-3c1b-4e7a-9d5f-2b8c4a6e1f31`;
    const { source } = synth({
      region: "us-east-1",
      archive: {
        ...minimalProps().archive,
        region: "us-east-1",
        notificationQueueArn: QUEUE_ARN.replace("eu-west-1", "us-east-1"),
      },
      webAclRegions: ["eu-west-1"],
      webAcls: [{ arn: global }],
    });

    expect(source.deliveryRegions).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("stands alone in a stack of its own and passes every security rule, with SSE and with a created key", () => {
    for (const encryption of ["sse", "kms"] as const) {
      const stack = emptyStack();
      new WafS3LogSource(stack, "Source", { ...minimalProps(), encryption, webAcls: [{ arn: WEB_ACL_ARN }] });
      addChecks(stack);

      expect(synthErrors(stack)).toEqual([]);
    }
  });
});
