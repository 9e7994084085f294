import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Testing,
  Tokenization,
} from "cdktf";
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
      customCortexAccount: false,
      externalIdName: "externalId",
      encryption: { type: "sse" },
      versioning: { enabled: true, noncurrentVersionExpirationDays: 30 },
      dashboard: true,
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
        externalId: "too-short",
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
        "  - externalId: must be 32–1224 characters long (got 9): anyone who guesses it can read the logs through Cortex",
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

  describe("integrity of the log bucket", () => {
    it("turns versioning on and expires noncurrent versions after 30 days by default", () => {
      const stack = emptyStack();
      const archive = new WafLogArchive(stack, "Archive", minimalProps());
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

      expect(blockOf(tf, archive.logArchiveBucket.versioning!)).toMatchObject({
        bucket: ref(archive.logArchiveBucket.bucket, "id"),
        versioning_configuration: { status: "Enabled" },
      });
      expect(blockOf(tf, archive.logArchiveBucket.lifecycleConfiguration)).toMatchObject({
        rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] })],
      });
    });

    it("keeps noncurrent versions for the configured days", () => {
      const stack = emptyStack();
      const archive = new WafLogArchive(stack, "Archive", {
        ...minimalProps(),
        versioning: { noncurrentVersionExpirationDays: 400 },
      });
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

      expect(blockOf(tf, archive.logArchiveBucket.lifecycleConfiguration)).toMatchObject({
        rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 400 }] })],
      });
    });

    it("enables Object Lock with its own resource, never with object_lock_enabled on the bucket (which replaces it)", () => {
      const stack = emptyStack();
      const archive = new WafLogArchive(stack, "Archive", {
        ...minimalProps(),
        objectLock: { mode: "COMPLIANCE", retentionDays: 365 },
      });
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;

      expect(blockOf(tf, archive.logArchiveBucket.bucket)).not.toHaveProperty("object_lock_enabled");
      expect(blockOf(tf, archive.logArchiveBucket.objectLockConfiguration!)).toEqual({
        bucket: ref(archive.logArchiveBucket.bucket, "id"),
        object_lock_enabled: "Enabled",
        rule: { default_retention: { mode: "COMPLIANCE", days: 365 } },
        depends_on: [`aws_s3_bucket_versioning.${stack.getLogicalId(archive.logArchiveBucket.versioning!)}`],
      });
    });

    it("has no Object Lock unless asked", () => {
      const archive = new WafLogArchive(emptyStack(), "Archive", minimalProps());

      expect(archive.logArchiveBucket.objectLockConfiguration).toBeUndefined();
    });

    it("refuses Object Lock without versioning", () => {
      const build = () =>
        new WafLogArchive(emptyStack(), "Archive", {
          ...minimalProps(),
          versioning: { enabled: false },
          objectLock: { mode: "GOVERNANCE", retentionDays: 30 },
        });

      expect(build).toThrow(
        "  - objectLock: needs versioning.enabled: S3 enables Object Lock only on a versioned bucket (remove objectLock or turn versioning on)",
      );
    });

    it("refuses an unknown Object Lock mode and a retention out of range", () => {
      const build = () =>
        new WafLogArchive(emptyStack(), "Archive", {
          ...minimalProps(),
          objectLock: { mode: "LEGAL" as "GOVERNANCE", retentionDays: 0 },
        });

      expect(build).toThrow('  - objectLock.mode: must be "GOVERNANCE" or "COMPLIANCE", got "LEGAL"');
      expect(build).toThrow(
        "  - objectLock.retentionDays: must be a whole number of days from 1 to 36500, got 0",
      );
    });

    it("suppresses the versioning rule, with the reason, only when versioning is turned off", () => {
      const stack = emptyStack();
      new WafLogArchive(stack, "Archive", { ...minimalProps(), versioning: { enabled: false } });
      const printed: string[] = [];
      addChecks(stack, (line) => printed.push(line));

      expect(synthErrors(stack)).toEqual([]);
      expect(printed).toContainEqual(
        expect.stringMatching(
          /^Suppressed \[WLP-S3-4\] at aws_s3_bucket\.Archive_LogArchiveBucket_[0-9A-F]+: versioning of the log bucket is turned off/,
        ),
      );
    });
  });

  describe("trust", () => {
    it.each(["006742885340", "685269782068"])("accepts Cortex's account %s", (cortexAccountId) => {
      expect(
        () => new WafLogArchive(emptyStack(), "Archive", { ...minimalProps(), cortexAccountId }),
      ).not.toThrow();
    });

    it("refuses any other account unless a custom account is meant", () => {
      const build = (customCortexAccount: boolean) => () =>
        new WafLogArchive(emptyStack(), "Archive", {
          ...minimalProps(),
          cortexAccountId: "006742885341",
          customCortexAccount,
        });

      expect(build(false)).toThrow(
        '  - cortexAccountId: must be the account Cortex assumes roles from, 006742885340 (commercial) or 685269782068 (FedRAMP); set customCortexAccount: true if another account is really meant, got "006742885341"',
      );
      expect(build(true)).not.toThrow();
    });

    it.each([
      ["a short one", "ab", "must be 32–1224 characters long (got 2)"],
      ["a repeated character", "a".repeat(40), "must use at least 8 different characters"],
      ["the nil UUID", "00000000-0000-0000-0000-000000000000", "must use at least 8 different characters"],
      ["a UUID template", "XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX", "must use at least 8 different characters"],
      [
        "the placeholder of the offline plans of earlier versions",
        "2f0c8e4e-6a1b-4c3d-9e8f-7a6b5c4d3e2f",
        "must not be a published placeholder",
      ],
      [
        "a character AWS refuses",
        "3f6c1a2b 8d4e-4f5a-9b6c-7d8e9f0a1b2c",
        "must use only letters, digits and _+=,.@:/-",
      ],
    ])("refuses %s as a literal external ID without printing it", (_what, externalId, message) => {
      const build = () => new WafLogArchive(emptyStack(), "Archive", { ...minimalProps(), externalId });

      expect(build).toThrow(`  - externalId: ${message}`);
      expect(() => build()).toThrow(
        expect.not.objectContaining({ message: expect.stringContaining(externalId) }),
      );
    });

    it("accepts a random UUID as a literal external ID", () => {
      expect(
        () =>
          new WafLogArchive(emptyStack(), "Archive", {
            ...minimalProps(),
            externalId: "3f6c1a2b-8d4e-4f5a-9b6c-7d8e9f0a1b2c",
          }),
      ).not.toThrow();
    });

    it("puts the external ID rules on the reader role as preconditions, naming the variable and never the value", () => {
      const stack = emptyStack();
      const variable = new TerraformVariable(stack, "cortex_external_id", {
        type: "string",
        sensitive: true,
      });
      const archive = new WafLogArchive(stack, "Archive", {
        ...minimalProps(),
        externalId: variable.stringValue,
        externalIdName: "cortex_external_id",
      });
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
      const preconditions = (
        blockOf(tf, archive.cortexReaderRole.role).lifecycle as {
          precondition: { condition: string; error_message: string }[];
        }
      ).precondition;

      expect(preconditions.map((p) => p.condition)).toEqual([
        "${((length(var.cortex_external_id) >= 32) && (length(var.cortex_external_id) <= 1224))}",
        '${can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.cortex_external_id))}',
        '${(length(distinct(split("", var.cortex_external_id))) >= 8)}',
        expect.stringMatching(
          /^\$\{!contains\(\["your-external-id-here", .*\], lower\(var\.cortex_external_id\)\)\}$/,
        ),
      ]);
      for (const p of preconditions) expect(p.error_message).toMatch(/^cortex_external_id /);
    });
  });

  describe("dashboard", () => {
    it("has a dashboard of its own with the queues, the bucket and its alarms", () => {
      const stack = emptyStack();
      const archive = new WafLogArchive(stack, "Archive", minimalProps());
      const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
      const block = blockOf(tf, archive.dashboard!.dashboard);
      const body = JSON.parse(block.dashboard_body as string) as {
        widgets: { type: string; properties: Record<string, unknown> }[];
      };

      expect(block.dashboard_name).toBe("central-waf-archive");
      expect(JSON.stringify(body)).toContain(
        '"AWS/SQS","ApproximateAgeOfOldestMessage","QueueName","central-waf-notifications"',
      );
      expect(JSON.stringify(body)).toContain(
        '"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","central-waf-notifications-dlq"',
      );
      expect(body.widgets.filter((w) => w.type === "alarm").flatMap((w) => w.properties.alarms)).toEqual([
        "arn:aws:cloudwatch:us-east-1:111122223333:alarm:central-waf-dead-letter-queue-messages",
        "arn:aws:cloudwatch:us-east-1:111122223333:alarm:central-waf-notification-queue-age",
      ]);
    });

    it("has none when turned off", () => {
      const archive = new WafLogArchive(emptyStack(), "Archive", { ...minimalProps(), dashboard: false });

      expect(archive.dashboard).toBeUndefined();
    });
  });
});
