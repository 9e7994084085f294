import { SecurityRule } from "../security-rule";
import { type Element, blocks } from "../terraform-elements";
import { attachedToBucket } from "./attached-to-bucket";

/**
 * WLP-S3-4: every `aws_s3_bucket` has versioning enabled: an `aws_s3_bucket_versioning` with
 * `versioning_configuration.status = "Enabled"` (or the deprecated inline `versioning` block with
 * `enabled = true`). Without it, an overwrite or delete of an archived WAF log object or of an
 * on-failure record cannot be undone, and S3 Object Lock cannot be enabled.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
 */
export class S3BucketVersioned extends SecurityRule {
  readonly id = "WLP-S3-4";
  readonly description = "Every S3 bucket has versioning enabled";

  check(element: Element): string[] {
    if (element.type !== "aws_s3_bucket") return [];
    const configurations = attachedToBucket(element, "aws_s3_bucket_versioning");
    const statuses = configurations.flatMap((c) =>
      blocks(c.config, "versioning_configuration").map((v) => ({ address: c.address, status: v.status })),
    );
    const inline = blocks(element.config, "versioning").some((v) => v.enabled === true);
    if (inline || statuses.some((s) => s.status === "Enabled")) return [];
    if (statuses.length === 0)
      return [`${element.address} has no aws_s3_bucket_versioning with status Enabled`];
    return statuses.map(
      (s) => `${s.address} of ${element.address} sets status ${JSON.stringify(s.status)}; expected "Enabled"`,
    );
  }
}
