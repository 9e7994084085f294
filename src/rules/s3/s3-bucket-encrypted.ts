import { isAwsManagedKeyAlias } from "../kms-keys";
import { SecurityRule } from "../security-rule";
import { type Element, blocks } from "../terraform-elements";
import { attachedToBucket } from "./attached-to-bucket";

/**
 * WLP-S3-3: every `aws_s3_bucket` has default encryption (an
 * `aws_s3_bucket_server_side_encryption_configuration`, or the deprecated inline
 * `server_side_encryption_configuration`) with SSE-S3 (`AES256`) or SSE-KMS with a customer-managed
 * key. SSE-KMS without `kms_master_key_id`, or with `alias/aws/s3`, uses the AWS-managed key, which
 * the Cortex reader (another account) cannot be allowed to decrypt.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
export class S3BucketEncrypted extends SecurityRule {
  readonly id = "WLP-S3-3";
  readonly description =
    "Every S3 bucket has default encryption with SSE-S3 or a customer-managed KMS key, never an AWS-managed key";

  check(element: Element): string[] {
    if (element.type !== "aws_s3_bucket") return [];
    const configurations = [
      ...attachedToBucket(element, "aws_s3_bucket_server_side_encryption_configuration").map((c) => ({
        where: `${c.address} of ${element.address}`,
        config: c.config,
      })),
      ...blocks(element.config, "server_side_encryption_configuration").map((config) => ({
        where: `the server_side_encryption_configuration of ${element.address}`,
        config,
      })),
    ];
    if (configurations.length === 0) return [`${element.address} has no default encryption configuration`];

    return configurations.flatMap(({ where, config }) => {
      const defaults = blocks(config, "rule").flatMap((rule) =>
        blocks(rule, "apply_server_side_encryption_by_default"),
      );
      if (defaults.length === 0) return [`${where} has no apply_server_side_encryption_by_default`];
      return defaults.flatMap((d) => {
        const algorithm = d.sse_algorithm;
        const key = d.kms_master_key_id;
        if (algorithm === "AES256") return [];
        if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
          return [
            `${where} has sse_algorithm ${JSON.stringify(algorithm)}; expected AES256, aws:kms or aws:kms:dsse`,
          ];
        }
        if (typeof key !== "string" || key === "") {
          return [`${where} uses ${algorithm} without kms_master_key_id, i.e. the AWS-managed key aws/s3`];
        }
        if (isAwsManagedKeyAlias(key)) return [`${where} uses the AWS-managed key ${key}`];
        return [];
      });
    });
  }
}
