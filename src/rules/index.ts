/**
 * The security checks, an opt-in pack in the style of cdk-nag: a stack opts in with
 * `Aspects.of(stack).add(new WafLogPipelineChecks())`; a resource suppresses a rule with
 * `addSuppressions`. See docs/security-rules.md.
 */
export { WafLogPipelineChecks, type WafLogPipelineChecksOptions } from "./checks";
export { type Finding, SecurityRule } from "./security-rule";
export { MIN_REASON_LENGTH, type Suppression, addSuppressions } from "./suppressions";
