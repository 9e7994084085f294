import type { IConstruct } from "constructs";

/**
 * Suppressions of the security checks, like cdk-nag's `NagSuppressions.addResourceSuppressions`: a
 * construct (a resource, or any construct above resources, which covers everything inside it) may
 * suppress one rule with a written reason, for all its findings or only for some (`appliesTo`, e.g.
 * the exact wildcard `kms:GenerateDataKey*` for WLP-IAM-1). Synth prints every suppression in use
 * (see `WafLogPipelineChecks`). A suppression is construct metadata only: it never reaches the
 * synthesized Terraform JSON.
 *
 * @example
 * addSuppressions(keyPolicy, [{ id: "WLP-IAM-1", appliesTo: ["kms:GenerateDataKey*"],
 *   reason: "S3 calls GenerateDataKey and GenerateDataKeyWithoutPlaintext; AWS documents the pattern for SSE-KMS" }]);
 */

/** One suppressed rule. */
export interface Suppression {
  /** Id of the rule, e.g. `WLP-IAM-1`. */
  readonly id: string;
  /** Why the finding is acceptable here: at least {@link MIN_REASON_LENGTH} characters. */
  readonly reason: string;
  /**
   * Only the findings about these exact values (a rule's finding names what it is about, e.g. the
   * wildcard action or resource for WLP-IAM-1). @default every finding of the rule
   */
  readonly appliesTo?: readonly string[];
}

/** Metadata type under which suppressions are stored on a construct node. */
export const SUPPRESSION_METADATA = "waf-log-pipeline:suppression";

/** Shortest accepted reason, in characters after trimming: enough for a sentence, not for "ok". */
export const MIN_REASON_LENGTH = 20;

/**
 * Suppresses rules for `scope` and every construct inside it.
 *
 * @throws Error when a reason is shorter than {@link MIN_REASON_LENGTH} characters, or `appliesTo` is
 *   given but empty
 */
export function addSuppressions(scope: IConstruct, suppressions: readonly Suppression[]): void {
  for (const suppression of suppressions) {
    const where = `addSuppressions(${scope.node.path}, ${suppression.id})`;
    const reason = suppression.reason.trim();
    if (reason.length < MIN_REASON_LENGTH) {
      throw new Error(
        `${where}: the reason must say why, in at least ${MIN_REASON_LENGTH} characters (got ${JSON.stringify(reason)})`,
      );
    }
    if (suppression.appliesTo !== undefined && suppression.appliesTo.length === 0) {
      throw new Error(
        `${where}: appliesTo must list at least one value, or be left out to suppress every finding`,
      );
    }
    scope.node.addMetadata(SUPPRESSION_METADATA, { ...suppression, reason }, { stackTrace: false });
  }
}

/**
 * The suppression of rule `id` that covers a finding at `construct` (on it or on a construct above it,
 * the nearest first), or `undefined`.
 *
 * @param appliesTo what the finding is about; a suppression with `appliesTo` covers it only when listed
 */
export function findSuppression(
  construct: IConstruct,
  id: string,
  appliesTo: string | undefined,
): Suppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = scope.node.metadata
      .filter((entry) => entry.type === SUPPRESSION_METADATA)
      .map((entry) => entry.data as Suppression)
      .find(
        (s) =>
          s.id === id &&
          (s.appliesTo === undefined || (appliesTo !== undefined && s.appliesTo.includes(appliesTo))),
      );
    if (found) return found;
  }
  return undefined;
}
