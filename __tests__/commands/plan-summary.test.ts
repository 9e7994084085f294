import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parsePlanJson, type PlanJson } from "../../commands/lib/plan-json.js";
import { summarizePlan } from "../../commands/lib/plan-summary.js";
import {
  main as planSummaryMain,
  parsePlanSummaryArgs,
  PLAN_SUMMARY_USAGE,
} from "../../commands/plan-summary.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "plan");
const root = join(import.meta.dirname, "..", "..");

/** A fixture of `__tests__/fixtures/plan/`, parsed as the CLI does. */
function fixture(name: string): PlanJson {
  return parsePlanJson(readFileSync(join(fixtures, name), "utf8"), name);
}

const WARNING_HEADER =
  "> [!CAUTION]\n> **This plan deletes or replaces resources that hold data or grant access, changes who may get in, or lowers the protection of archived objects. Check each line below before you approve.**\n>\n";

/** The warning lines of a summary (`> - …`), in order. */
function warningLines(markdown: string): string[] {
  return markdown.split("\n").filter((line) => line.startsWith("> - "));
}

const KEY_WARNING =
  "the customer-managed KMS key: the objects and messages encrypted with it become unreadable once it is deleted at the end of its deletion window.";
const KEY_POLICY_WARNING =
  "the KMS key policy decides who may use the key, and so who may decrypt the logs and messages (the processor, S3, Cortex, CloudWatch); a missing grant stops the pipeline or cuts Cortex off.";
const READER_POLICY_WARNING =
  "the Cortex reader role's policy decides what Cortex may read (the objects, the notification queue, `kms:Decrypt`); a narrower policy cuts Cortex off, a wider one lets it read more.";

describe("parsePlanJson", () => {
  it("names the file when it is not JSON", () => {
    expect(() => parsePlanJson("{", "plan.json")).toThrow(/^plan\.json: not JSON \(/);
  });

  it("names the file and the field when an action list is unknown", () => {
    const plan = JSON.stringify({
      format_version: "1.2",
      resource_changes: [
        { address: "a.b", mode: "managed", type: "a", name: "b", change: { actions: ["destroy"] } },
      ],
    });
    expect(() => parsePlanJson(plan, "plan.json")).toThrow(
      'plan.json: not a "terraform show -json" plan: resource_changes.0.change.actions: expected one of ["no-op"], ["create"], ["read"], ["update"], ["delete","create"], ["create","delete"], ["delete"], ["forget"]',
    );
  });

  it("rejects a format version other than 1.x", () => {
    expect(() => parsePlanJson('{"format_version":"2.0"}', "p.json")).toThrow(
      'p.json: not a "terraform show -json" plan: format_version: expected a 1.x format_version such as "1.2"',
    );
  });
});

describe("summarizePlan", () => {
  it("counts the changes and lists the attribute names each update changes", () => {
    const markdown = summarizePlan(fixture("update.json"));
    expect(markdown).toBe(
      [
        "**Plan:** 0 to create, 2 to update, 0 to replace, 0 to delete.",
        "",
        "| Resource | Action | Changed attributes |",
        "| --- | --- | --- |",
        "| `aws_sqs_queue.notification-queue` | update | `tags`, `tags_all`, `visibility_timeout_seconds` |",
        "| `aws_lambda_function.processor` | update | `last_modified`, `memory_size` |",
        "",
      ].join("\n"),
    );
  });

  it("leaves out no-op resources and data source reads", () => {
    const markdown = summarizePlan(fixture("update.json"));
    expect(markdown).not.toContain("aws_s3_bucket.log-bucket");
    expect(markdown).not.toContain("data.aws_iam_policy_document.processor");
  });

  it("shows no warning when nothing that holds data or access is deleted or replaced", () => {
    expect(summarizePlan(fixture("update.json"))).not.toContain("[!CAUTION]");
  });

  it("never prints the value of an attribute marked sensitive", () => {
    const markdown = summarizePlan(fixture("update.json"));
    expect(markdown).not.toContain("tok-5f1e9a7c-secret");
  });

  it("warns when the log bucket is replaced by destroy-then-create and marks the attribute that forces it", () => {
    const markdown = summarizePlan(fixture("replace-delete-create.json"));
    expect(markdown).toContain(
      `${WARNING_HEADER}> - **replace** \`aws_s3_bucket.log-bucket\`: the log bucket: it holds the archived WAF logs that Cortex reads.\n`,
    );
    expect(markdown).toContain("**Plan:** 0 to create, 0 to update, 1 to replace, 0 to delete.");
    expect(markdown).toContain(
      "| `aws_s3_bucket.log-bucket` | replace (destroy, then create) | `arn`, `bucket` (forces replacement) |",
    );
  });

  it("warns when the Cortex reader role is replaced create-then-destroy, and only for that role", () => {
    const markdown = summarizePlan(fixture("replace-create-delete.json"));
    expect(markdown).toContain(
      `${WARNING_HEADER}> - **replace** \`aws_iam_role.cortex-reader\`: the Cortex reader role: Cortex loses access to the logs until it is re-created and re-verified.\n\n`,
    );
    expect(markdown).toContain(
      "| `aws_lambda_function.processor` | replace (create, then destroy) | `package_type` (forces replacement) |",
    );
    expect(markdown).not.toContain("> - **replace** `aws_lambda_function.processor`");
  });

  it("warns for each deleted queue and log group, not for a deleted permission", () => {
    const markdown = summarizePlan(fixture("delete.json"));
    expect(markdown).toContain(
      [
        "> - **delete** `aws_sqs_queue.dead-letter-queue`: a queue: it holds messages not yet processed (S3 notifications for Cortex, dead letters or failed events).",
        "> - **delete** `aws_cloudwatch_log_group.processor`: the processor's log group: it holds the processor's logs.",
        "",
        "**Plan:** 0 to create, 0 to update, 0 to replace, 3 to delete.",
      ].join("\n"),
    );
    expect(markdown).toContain('| `aws_lambda_permission.subscription["aws-waf-logs-old"]` | delete |  |');
    expect(markdown).not.toContain("> - **delete** `aws_lambda_permission");
  });

  it("warns when the Cortex reader role's trust policy changes", () => {
    const markdown = summarizePlan(fixture("trust-policy.json"));
    expect(markdown.startsWith(WARNING_HEADER)).toBe(true);
    expect(markdown).toContain(
      "> - **trust policy change** `aws_iam_role.cortex-reader`: `assume_role_policy` of the Cortex reader role changes; it decides who may assume the role (the Cortex account and the external ID).",
    );
    expect(markdown).toContain("| `aws_iam_role.cortex-reader` | update | `assume_role_policy` |");
  });

  it("warns when the trust policy of any role changes, and says whom it now admits", () => {
    expect(warningLines(summarizePlan(fixture("trust-policy-other-role.json")))).toEqual([
      "> - **trust policy change** `aws_iam_role.Processor_Role_59F44976`: `assume_role_policy` changes; it decides who may assume the role; it admits new principals `arn:aws:iam::999988887777:root`; it names new accounts `999988887777`; it lets `arn:aws:iam::999988887777:root` in without conditions.",
    ]);
  });

  it("warns when a bucket policy admits a new principal from another account without conditions", () => {
    expect(warningLines(summarizePlan(fixture("bucket-policy-new-principal.json")))).toEqual([
      "> - **access widened** `aws_s3_bucket_policy.LogArchiveBucket_Policy_E9D36E79`: the bucket policy admits new principals `arn:aws:iam::999988887777:role/partner-reader`.",
      "> - **access widened** `aws_s3_bucket_policy.LogArchiveBucket_Policy_E9D36E79`: the bucket policy names new accounts `999988887777`.",
      "> - **access widened** `aws_s3_bucket_policy.LogArchiveBucket_Policy_E9D36E79`: the bucket policy lets `arn:aws:iam::999988887777:role/partner-reader` in without conditions.",
    ]);
  });

  it("warns when a queue policy names a new account in its conditions", () => {
    expect(warningLines(summarizePlan(fixture("queue-policy-new-account.json")))).toEqual([
      "> - **access widened** `aws_sqs_queue_policy.NotificationQueues_QueuePolicy_4EAFDC54`: the queue policy names new accounts `999988887777`.",
    ]);
  });

  it("warns when a key policy statement loses its conditions", () => {
    expect(warningLines(summarizePlan(fixture("key-policy-condition-removed.json")))).toEqual([
      "> - **access widened** `aws_kms_key_policy.PipelineKeyPolicy_9E9AED19`: the key policy lets `service:s3.amazonaws.com` in without conditions.",
      `> - **key policy update** \`aws_kms_key_policy.PipelineKeyPolicy_9E9AED19\`: ${KEY_POLICY_WARNING}`,
    ]);
  });

  it("warns when a policy is created for a bucket that already exists, letting everyone in", () => {
    expect(warningLines(summarizePlan(fixture("bucket-policy-created-for-existing-bucket.json")))).toEqual([
      "> - **access widened** `aws_s3_bucket_policy.Imported_Policy_1A2B3C4D`: the bucket policy admits new principals `*`.",
      "> - **access widened** `aws_s3_bucket_policy.Imported_Policy_1A2B3C4D`: the bucket policy lets `*` in without conditions.",
    ]);
  });

  it("says when a new policy is known only at apply and cannot be checked", () => {
    expect(warningLines(summarizePlan(fixture("queue-policy-unknown.json")))).toEqual([
      "> - **access unknown** `aws_sqs_queue_policy.NotificationQueues_QueuePolicy_4EAFDC54`: the new queue policy is known only at apply, so who it lets in cannot be checked here; review the configuration change that causes it.",
    ]);
  });

  it("does not warn when a policy only adds a denial or a condition", () => {
    expect(summarizePlan(fixture("queue-policy-tightened.json"))).not.toContain("[!CAUTION]");
  });

  it("does not warn about the policies of a first deploy, whose resources are created in the same plan", () => {
    const plan = parsePlanJson(
      JSON.stringify({
        format_version: "1.2",
        resource_changes: [
          {
            address: "aws_sqs_queue_policy.q",
            mode: "managed",
            type: "aws_sqs_queue_policy",
            name: "q",
            change: {
              actions: ["create"],
              before: null,
              after: { policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*"}]}' },
              after_unknown: { queue_url: true },
            },
          },
        ],
      }),
      "inline.json",
    );
    expect(summarizePlan(plan)).not.toContain("[!CAUTION]");
  });

  it("warns to drain the legacy failure queue before it is deleted", () => {
    expect(warningLines(summarizePlan(fixture("failure-queue-delete.json")))).toEqual([
      "> - **delete** `aws_sqs_queue.Processor_FailureQueue_2902D141`: the legacy failure queue: every message in it is an event the processor gave up on and that is in no bucket; drain it with `npm run redrive -- --env <env>` first (redrive says when it is empty), and only then remove it with `keepFailureQueue: false`.",
    ]);
  });

  it("warns when the failure store would be replaced, naming what it holds", () => {
    expect(warningLines(summarizePlan(fixture("failure-store-replace.json")))).toEqual([
      "> - **replace** `aws_s3_bucket.FailureStore_Bucket_D469AA0E`: the failure store: it holds the on-failure records of events the processor gave up on; run `npm run redrive` before it goes.",
    ]);
  });

  it("warns when versioning is suspended and the Object Lock retention shortened", () => {
    expect(warningLines(summarizePlan(fixture("versioning-suspended.json")))).toEqual([
      "> - **versioning suspended** `aws_s3_bucket_versioning.LogArchiveBucket_Versioning_4C481514`: S3 suspends versioning (it cannot be turned off); from then on an overwrite or delete of an object cannot be undone.",
      "> - **Object Lock retention shortened** `aws_s3_bucket_object_lock_configuration.LogArchiveBucket_ObjectLock_0A1B2C3D`: new objects are protected for fewer days than before.",
    ]);
  });

  it("never prints a condition value of a widened trust policy (the external ID)", () => {
    const plan = fixture("trust-policy.json");
    const after = plan.resource_changes![0]!.change.after as Record<string, string>;
    after.assume_role_policy = after.assume_role_policy!.replace(
      '"Principal":{"AWS":"arn:aws:iam::006742885340:root"}',
      '"Principal":{"AWS":["arn:aws:iam::006742885340:root","arn:aws:iam::999988887777:root"]}',
    );
    const markdown = summarizePlan(plan);
    expect(markdown).toContain("it admits new principals `arn:aws:iam::999988887777:root`");
    expect(markdown).not.toContain("c4f1d2e3-7a8b-4c9d-8e1f-5a6b7c8d9e0f");
  });

  it("warns when the KMS key and its key policy are deleted, not for the alias", () => {
    expect(warningLines(summarizePlan(fixture("kms-key-delete.json")))).toEqual([
      `> - **delete** \`aws_kms_key.PipelineKey_2F649B02\`: ${KEY_WARNING}`,
      `> - **key policy delete** \`aws_kms_key_policy.PipelineKeyPolicy_9E9AED19\`: ${KEY_POLICY_WARNING}`,
    ]);
  });

  it("warns when the KMS key and its key policy are replaced", () => {
    expect(warningLines(summarizePlan(fixture("kms-key-replace.json")))).toEqual([
      `> - **replace** \`aws_kms_key.PipelineKey_2F649B02\`: ${KEY_WARNING}`,
      `> - **key policy replace** \`aws_kms_key_policy.PipelineKeyPolicy_9E9AED19\`: ${KEY_POLICY_WARNING}`,
    ]);
  });

  it("warns when the key policy is updated, not when the key's description is", () => {
    expect(warningLines(summarizePlan(fixture("kms-key-policy-update.json")))).toEqual([
      `> - **key policy update** \`aws_kms_key_policy.PipelineKeyPolicy_9E9AED19\`: ${KEY_POLICY_WARNING}`,
    ]);
  });

  it("puts the warning block with the key policy change above the counts", () => {
    expect(summarizePlan(fixture("kms-key-policy-update.json"))).toContain(
      `${WARNING_HEADER}> - **key policy update** \`aws_kms_key_policy.PipelineKeyPolicy_9E9AED19\`: ${KEY_POLICY_WARNING}\n\n**Plan:** 0 to create, 2 to update, 0 to replace, 0 to delete.`,
    );
  });

  it("warns when the Cortex reader role's inline policy is updated, not the processor's", () => {
    expect(warningLines(summarizePlan(fixture("cortex-reader-policy-update.json")))).toEqual([
      `> - **Cortex reader policy update** \`aws_iam_role_policy.CortexReaderRole_Policy_318BCD95\`: ${READER_POLICY_WARNING}`,
    ]);
  });

  it("recognizes the Cortex reader role's inline policy by its role name under another address", () => {
    expect(warningLines(summarizePlan(fixture("cortex-reader-policy-moved.json")))).toEqual([
      `> - **Cortex reader policy delete** \`aws_iam_role_policy.Reader_Policy_5A1B2C3D\`: ${READER_POLICY_WARNING}`,
    ]);
  });

  it("recognizes the Cortex reader role's inline policy by its address when its role is not known", () => {
    const plan = parsePlanJson(
      JSON.stringify({
        format_version: "1.2",
        resource_changes: [
          {
            address: "aws_iam_role_policy.CortexReaderRole_Policy_318BCD95",
            mode: "managed",
            type: "aws_iam_role_policy",
            name: "CortexReaderRole_Policy_318BCD95",
            change: {
              actions: ["delete", "create"],
              before: { name: "cortex-read-waf-logs" },
              after: { name: "cortex-read-waf-logs" },
              after_unknown: { role: true },
            },
          },
        ],
      }),
      "inline.json",
    );
    expect(warningLines(summarizePlan(plan))).toEqual([
      `> - **Cortex reader policy replace** \`aws_iam_role_policy.CortexReaderRole_Policy_318BCD95\`: ${READER_POLICY_WARNING}`,
    ]);
  });

  it("never prints the old or new external ID of a trust policy change", () => {
    const markdown = summarizePlan(fixture("trust-policy.json"));
    expect(markdown).not.toContain("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
    expect(markdown).not.toContain("c4f1d2e3-7a8b-4c9d-8e1f-5a6b7c8d9e0f");
  });

  it("redacts the value of a sensitive variable wherever it occurs, even in an address", () => {
    const plan = parsePlanJson(
      JSON.stringify({
        format_version: "1.2",
        variables: { token: { value: "hunter2-secret" } },
        configuration: { root_module: { variables: { token: { sensitive: true } } } },
        resource_changes: [
          {
            address: 'aws_sqs_queue.q["hunter2-secret"]',
            mode: "managed",
            type: "aws_sqs_queue",
            name: "q",
            change: { actions: ["create"], before: null, after: {} },
          },
        ],
      }),
      "inline.json",
    );
    const markdown = summarizePlan(plan);
    expect(markdown).toContain('| `aws_sqs_queue.q["(sensitive)"]` | create |  |');
    expect(markdown).not.toContain("hunter2-secret");
  });

  it("says so when nothing changes", () => {
    const plan = parsePlanJson('{"format_version":"1.2","resource_changes":[]}', "empty.json");
    expect(summarizePlan(plan)).toBe(
      "**Plan:** 0 to create, 0 to update, 0 to replace, 0 to delete.\n\nNo changes.\n",
    );
  });

  it("puts the title and the note above everything else", () => {
    const plan = parsePlanJson('{"format_version":"1.2"}', "empty.json");
    expect(summarizePlan(plan, { title: "waf-log-pipeline-dev", note: "Planned offline." })).toBe(
      "### waf-log-pipeline-dev\n\nPlanned offline.\n\n**Plan:** 0 to create, 0 to update, 0 to replace, 0 to delete.\n\nNo changes.\n",
    );
  });
});

describe("npm run plan-summary", () => {
  const run = (...args: string[]) =>
    promisify(execFile)(join(root, "node_modules", ".bin", "tsx"), ["commands/plan-summary.ts", ...args], {
      cwd: root,
    });

  it("prints the summary of the plan file it is given", async () => {
    const { stdout } = await run("__tests__/fixtures/plan/replace-delete-create.json", "--title", "dev");
    expect(stdout.startsWith("### dev\n\n> [!CAUTION]\n")).toBe(true);
  });

  it("exits 1 naming the file when it cannot be read", async () => {
    await expect(run("no-such-plan.json")).rejects.toMatchObject({
      code: 1,
      stderr: "no-such-plan.json: cannot be read (ENOENT)\n",
    });
  });

  it("prints the summary and nothing else", async () => {
    const file = "__tests__/fixtures/plan/replace-delete-create.json";
    const { stdout } = await run(file, "--title", "dev");
    const plan = parsePlanJson(readFileSync(join(root, file), "utf8"), file);
    expect(stdout).toBe(`${summarizePlan(plan, { title: "dev" }).replace(/\n$/, "")}\n`);
  });
});

describe("plan-summary's command line", () => {
  /** Runs main with `argv` and returns the exit code and what it printed. */
  function runMain(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = planSummaryMain(argv, {
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
    });
    return { code, stdout, stderr };
  }

  it("exits 2 with the usage when no plan file is given", () => {
    expect(runMain()).toEqual({
      code: 2,
      stdout: [],
      stderr: [`expected exactly one plan JSON file\n${PLAN_SUMMARY_USAGE}`],
    });
  });

  it("exits 2 with the usage for an unknown option", () => {
    const { code, stderr } = runMain("plan.json", "--titel", "x");
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^Unknown option '--titel'/);
    expect(stderr[0]).toContain(PLAN_SUMMARY_USAGE);
  });

  it("prints the usage for --help and exits 0", () => {
    expect(runMain("--help")).toEqual({ code: 0, stdout: [PLAN_SUMMARY_USAGE], stderr: [] });
  });

  it("reads the file, title and note", () => {
    expect(parsePlanSummaryArgs(["p.json", "--title", "dev", "--note", "n"])).toEqual({
      file: "p.json",
      title: "dev",
      note: "n",
      help: false,
    });
  });
});
