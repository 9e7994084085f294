import { Aspects } from "cdktf";
import type { IConstruct } from "constructs";
import { IamNoUnacknowledgedWildcards } from "./iam/iam-no-unacknowledged-wildcards";
import { LambdaRuntimeSupported } from "./lambda/lambda-runtime-supported";
import { LogGroupRetention } from "./logs/log-group-retention";
import { S3BucketEncrypted } from "./s3/s3-bucket-encrypted";
import { S3BucketPublicAccessBlocked } from "./s3/s3-bucket-public-access-blocked";
import { S3BucketTlsOnly } from "./s3/s3-bucket-tls-only";
import type { SecurityRule } from "./security-rule";
import { SqsNotificationQueueHasDeadLetterQueue } from "./sqs/sqs-notification-queue-dead-letter-queue";
import { SqsQueueEncrypted } from "./sqs/sqs-queue-encrypted";
import { SqsQueueTlsOnly } from "./sqs/sqs-queue-tls-only";

export { SecurityRule } from "./security-rule";
export { acknowledgeWildcard, type WildcardAcknowledgement } from "./wildcard-acknowledgement";

/** A new instance of every security rule, in id order. */
export function securityRules(): SecurityRule[] {
  return [
    new S3BucketPublicAccessBlocked(),
    new S3BucketTlsOnly(),
    new S3BucketEncrypted(),
    new SqsQueueTlsOnly(),
    new SqsQueueEncrypted(),
    new SqsNotificationQueueHasDeadLetterQueue(),
    new IamNoUnacknowledgedWildcards(),
    new LogGroupRetention(),
    new LambdaRuntimeSupported(),
  ];
}

/** Id and requirement of every rule, for the README and reports. */
export const SECURITY_RULES: readonly { readonly id: string; readonly requirement: string }[] =
  securityRules().map(({ id, requirement }) => ({ id, requirement }));

/**
 * Adds every security rule to `scope` (normally a stack) as a cdktf Aspect. At synth each violation
 * becomes an error annotation `[<rule id>] <requirement>: <what is wrong at which resource>` on the
 * offending resource, and `app.synth()` (and `cdktf synth`) fails listing them all.
 * Calling it again on the same scope adds nothing (each rule reports a violation once).
 */
export function applySecurityRules(scope: IConstruct): void {
  const aspects = Aspects.of(scope);
  const present = new Set(aspects.all.map((aspect) => aspect.constructor));
  for (const rule of securityRules()) {
    if (!present.has(rule.constructor)) aspects.add(rule);
  }
}
