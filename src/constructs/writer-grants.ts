/**
 * How the archive's bucket policy and key policy admit writers that live in other stacks (other
 * accounts or regions): by condition on the role they will have, never by naming the role.
 *
 * S3 rejects a bucket policy whose principal does not exist yet ("Invalid principal in policy"), and
 * KMS rejects such a key policy (`MalformedPolicyDocumentException`), so a policy that named a source's
 * processor role would fail whenever the archive stack is applied before that source stack. An account
 * principal (`arn:<partition>:iam::<account>:root`) always exists; the conditions `aws:PrincipalArn`
 * (the role, for a role session its role's ARN) and `aws:PrincipalAccount` narrow it to exactly the
 * configured roles, and `aws:PrincipalOrgID` optionally to one AWS Organization. A statement that names
 * only accounts and conditions is not public to S3 Block Public Access, which the bucket has on.
 * Sources:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-bucket-user-policy-specifying-principal-intro.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
import { z } from "zod";
import type { PolicyStatement } from "../iam-policy";
import { allowed, distinct } from "./validation";

/** An IAM role ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export const ROLE_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

const ROLE_ARN_RULES = 'must be an IAM role ARN like "arn:aws:iam::111122223333:role/name"';

/** An IAM role ARN. */
export const roleArnSchema = z
  .string({ error: allowed(ROLE_ARN_RULES) })
  .regex(ROLE_ARN_PATTERN, { error: allowed(ROLE_ARN_RULES) });

/** Distinct IAM role ARNs. */
export const roleArnListSchema = z
  .array(roleArnSchema, { error: allowed("must be a list of IAM role ARNs") })
  .superRefine(distinct((arn) => arn, "role"));

const ORGANIZATION_ID_RULES = 'must be an AWS Organizations id like "o-a1b2c3d4e5"';

/** An AWS Organizations id (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html). */
export const organizationIdSchema = z
  .string({ error: allowed(ORGANIZATION_ID_RULES) })
  .regex(/^o-[a-z0-9]{10,32}$/, { error: allowed(ORGANIZATION_ID_RULES) });

/** Writers admitted by condition: their role ARNs and, optionally, their organization. */
export interface ConditionalWriters {
  /** ARNs of the writers' roles (they may not exist yet). */
  readonly roleArns: readonly string[];
  /** AWS Organizations id the writers' accounts must belong to. @default undefined (not checked) */
  readonly organizationId?: string;
}

/** The partition and account of a role ARN. @throws Error when `roleArn` is not a role ARN */
function roleAccount(roleArn: string): { partition: string; accountId: string } {
  const match = ROLE_ARN_PATTERN.exec(roleArn);
  if (match === null) throw new Error(`not an IAM role ARN: ${roleArn}`);
  return { partition: match[1]!, accountId: match[2]! };
}

/** One value, or the list when there are several (the policy grammar accepts both). */
function oneOrList(values: readonly string[]): string | readonly string[] {
  return values.length === 1 ? values[0]! : values;
}

/**
 * A resource-policy statement that allows `actions` on `resources` to exactly the writers' roles:
 * `Principal` the writers' accounts (`arn:<partition>:iam::<account>:root`, distinct, in order of first
 * appearance), `ArnEquals aws:PrincipalArn` the role ARNs, `StringEquals aws:PrincipalAccount` the
 * accounts, and `aws:PrincipalOrgID` when given, plus `extraConditions` (e.g. `kms:ViaService`).
 *
 * @param resources omitted in key policies (pass `"*"`, which there means the key itself)
 * @throws Error when `writers.roleArns` is empty or holds something that is not a role ARN
 */
export function conditionalWriterStatement(
  sid: string,
  writers: ConditionalWriters,
  actions: readonly string[],
  resources: string | readonly string[],
  extraConditions: Readonly<Record<string, string>> = {},
): PolicyStatement {
  if (writers.roleArns.length === 0) throw new Error("conditionalWriterStatement needs at least one role");
  const accounts = writers.roleArns.map(roleAccount);
  const accountIds = [...new Set(accounts.map((a) => a.accountId))];
  const principals = [
    ...new Set(accounts.map(({ partition, accountId }) => `arn:${partition}:iam::${accountId}:root`)),
  ];
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: oneOrList(principals) },
    Action: oneOrList(actions),
    Resource: resources,
    Condition: {
      ArnEquals: { "aws:PrincipalArn": oneOrList(writers.roleArns) },
      StringEquals: {
        "aws:PrincipalAccount": oneOrList(accountIds),
        ...(writers.organizationId === undefined ? {} : { "aws:PrincipalOrgID": writers.organizationId }),
        ...extraConditions,
      },
    },
  };
}
