import type { ParsedStatement } from "../policy-document";
import { SecurityRule } from "../security-rule";
import { type Element, isExpression } from "../terraform-elements";
import { insecureTransportDenials, resourcePolicies } from "../tls-only-statement";
import { attachedToBucket } from "./attached-to-bucket";

/**
 * WLP-S3-2: every `aws_s3_bucket` has a bucket policy (an `aws_s3_bucket_policy`, or the bucket's own
 * `policy` argument) with a statement that denies `s3:*` to every principal when
 * `aws:SecureTransport` is `false`, on the bucket and on its objects (`<bucket ARN>` and
 * `<bucket ARN>/*`, or `*`).
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
 */
export class S3BucketTlsOnly extends SecurityRule {
  readonly id = "WLP-S3-2";
  readonly description = "Every S3 bucket denies requests without TLS";

  check(element: Element): string[] {
    if (element.type !== "aws_s3_bucket") return [];
    const policies = resourcePolicies(element, attachedToBucket(element, "aws_s3_bucket_policy"));
    if (policies.length === 0) return [`${element.address} has no bucket policy`];

    const { denials, problems } = insecureTransportDenials(element, policies, "s3");
    const scopes = denials.map((statement) => coverage(statement, element));
    const covered = { bucket: scopes.some((s) => s.bucket), objects: scopes.some((s) => s.objects) };
    if (covered.bucket && covered.objects) return [];
    const missing = [!covered.bucket ? "the bucket" : undefined, !covered.objects ? "its objects" : undefined]
      .filter(Boolean)
      .join(" and ");
    return [
      ...problems,
      `no bucket policy of ${element.address} denies s3:* to every principal when aws:SecureTransport is false on ${missing}`,
    ];
  }
}

/** Which of the bucket and its objects the statement's `Resource` covers. */
function coverage(statement: ParsedStatement, bucket: Element): { bucket: boolean; objects: boolean } {
  const name = bucket.config.bucket;
  const literal = typeof name === "string" && !isExpression(name) ? name : undefined;
  const isBucketArn = (arn: string) =>
    arn === `\${${bucket.address}.arn}` ||
    (literal !== undefined && new RegExp(`^arn:aws(-cn|-us-gov)?:s3:::${escapeRegExp(literal)}$`).test(arn));
  const all = statement.resources.includes("*");
  return {
    bucket: all || statement.resources.some(isBucketArn),
    objects: all || statement.resources.some((r) => r.endsWith("/*") && isBucketArn(r.slice(0, -2))),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
