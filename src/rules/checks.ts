import { Annotations, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { IamNoUnacknowledgedWildcards } from "./iam/iam-no-unacknowledged-wildcards";
import { LambdaResourcePolicySize } from "./lambda/lambda-resource-policy-size";
import { LambdaRuntimeSupported } from "./lambda/lambda-runtime-supported";
import { LogGroupRetention } from "./logs/log-group-retention";
import { S3BucketEncrypted } from "./s3/s3-bucket-encrypted";
import { S3BucketPublicAccessBlocked } from "./s3/s3-bucket-public-access-blocked";
import { S3BucketTlsOnly } from "./s3/s3-bucket-tls-only";
import { S3BucketVersioned } from "./s3/s3-bucket-versioned";
import type { SecurityRule } from "./security-rule";
import { SqsNotificationQueueHasDeadLetterQueue } from "./sqs/sqs-notification-queue-dead-letter-queue";
import { SqsQueueEncrypted } from "./sqs/sqs-queue-encrypted";
import { SqsQueueTlsOnly } from "./sqs/sqs-queue-tls-only";
import { findSuppression } from "./suppressions";
import { elementOf } from "./terraform-elements";

/** Options of {@link WafLogPipelineChecks}. */
export interface WafLogPipelineChecksOptions {
  /** The rules to run. @default every rule, {@link WafLogPipelineChecks.allRules} */
  readonly rules?: readonly SecurityRule[];
  /** Where each suppression in use is printed, one line each. @default standard error */
  readonly log?: (line: string) => void;
}

/**
 * The security checks of this project as one pack (a cdktf Aspect), like cdk-nag's `AwsSolutionsChecks`:
 * add it to a stack and, at synth, every rule reads every resource and data source of the stack as it
 * will be synthesized. A finding becomes an error annotation `[<rule id>] <description>: <finding>` on
 * the resource, and any error annotation fails the synth (`app.synth()` throws; `cdktf synth` exits
 * non-zero). A finding covered by a suppression (see `addSuppressions`) is printed instead,
 * `Suppressed [<rule id>] at <address> (<what>): <reason>`, once, and kept as an info annotation.
 */
export class WafLogPipelineChecks implements IAspect {
  /** A new instance of every rule, in id order. */
  public static allRules(): SecurityRule[] {
    return [
      new S3BucketPublicAccessBlocked(),
      new S3BucketTlsOnly(),
      new S3BucketEncrypted(),
      new S3BucketVersioned(),
      new SqsQueueTlsOnly(),
      new SqsQueueEncrypted(),
      new SqsNotificationQueueHasDeadLetterQueue(),
      new IamNoUnacknowledgedWildcards(),
      new LogGroupRetention(),
      new LambdaRuntimeSupported(),
      new LambdaResourcePolicySize(),
    ];
  }

  public readonly rules: readonly SecurityRule[];
  private readonly log: (line: string) => void;

  constructor(options: WafLogPipelineChecksOptions = {}) {
    this.rules = options.rules ?? WafLogPipelineChecks.allRules();
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** @internal Called by cdktf for every construct of the tree the pack was added to. */
  visit(node: IConstruct): void {
    const element = elementOf(node);
    if (!element) return;
    for (const rule of this.rules) {
      const reported = new Set<string>();
      for (const found of rule.check(element)) {
        const finding = typeof found === "string" ? { message: found } : found;
        const suppression = findSuppression(node, rule.id, finding.appliesTo);
        if (suppression === undefined) {
          Annotations.of(node).addError(`[${rule.id}] ${rule.description}: ${finding.message}`);
          continue;
        }
        const what = finding.appliesTo === undefined ? "" : ` (${finding.appliesTo})`;
        const line = `Suppressed [${rule.id}] at ${element.address}${what}: ${suppression.reason}`;
        if (reported.has(line)) continue;
        reported.add(line);
        this.log(line);
        Annotations.of(node).addInfo(line);
      }
    }
  }
}
