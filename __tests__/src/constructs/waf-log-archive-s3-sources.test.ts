import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/constructs/validation";
import { WafLogArchive, type WafLogArchiveProps } from "../../../src/constructs/waf-log-archive";
import { WafS3LogSource } from "../../../src/constructs/waf-s3-log-source";
import { blockOf, policyOf, ref, type TerraformJson } from "../../helpers/stack";
import { addChecks, synthErrors } from "../rules/rule-test-kit";

const ARCHIVE_ACCOUNT = "111122223333";
const SOURCE_ACCOUNT = "444455556666";
const LANDING_BUCKET = "aws-waf-logs-shop-444455556666";

function archiveProps(): WafLogArchiveProps {
  return {
    name: "central-waf",
    accountId: ARCHIVE_ACCOUNT,
    region: "eu-west-1",
    bucketName: "central-waf-archive",
    externalId: "${var.cortex_external_id}",
  };
}

function emptyStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "archive");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

function synth(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("WafLogArchive.admitS3Source", () => {
  it("adds nothing to the queue, key or reader policies while no source is admitted", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", { ...archiveProps(), encryption: "kms" });
    const tf = synth(stack);

    expect(policyOf(blockOf(tf, archive.notificationQueues.queuePolicy)).Statement.map((s) => s.Sid)).toEqual(
      ["AllowS3EventNotifications", "DenyInsecureTransport"],
    );
    expect(JSON.stringify(policyOf(blockOf(tf, archive.cortexReaderRole.policy)))).not.toContain(
      "WafS3Source",
    );
    expect(JSON.stringify(policyOf(blockOf(tf, archive.pipelineKeyPolicy!.policy)))).not.toContain(
      "WafS3Source",
    );
  });

  it("lets S3 notify the queue for the landing bucket of another account, by aws:SourceArn and aws:SourceAccount", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", archiveProps());
    archive.admitS3Source({ bucketName: LANDING_BUCKET, accountId: SOURCE_ACCOUNT });
    const tf = synth(stack);

    const statements = policyOf(blockOf(tf, archive.notificationQueues.queuePolicy)).Statement;
    expect(statements.find((s) => s.Sid === "AllowS3EventNotificationsOfWafS3Source1")).toEqual({
      Sid: "AllowS3EventNotificationsOfWafS3Source1",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: ref(archive.notificationQueues.queue, "arn"),
      Condition: {
        ArnEquals: { "aws:SourceArn": `arn:aws:s3:::${LANDING_BUCKET}` },
        StringEquals: { "aws:SourceAccount": SOURCE_ACCOUNT },
      },
    });
    // The archive bucket's own statement is unchanged.
    expect(statements.find((s) => s.Sid === "AllowS3EventNotifications")?.Condition).toEqual({
      ArnEquals: { "aws:SourceArn": ref(archive.logArchiveBucket.bucket, "arn") },
      StringEquals: { "aws:SourceAccount": ARCHIVE_ACCOUNT },
    });
  });

  it("lets the reader role GetObject under the landing bucket's AWSLogs/ and decrypt its key through S3 only", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", archiveProps());
    archive.admitS3Source({
      bucketName: LANDING_BUCKET,
      accountId: SOURCE_ACCOUNT,
      kmsKeyArn: `arn:aws:kms:eu-west-1:${SOURCE_ACCOUNT}:key/*`,
    });
    const tf = synth(stack);

    const statements = policyOf(blockOf(tf, archive.cortexReaderRole.policy)).Statement;
    expect(statements.find((s) => s.Sid === "ReadWafS3SourceLogFiles")).toEqual({
      Sid: "ReadWafS3SourceLogFiles",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: [`arn:aws:s3:::${LANDING_BUCKET}/AWSLogs/*`],
    });
    expect(statements.find((s) => s.Sid === "DecryptWafS3SourceLogFilesThroughS3")).toEqual({
      Sid: "DecryptWafS3SourceLogFilesThroughS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: [`arn:aws:kms:eu-west-1:${SOURCE_ACCOUNT}:key/*`],
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
  });

  it("with a key the archive created lets S3 encrypt the landing bucket's notifications to the encrypted queue", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", { ...archiveProps(), encryption: "kms" });
    archive.admitS3Source({ bucketName: LANDING_BUCKET, accountId: SOURCE_ACCOUNT });
    const tf = synth(stack);

    const statements = policyOf(blockOf(tf, archive.pipelineKeyPolicy!.policy)).Statement;
    expect(statements.find((s) => s.Sid === "S3EncryptsEventNotificationsOfWafS3Sources")).toEqual({
      Sid: "S3EncryptsEventNotificationsOfWafS3Sources",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": [SOURCE_ACCOUNT] },
        ArnLike: { "aws:SourceArn": [`arn:aws:s3:::${LANDING_BUCKET}`] },
      },
    });
  });

  it("makes a source of the same stack wait for the queue and key policies, and the whole stack passes every security rule", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", { ...archiveProps(), encryption: "kms" });
    const source = new WafS3LogSource(stack, "Source", {
      name: "central-waf-s3",
      accountId: ARCHIVE_ACCOUNT,
      region: "eu-west-1",
      bucketName: "aws-waf-logs-central",
      encryption: "kms",
      archive: {
        accountId: ARCHIVE_ACCOUNT,
        region: "eu-west-1",
        notificationQueueArn: archive.notificationQueues.queue.arn,
        readerRoleArn: archive.cortexReaderRole.role.arn,
      },
    });
    archive.admitS3Source(source);
    addChecks(stack);

    expect(synthErrors(stack)).toEqual([]);
    const tf = synth(stack);
    expect(blockOf(tf, source.bucketNotification).depends_on).toEqual([
      `aws_sqs_queue_policy.${stack.getLogicalId(archive.notificationQueues.queuePolicy)}`,
      `aws_kms_key_policy.${stack.getLogicalId(archive.pipelineKeyPolicy!.policy)}`,
    ]);
    expect(blockOf(tf, source.bucketNotification).queue).toEqual([
      expect.objectContaining({ queue_arn: ref(archive.notificationQueues.queue, "arn") }),
    ]);
    const reader = policyOf(blockOf(tf, archive.cortexReaderRole.policy)).Statement;
    expect(reader.find((s) => s.Sid === "DecryptWafS3SourceLogFilesThroughS3")?.Resource).toEqual([
      ref(source.key!.key, "arn"),
    ]);
    // One notification configuration per bucket: the archive's and the landing bucket's, each once.
    const notifiedBuckets = Object.values(tf.resource.aws_s3_bucket_notification!).map((n) => n.bucket);
    expect(notifiedBuckets.sort()).toEqual(
      [ref(archive.logArchiveBucket.bucket, "id"), ref(source.landingBucket.bucket, "id")].sort(),
    );
  });

  it("rejects a landing bucket without the aws-waf-logs- prefix, and a key of another region", () => {
    const archive = new WafLogArchive(emptyStack(), "Archive", archiveProps());

    expect(() => archive.admitS3Source({ bucketName: "shop-logs", accountId: SOURCE_ACCOUNT })).toThrow(
      /bucketName: must start with "aws-waf-logs-"/,
    );
    expect(() =>
      archive.admitS3Source({
        bucketName: LANDING_BUCKET,
        accountId: SOURCE_ACCOUNT,
        kmsKeyArn: `arn:aws:kms:us-east-1:${SOURCE_ACCOUNT}:key/*`,
      }),
    ).toThrow(
      "  - kmsKeyArn: must be a key in eu-west-1, the region of the bucket (S3 uses only keys of its own Region), got a key in us-east-1",
    );
  });

  it("rejects a source in another region: S3 notifies only a queue of the bucket's region", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", archiveProps());
    const source = new WafS3LogSource(stack, "Source", {
      name: "shop",
      accountId: SOURCE_ACCOUNT,
      region: "us-east-1",
      bucketName: LANDING_BUCKET,
      archive: {
        accountId: ARCHIVE_ACCOUNT,
        region: "us-east-1",
        notificationQueueArn: `arn:aws:sqs:us-east-1:${ARCHIVE_ACCOUNT}:q`,
        readerRoleArn: `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/r`,
      },
    });

    expect(() => archive.admitS3Source(source)).toThrow(ValidationError);
    expect(() => archive.admitS3Source(source)).toThrow(
      "  - region: must be the archive's region eu-west-1 (S3 notifies only a queue of the bucket's own Region), got us-east-1",
    );
  });
});
