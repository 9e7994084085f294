import { isAwsManagedKeyAlias } from "../kms-keys";
import { SecurityRule } from "../security-rule";
import type { Element } from "../terraform-elements";

/**
 * WLP-SQS-2: every `aws_sqs_queue` sets `sqs_managed_sse_enabled = true` (SSE-SQS) or a customer-managed
 * `kms_master_key_id`, never an AWS-managed key such as `alias/aws/sqs`. With `alias/aws/sqs`, S3
 * cannot send event notifications to the queue (it silently drops them), and another account cannot
 * be granted `kms:Decrypt`; no queue of this pipeline needs that key, so the rule covers all of them.
 * Sources: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html
 * (key policy for encrypted queues), https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
 */
export class SqsQueueEncrypted extends SecurityRule {
  readonly id = "WLP-SQS-2";
  readonly description =
    "Every SQS queue is encrypted with SSE-SQS or a customer-managed KMS key, never an AWS-managed key";

  check(element: Element): string[] {
    if (element.type !== "aws_sqs_queue") return [];
    const key = element.config.kms_master_key_id;
    if (typeof key === "string" && key !== "") {
      return isAwsManagedKeyAlias(key)
        ? [`${element.address} uses the AWS-managed key ${key}, which S3 and other accounts cannot use`]
        : [];
    }
    if (element.config.sqs_managed_sse_enabled === true) return [];
    return [`${element.address} sets neither sqs_managed_sse_enabled = true nor a kms_master_key_id`];
  }
}
