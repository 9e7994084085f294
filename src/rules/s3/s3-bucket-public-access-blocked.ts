import { SecurityRule } from "../security-rule";
import type { Element } from "../terraform-elements";
import { attachedToBucket } from "./attached-to-bucket";

/** The four settings of `aws_s3_bucket_public_access_block`, all of which must be `true`. */
export const PUBLIC_ACCESS_BLOCK_SETTINGS = [
  "block_public_acls",
  "block_public_policy",
  "ignore_public_acls",
  "restrict_public_buckets",
] as const;

/**
 * WLP-S3-1: every `aws_s3_bucket` has an `aws_s3_bucket_public_access_block` with all four settings
 * `true`, so no ACL or bucket policy can make the WAF logs public.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export class S3BucketPublicAccessBlocked extends SecurityRule {
  readonly id = "WLP-S3-1";
  readonly description = "Every S3 bucket blocks all public access";

  check(element: Element): string[] {
    if (element.type !== "aws_s3_bucket") return [];
    const blocks = attachedToBucket(element, "aws_s3_bucket_public_access_block");
    if (blocks.length === 0) return [`${element.address} has no aws_s3_bucket_public_access_block`];
    return blocks.flatMap((block) => {
      const off = PUBLIC_ACCESS_BLOCK_SETTINGS.filter((setting) => block.config[setting] !== true);
      return off.length === 0
        ? []
        : [`${block.address} of ${element.address} does not set ${off.join(", ")} to true`];
    });
  }
}
