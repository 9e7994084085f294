import { Annotations, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { type Element, elementOf } from "./terraform-elements";

/**
 * Base of every security rule: a cdktf Aspect that visits each resource and data source of a stack
 * and adds one error annotation per violation, which makes `app.synth()` (and `cdktf synth`) fail.
 *
 * The annotation text is `[<id>] <requirement>: <what is wrong at which resource>`, e.g.
 * `[WLP-CWL-1] Every log group has a retention period: aws_cloudwatch_log_group.processor has no retention_in_days (logs are kept forever)`.
 */
export abstract class SecurityRule implements IAspect {
  /** Rule id in the style of cdk-nag's AwsSolutions ids, e.g. `WLP-S3-1`. */
  abstract readonly id: string;
  /** The requirement, one line, as the README lists it. */
  abstract readonly requirement: string;

  /**
   * The violations of this rule at one resource or data source, each a phrase naming the resource
   * (its Terraform address) and what is wrong. Empty when the element complies or the rule does not
   * apply to it.
   */
  protected abstract check(element: Element): string[];

  /** @internal Called by cdktf for every construct of the tree the rule was added to. */
  visit(node: IConstruct): void {
    const element = elementOf(node);
    if (!element) return;
    for (const problem of this.check(element)) {
      Annotations.of(node).addError(`[${this.id}] ${this.requirement}: ${problem}`);
    }
  }
}
