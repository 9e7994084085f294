import {
  type ParsedStatement,
  PolicyReadError,
  documentStatements,
  policyStatements,
  referencedDocument,
} from "../policy-document";
import { type Finding, SecurityRule } from "../security-rule";
import { type Element, blocks, elementsOfType } from "../terraform-elements";

/** Resource types whose arguments hold a policy document, and where. */
const POLICY_ARGUMENTS: Record<
  string,
  (config: Record<string, unknown>) => { name: string; value: unknown }[]
> = {
  aws_iam_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_iam_role_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_iam_user_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_iam_group_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_iam_role: (c) => blocks(c, "inline_policy").map((b) => ({ name: "inline_policy", value: b.policy })),
  aws_s3_bucket: (c) => [{ name: "policy", value: c.policy }],
  aws_s3_bucket_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_sqs_queue: (c) => [{ name: "policy", value: c.policy }],
  aws_sqs_queue_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_sns_topic: (c) => [{ name: "policy", value: c.policy }],
  aws_sns_topic_policy: (c) => [{ name: "policy", value: c.policy }],
  aws_kms_key: (c) => [{ name: "policy", value: c.policy }],
  aws_kms_key_policy: (c) => [{ name: "policy", value: c.policy }],
};

/** In a key policy, `"Resource": "*"` means "this KMS key", not every resource. */
const KEY_POLICY_TYPES = new Set(["aws_kms_key", "aws_kms_key_policy"]);

/**
 * WLP-IAM-1: no `Allow` statement of any policy in the stack (identity policies, bucket, queue, topic
 * and key policies, `aws_iam_policy_document` data sources) has
 * - an action with a wildcard (`*`, `s3:*`, `s3:Get*`, anything with `*` or `?`), or
 * - a wildcard resource: `*`, or an ARN whose resource part is only `*` (`arn:aws:sqs:*:*:*`,
 *   `arn:aws:s3:::*`); a prefix such as `<bucket ARN>/raw/*` or `<log group ARN>:*` is scoped and allowed,
 *   and `*` in a key policy means the key itself,
 * unless a suppression with a written reason covers the exact wildcard string (`addSuppressions` with
 * `appliesTo: ["<wildcard>"]` on the construct or one above it; each finding's `appliesTo` is its
 * wildcard). `NotAction` and `NotResource` in an `Allow` statement allow everything
 * not listed and are always reported. `Deny` statements are not checked: a wildcard there restricts.
 * A policy the rule cannot read is reported, since it cannot be checked.
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 */
export class IamNoUnacknowledgedWildcards extends SecurityRule {
  readonly id = "WLP-IAM-1";
  readonly description = "No IAM statement allows a wildcard action or resource without a written reason";

  check(element: Element): (string | Finding)[] {
    if (element.kind === "data" && element.type === "aws_iam_policy_document") {
      let statements: ParsedStatement[];
      try {
        statements = documentStatements(element, element.construct);
      } catch (error) {
        if (!(error instanceof PolicyReadError)) throw error;
        return [`${element.address} cannot be read: ${error.message}`];
      }
      return this.statementProblems(element.address, statements, usedOnlyAsKeyPolicy(element));
    }
    const argumentsOf = element.kind === "resource" ? POLICY_ARGUMENTS[element.type] : undefined;
    if (!argumentsOf) return [];
    return argumentsOf(element.config)
      .filter(({ value }) => value !== undefined)
      .flatMap(({ name, value }) => {
        const where = `${element.address} (${name})`;
        try {
          // A referenced aws_iam_policy_document is checked where it is defined.
          if (referencedDocument(value, element.construct)) return [];
          const statements = policyStatements(value, element.construct);
          return this.statementProblems(where, statements, KEY_POLICY_TYPES.has(element.type));
        } catch (error) {
          if (!(error instanceof PolicyReadError)) throw error;
          return [`${where} cannot be read: ${error.message}`];
        }
      });
  }

  private statementProblems(
    where: string,
    statements: readonly ParsedStatement[],
    keyPolicy: boolean,
  ): (string | Finding)[] {
    return statements
      .filter((s) => s.effect === "Allow")
      .flatMap((s) => [
        ...s.actions
          .filter((a) => /[*?]/.test(a))
          .map((a) => ({
            message: `${where} ${s.label} allows the wildcard action ${JSON.stringify(a)} without a written reason`,
            appliesTo: a,
          })),
        ...s.resources
          .filter((r) => isWildcardResource(r) && !(keyPolicy && r === "*"))
          .map((r) => ({
            message: `${where} ${s.label} allows the wildcard resource ${JSON.stringify(r)} without a written reason`,
            appliesTo: r,
          })),
        ...(s.notActions.length > 0 ? [`${where} ${s.label} allows NotAction, i.e. every other action`] : []),
        ...(s.notResources.length > 0
          ? [`${where} ${s.label} allows NotResource, i.e. every other resource`]
          : []),
      ]);
  }
}

/** `*`, or an ARN whose resource part (after the fifth colon) is only `*`. */
export function isWildcardResource(resource: string): boolean {
  if (resource === "*") return true;
  const parts = resource.split(":");
  return parts[0] === "arn" && parts.length >= 6 && parts.slice(5).join(":") === "*";
}

/** True when the policy document is used, and only used, as the policy of KMS keys. */
function usedOnlyAsKeyPolicy(document: Element): boolean {
  const reference = new RegExp(`\\$\\{${document.address.replace(/\./g, "\\.")}\\.(json|minified_json)\\}`);
  const users = Object.keys(POLICY_ARGUMENTS).flatMap((type) =>
    elementsOfType(document.construct, type).filter((e) =>
      POLICY_ARGUMENTS[type]?.(e.config).some(
        ({ value }) => typeof value === "string" && reference.test(value),
      ),
    ),
  );
  return users.length > 0 && users.every((u) => KEY_POLICY_TYPES.has(u.type));
}
