import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/constructs/validation";
import { type PolicyJson, policyOf, resourcesOfType } from "../helpers/stack";
import { ARCHIVE_ACCOUNT, SECOND_ACCOUNT, synthesizeEstate } from "../helpers/estate";

const ARCHIVE = "waf-log-pipeline-estate-archive";
const CLOUDFRONT = `waf-log-pipeline-estate-${ARCHIVE_ACCOUNT}-us-east-1`;
const SECOND = `waf-log-pipeline-estate-${SECOND_ACCOUNT}-eu-west-1`;
const ROLES = [
  `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/waf-log-pipeline-estate-us-east-1-processor`,
  `arn:aws:iam::${SECOND_ACCOUNT}:role/waf-log-pipeline-estate-eu-west-1-processor`,
];
const KMS = { archive: { accountId: ARCHIVE_ACCOUNT, region: "eu-west-1", encryption: { type: "kms" } } };

/** Every policy document of a stack: bucket, key, queue, topic and role policies, with where they are. */
function policies(tf: ReturnType<typeof synthesizeEstate>[string]): { at: string; policy: PolicyJson }[] {
  const attributes: Record<string, string> = {
    aws_s3_bucket_policy: "policy",
    aws_kms_key_policy: "policy",
    aws_sqs_queue_policy: "policy",
    aws_sns_topic_policy: "policy",
    aws_iam_role_policy: "policy",
    aws_iam_role: "assume_role_policy",
  };
  return Object.entries(attributes).flatMap(([type, attribute]) =>
    Object.entries(resourcesOfType(tf, type)).map(([name, block]) => ({
      at: `${type}.${name}`,
      policy: policyOf(block, attribute),
    })),
  );
}

function statement(policy: PolicyJson, sid: string) {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (found === undefined)
    throw new Error(`no statement ${sid}: ${policy.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

function onlyBlock(tf: ReturnType<typeof synthesizeEstate>[string], type: string): Record<string, unknown> {
  const blocks = Object.values(resourcesOfType(tf, type));
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

describe("estate stacks", () => {
  it("are one stack for the archive and one per source", () => {
    expect(Object.keys(synthesizeEstate())).toEqual([ARCHIVE, CLOUDFRONT, SECOND]);
  });

  it("give each stack a provider of its own account and region, which assumes the configured role", () => {
    const stacks = synthesizeEstate({
      archive: {
        accountId: ARCHIVE_ACCOUNT,
        region: "eu-west-1",
        assumeRoleArn: `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/deploy`,
      },
    });

    expect(stacks[ARCHIVE]!.provider.aws).toEqual([
      expect.objectContaining({
        region: "eu-west-1",
        allowed_account_ids: [ARCHIVE_ACCOUNT],
        assume_role: [
          { role_arn: `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/deploy`, session_name: "waf-log-pipeline" },
        ],
      }),
    ]);
    expect(stacks[SECOND]!.provider.aws).toEqual([
      expect.not.objectContaining({ assume_role: expect.anything() }),
    ]);
    expect(stacks[SECOND]!.provider.aws![0]).toMatchObject({
      region: "eu-west-1",
      allowed_account_ids: [SECOND_ACCOUNT],
    });
  });

  it("read no other stack's state", () => {
    for (const tf of Object.values(synthesizeEstate(KMS))) {
      expect(JSON.stringify(tf)).not.toContain("terraform_remote_state");
    }
  });

  it("give each stack its own Terraform Cloud workspace", () => {
    const stacks = synthesizeEstate({ terraformCloud: { organization: "example-org" } });

    expect(Object.values(stacks).map((tf) => tf.terraform.cloud)).toEqual([
      { organization: "example-org", workspaces: { name: ARCHIVE } },
      { organization: "example-org", workspaces: { name: CLOUDFRONT } },
      { organization: "example-org", workspaces: { name: SECOND } },
    ]);
  });

  it("names the environment's field when no Terraform Cloud organization is set anywhere", () => {
    expect(() => synthesizeEstate({ terraformCloud: {} })).toThrow(ValidationError);
    expect(() => synthesizeEstate({ terraformCloud: {} })).toThrow(
      /environments\.estate\.archive\.terraformCloud: is required: set it in the configuration or in the environment variable TF_CLOUD_ORGANIZATION/,
    );
  });
});

describe("the estate's archive stack", () => {
  it("admits exactly the sources' processor roles to the bucket by condition", () => {
    const bucketPolicy = policyOf(onlyBlock(synthesizeEstate()[ARCHIVE]!, "aws_s3_bucket_policy"));
    const writers = bucketPolicy.Statement.filter((s) =>
      JSON.stringify(s.Condition ?? {}).includes("aws:PrincipalArn"),
    );

    expect(writers.length).toBeGreaterThan(0);
    for (const s of writers) {
      expect(s.Effect).toBe("Allow");
      expect(s.Principal).toEqual({
        AWS: [`arn:aws:iam::${ARCHIVE_ACCOUNT}:root`, `arn:aws:iam::${SECOND_ACCOUNT}:root`],
      });
      expect(s.Condition).toMatchObject({
        ArnEquals: { "aws:PrincipalArn": ROLES },
        StringEquals: { "aws:PrincipalAccount": [ARCHIVE_ACCOUNT, SECOND_ACCOUNT] },
      });
    }
    expect(writers.flatMap((s) => [s.Action].flat())).toContain("s3:PutObject");
  });

  it("requires the sources' organization when the configuration names it", () => {
    const stacks = synthesizeEstate({
      archive: { accountId: ARCHIVE_ACCOUNT, region: "eu-west-1", organizationId: "o-exampleorg01" },
    });
    const bucketPolicy = policyOf(onlyBlock(stacks[ARCHIVE]!, "aws_s3_bucket_policy"));
    const writers = bucketPolicy.Statement.filter((s) =>
      JSON.stringify(s.Condition ?? {}).includes("aws:PrincipalArn"),
    );

    for (const s of writers) {
      expect(s.Condition!.StringEquals).toMatchObject({ "aws:PrincipalOrgID": "o-exampleorg01" });
    }
  });

  it("admits the sources' processor roles to the key it creates by condition, through S3 only", () => {
    const keyPolicy = policyOf(onlyBlock(synthesizeEstate(KMS)[ARCHIVE]!, "aws_kms_key_policy"));
    const writers = keyPolicy.Statement.filter((s) =>
      JSON.stringify(s.Condition ?? {}).includes("aws:PrincipalArn"),
    );

    expect(writers).toHaveLength(1);
    expect(writers[0]!.Principal).toEqual({
      AWS: [`arn:aws:iam::${ARCHIVE_ACCOUNT}:root`, `arn:aws:iam::${SECOND_ACCOUNT}:root`],
    });
    expect(writers[0]!.Condition).toMatchObject({
      ArnEquals: { "aws:PrincipalArn": ROLES },
      StringEquals: {
        "aws:PrincipalAccount": [ARCHIVE_ACCOUNT, SECOND_ACCOUNT],
        "kms:ViaService": "s3.eu-west-1.amazonaws.com",
      },
    });
  });

  it("names no source role as a principal in any policy (S3 and KMS reject principals that do not exist yet)", () => {
    for (const tf of Object.values(synthesizeEstate(KMS))) {
      for (const { at, policy } of policies(tf)) {
        for (const s of policy.Statement) {
          expect(JSON.stringify(s.Principal ?? null), `${at} ${s.Sid}`).not.toMatch(/:role\//);
        }
      }
    }
  });

  it("has the outputs of a one-account environment's archive: one queue and one role for one Cortex collector", () => {
    expect(Object.keys(synthesizeEstate()[ARCHIVE]!.output).sort()).toEqual([
      "bucket_name",
      "cortex_collector_settings",
      "cortex_reader_role_arn",
      "dashboard_url",
      "dead_letter_queue_url",
      "notification_queue_arn",
      "notification_queue_url",
    ]);
  });

  it("owns every object whoever writes it (BucketOwnerEnforced: ACLs off)", () => {
    const ownership = onlyBlock(synthesizeEstate()[ARCHIVE]!, "aws_s3_bucket_ownership_controls");

    expect(ownership.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  it("has no processor and no subscription", () => {
    const tf = synthesizeEstate()[ARCHIVE]!;

    expect(resourcesOfType(tf, "aws_lambda_function")).toEqual({});
    expect(resourcesOfType(tf, "aws_cloudwatch_log_subscription_filter")).toEqual({});
  });
});

describe("the estate's source stacks", () => {
  it("write into the archive's bucket in the archive's region under its prefix", () => {
    const fn = onlyBlock(synthesizeEstate()[CLOUDFRONT]!, "aws_lambda_function");

    expect((fn.environment as { variables: Record<string, string> }).variables).toMatchObject({
      S3_BUCKET: `waf-log-pipeline-estate-${ARCHIVE_ACCOUNT}-eu-west-1`,
      S3_BUCKET_REGION: "eu-west-1",
      S3_PREFIX: "raw/",
    });
  });

  it("let the processor use the archive's key (created by the archive stack) only through S3 in the archive's region", () => {
    const role = Object.values(resourcesOfType(synthesizeEstate(KMS)[SECOND]!, "aws_iam_role_policy"));
    const policy = policyOf(role[0]!);

    expect(statement(policy, "UseArchiveKeyThroughS3")).toMatchObject({
      Resource: `arn:aws:kms:eu-west-1:${ARCHIVE_ACCOUNT}:key/*`,
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
  });

  it("discover the log groups of a source with discovery at plan time and subscribe each but the excluded", () => {
    const tf = synthesizeEstate()[SECOND]!;
    const found = Object.values(tf.data.aws_cloudwatch_log_groups ?? {});
    const filters = Object.values(resourcesOfType(tf, "aws_cloudwatch_log_subscription_filter"));

    expect(found).toEqual([expect.objectContaining({ log_group_name_prefix: "aws-waf-logs-" })]);
    expect(filters).toHaveLength(1);
    expect(filters[0]!.for_each).toMatch(
      /setsubtract\((tolist\()?data\.aws_cloudwatch_log_groups\.[\w-]+\.log_group_names\)?, \["aws-waf-logs-sandbox"\]\)/,
    );
  });

  it("have one Lambda permission for every aws-waf-logs-* log group of their account and region", () => {
    const permission = onlyBlock(synthesizeEstate()[CLOUDFRONT]!, "aws_lambda_permission");

    expect(permission).toMatchObject({
      principal: "logs.amazonaws.com",
      source_account: ARCHIVE_ACCOUNT,
      source_arn: `arn:aws:logs:us-east-1:${ARCHIVE_ACCOUNT}:log-group:aws-waf-logs-*:*`,
    });
  });

  it("keep on-failure records in a failure store of their own, and have no legacy failure queue", () => {
    const tf = synthesizeEstate()[CLOUDFRONT]!;
    const buckets = Object.values(resourcesOfType(tf, "aws_s3_bucket")).map((bucket) => bucket.bucket);

    expect(buckets).toEqual([`waf-log-pipeline-estate-failures-${ARCHIVE_ACCOUNT}-us-east-1`]);
    expect(resourcesOfType(tf, "aws_sqs_queue")).toEqual({});
  });

  it("forget no earlier per-log-group permissions (estate stacks never had them)", () => {
    expect(synthesizeEstate()[CLOUDFRONT]!.removed).toBeUndefined();
  });
});
