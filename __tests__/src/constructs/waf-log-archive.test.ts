import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from "cdktf";
import { describe, expect, it } from "vitest";
import { KEY_PREFIX_RULES } from "../../../functions/waf-log-processor/environment";
import { ValidationError } from "../../../src/constructs/validation";
import { WafLogArchive, type WafLogArchiveProps } from "../../../src/constructs/waf-log-archive";
import { blockOf, policyOf, ref, type TerraformJson } from "../../helpers/stack";
import { addChecks, synthErrors } from "../rules/rule-test-kit";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** The smallest valid props. */
function minimalProps(): WafLogArchiveProps {
  return {
    name: "central-waf",
    accountId: "111122223333",
    region: "us-east-1",
    bucketName: "central-waf-archive",
    externalId: "${var.cortex_external_id}",
  };
}

/** A stack with an AWS provider and nothing else. */
function emptyStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "archive");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

describe("WafLogArchive", () => {
  it("applies the defaults of its props schema", () => {
    const archive = new WafLogArchive(emptyStack(), "Archive", minimalProps());

    expect(archive.props).toEqual({
      ...minimalProps(),
      keyPrefix: "raw/",
      lifecycle: { infrequentAccessDays: 30, glacierDays: 90, deepArchiveDays: 365, expirationDays: 2555 },
      transitionDefaultMinimumObjectSize: "all_storage_classes_128K",
      abortIncompleteMultipartUploadDays: 7,
      queue: { visibilityTimeoutSeconds: 900, maxReceiveCount: 3, deadLetterRetentionDays: 14 },
      cortexAccountId: "006742885340",
      encryption: { type: "sse" },
      alarms: {
        enabled: true,
        deadLetterQueueMessages: { enabled: true, threshold: 0 },
        notificationQueueAge: { enabled: true, thresholdSeconds: 1800 },
      },
      writerRoleArns: [],
    });
  });

  it("lists every invalid prop with its path in one ValidationError, in the format of configuration errors", () => {
    const build = () =>
      new WafLogArchive(emptyStack(), "Archive", {
        ...minimalProps(),
        name: "bad name",
        accountId: "1",
        bucketName: "Bad_Name",
        lifecycle: { infrequentAccessDays: 10 },
        queue: { maxReceiveCount: 0 },
        externalId: "",
        encryption: { type: "kms", keyArn: KEY_ARN.replace("us-east-1", "eu-west-1") },
      });

    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      [
        "Invalid WafLogArchive props (7 problems):",
        '  - name: must be 1–40 letters, digits, - and _ (every resource name starts with it, e.g. <name>-processor), got "bad name"',
        '  - accountId: must be a 12-digit AWS account id in quotes, e.g. "111122223333", got "1"',
        '  - bucketName: must be a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens; see the S3 bucket naming rules): must use only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit, got "Bad_Name"',
        "  - lifecycle.infrequentAccessDays: must be a whole number of days ≥ 30 (S3 moves objects to STANDARD_IA only after 30 days), or null to skip this tier, got 10",
        "  - queue.maxReceiveCount: must be a whole number from 1 to 1000, got 0",
        "  - externalId: must not be empty",
        "  - encryption.keyArn: must be a key in us-east-1, the region of the bucket and queues (S3 and SQS use only keys in their own Region), got a key in eu-west-1",
      ].join("\n"),
    );
  });

  it.each(["raw logs/", "/raw/", "raw//", "a/../b/"])(
    "rejects the key prefix %j, which the processor would reject at cold start",
    (keyPrefix) => {
      const build = () => new WafLogArchive(emptyStack(), "Archive", { ...minimalProps(), keyPrefix });
      expect(build).toThrow(/\n {2}- keyPrefix: must /);
      expect(build).toThrow(KEY_PREFIX_RULES);
    },
  );

  it("stands alone in a stack of its own and passes every security rule", () => {
    const stack = emptyStack();
    new WafLogArchive(stack, "Archive", { ...minimalProps(), encryption: "kms" });
    addChecks(stack);

    expect(synthErrors(stack)).toEqual([]);
  });

  it("offers a forwarder its bucket, key prefix and key as references", () => {
    const stack = emptyStack();
    const archive = new WafLogArchive(stack, "Archive", {
      ...minimalProps(),
      keyPrefix: "waf/",
      encryption: { type: "kms", keyArn: KEY_ARN },
    });

    expect(
      Tokenization.resolve(archive.destination, {
        scope: stack,
        resolver: new DefaultTokenResolver(new StringConcat()),
      }),
    ).toEqual({
      bucketName: ref(archive.logArchiveBucket.bucket, "id"),
      bucketArn: ref(archive.logArchiveBucket.bucket, "arn"),
      keyPrefix: "waf/",
      kmsKeyArn: KEY_ARN,
    });
  });

  describe("grantWrite", () => {
    /** The key policy statements of an archive with a created key and `writers` granted. */
    function keyPolicyWith(writers: number) {
      const stack = emptyStack();
      const archive = new WafLogArchive(stack, "Archive", { ...minimalProps(), encryption: "kms" });
      const roles = Array.from({ length: writers }, (_, index) => {
        const role = new IamRole(stack, `Writer${index}`, { assumeRolePolicy: "{}" });
        archive.grantWrite(role);
        return role;
      });
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
      return { roles, statements: policyOf(blockOf(tf, archive.pipelineKeyPolicy!.policy)).Statement };
    }

    it("admits no writer to the key before one is granted", () => {
      expect(keyPolicyWith(0).statements.map((s) => s.Sid)).toEqual([
        "AccountAdministersKey",
        "S3EncryptsEventNotifications",
        "CortexReaderDecrypts",
      ]);
    });

    it("lets a granted role generate data keys and decrypt with the archive's key", () => {
      const { roles, statements } = keyPolicyWith(1);

      expect(statements.find((s) => s.Sid === "ProcessorWritesObjectsAndFailures")).toEqual({
        Sid: "ProcessorWritesObjectsAndFailures",
        Effect: "Allow",
        Principal: { AWS: ref(roles[0]!, "arn") },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
      });
    });

    it("names every granted role in one statement", () => {
      const { roles, statements } = keyPolicyWith(2);

      expect(statements.find((s) => s.Sid === "ProcessorWritesObjectsAndFailures")?.Principal).toEqual({
        AWS: roles.map((role) => ref(role, "arn")),
      });
    });
  });
});
