import type { IConstruct } from "constructs";

/**
 * Written reasons for the IAM wildcards that rule WLP-IAM-1 would otherwise reject.
 *
 * IAM `Sid`s only allow `[A-Za-z0-9]`, so a reason cannot live in the policy itself; it is attached to
 * the construct that holds the policy (a resource, an `aws_iam_policy_document` data source, or any
 * construct above them, which covers everything inside it). It is construct metadata only: it never
 * reaches the synthesized Terraform JSON.
 *
 * @example
 * acknowledgeWildcard(keyPolicy, "kms:GenerateDataKey*",
 *   "S3 calls GenerateDataKey and GenerateDataKeyWithoutPlaintext; AWS documents the pattern for SSE-KMS");
 */

/** Metadata type under which acknowledgements are stored on a construct node. */
export const WILDCARD_ACKNOWLEDGEMENT = "waf-log-pipeline:wildcard-acknowledgement";

/** Shortest accepted reason, in characters after trimming: enough for a sentence, not for "ok". */
export const MIN_REASON_LENGTH = 20;

/** One acknowledged wildcard. */
export interface WildcardAcknowledgement {
  /** The exact action or resource string, as the policy writes it, e.g. `kms:GenerateDataKey*` or `*`. */
  readonly wildcard: string;
  /** Why the wildcard is needed and why it is safe. */
  readonly reason: string;
}

/**
 * Allows the exact action or resource `wildcard` in the IAM policies of `scope` and every construct
 * inside it, for the written `reason`.
 *
 * @throws Error when `wildcard` contains no `*` or `?`, or when `reason` is shorter than
 *   {@link MIN_REASON_LENGTH} characters.
 */
export function acknowledgeWildcard(scope: IConstruct, wildcard: string, reason: string): void {
  if (!/[*?]/.test(wildcard)) {
    throw new Error(
      `acknowledgeWildcard(${scope.node.path}): ${JSON.stringify(wildcard)} contains no wildcard (* or ?)`,
    );
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `acknowledgeWildcard(${scope.node.path}, ${JSON.stringify(wildcard)}): the reason must say why, in at least ${MIN_REASON_LENGTH} characters (got ${JSON.stringify(reason.trim())})`,
    );
  }
  const acknowledgement: WildcardAcknowledgement = { wildcard, reason: reason.trim() };
  scope.node.addMetadata(WILDCARD_ACKNOWLEDGEMENT, acknowledgement, { stackTrace: false });
}

/** The acknowledgement that covers `wildcard` at `construct` (on it or on a construct above it), if any. */
export function findWildcardAcknowledgement(
  construct: IConstruct,
  wildcard: string,
): WildcardAcknowledgement | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = scope.node.metadata
      .filter((m) => m.type === WILDCARD_ACKNOWLEDGEMENT)
      .map((m) => m.data as WildcardAcknowledgement)
      .find((a) => a.wildcard === wildcard);
    if (found) return found;
  }
  return undefined;
}
