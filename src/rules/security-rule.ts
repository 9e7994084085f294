import type { Element } from "./terraform-elements";

/** One violation of a rule at one resource or data source. */
export interface Finding {
  /** A phrase naming the resource (its Terraform address) and what is wrong. */
  readonly message: string;
  /** What the finding is about, for suppressions that list it (e.g. the wildcard `s3:*`). @default undefined */
  readonly appliesTo?: string;
}

/**
 * One rule of the security checks ({@link WafLogPipelineChecks}): an id in the style of cdk-nag's
 * AwsSolutions ids (`WLP-S3-1`), a one-line description, and a check of one resource or data source
 * of a stack, read as it will be synthesized. One rule per file, in `src/rules/<service>/`.
 */
export abstract class SecurityRule {
  /** Rule id, e.g. `WLP-S3-1`. */
  abstract readonly id: string;
  /** What the rule requires, one line, as the README lists it. */
  abstract readonly description: string;

  /**
   * The violations of this rule at one resource or data source (a string is a finding without
   * `appliesTo`). Empty when the element complies or the rule does not apply to it.
   */
  abstract check(element: Element): readonly (string | Finding)[];
}
