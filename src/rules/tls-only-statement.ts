import {
  type ParsedStatement,
  PolicyReadError,
  deniesInsecureTransport,
  policyStatements,
} from "./policy-document";
import type { Element } from "./terraform-elements";

/** One policy of a resource, for the TLS-only rules. */
export interface ResourcePolicy {
  /** Where the policy is, for messages: `aws_s3_bucket_policy.p of aws_s3_bucket.b` or `the policy argument of aws_s3_bucket.b`. */
  readonly where: string;
  /** The resolved `policy` value (JSON text, from `JSON.stringify` or `Fn.jsonencode`, or an `aws_iam_policy_document` reference). */
  readonly value: unknown;
}

/**
 * The policies of `element`: the `policy` of each resource in `attached` (e.g. the `aws_s3_bucket_policy`
 * resources of a bucket, or the `aws_sqs_queue_policy` resources of a queue), then the element's own
 * `policy` argument when it is set. Empty when the element has no policy.
 */
export function resourcePolicies(element: Element, attached: readonly Element[]): ResourcePolicy[] {
  const policies = attached.map((p) => ({
    where: `${p.address} of ${element.address}`,
    value: p.config.policy,
  }));
  if (element.config.policy !== undefined) {
    policies.push({ where: `the policy argument of ${element.address}`, value: element.config.policy });
  }
  return policies;
}

/**
 * Reads every policy (see `policyStatements`) in the stack of `element` and returns the statements that
 * deny every request to `service` (e.g. `s3`, `sqs`) made without TLS (see `deniesInsecureTransport`),
 * in policy order, and one problem per policy that cannot be read: `<where> cannot be read: <reason>`.
 * Which resources a statement must cover is the caller's check.
 *
 * @throws any error other than `PolicyReadError` raised while reading a policy.
 */
export function insecureTransportDenials(
  element: Element,
  policies: readonly ResourcePolicy[],
  service: string,
): { readonly denials: ParsedStatement[]; readonly problems: string[] } {
  const denials: ParsedStatement[] = [];
  const problems: string[] = [];
  for (const { where, value } of policies) {
    let statements: ParsedStatement[];
    try {
      statements = policyStatements(value, element.construct);
    } catch (error) {
      if (!(error instanceof PolicyReadError)) throw error;
      problems.push(`${where} cannot be read: ${error.message}`);
      continue;
    }
    denials.push(...statements.filter((s) => deniesInsecureTransport(s, service)));
  }
  return { denials, problems };
}
