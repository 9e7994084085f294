import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { partitionOf, policyDocument } from "../iam-policy";
import { externalIdPreconditions } from "./external-id";

/** Actions Cortex needs on the notification queue (Cortex XDR "Amazon S3" collector, SQS-based). */
export const CORTEX_QUEUE_ACTIONS = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
] as const;

/** What {@link CortexReaderRole} needs; {@link WafLogArchive} validates it. */
export interface CortexReaderRoleProps {
  /** Name of the role (≤ 64 characters). */
  readonly roleName: string;
  /** AWS account Cortex assumes the role from (12 digits): 006742885340, or 685269782068 for FedRAMP. */
  readonly cortexAccountId: string;
  /** The external ID Cortex presents (`sts:ExternalId`); a reference to a sensitive variable, never a literal. */
  readonly externalId: string;
  /** How the preconditions' error messages name the external ID, e.g. `cortex_external_id`. */
  readonly externalIdName: string;
  /** Region of the bucket, for the ARN partition. */
  readonly region: string;
  /** ARN of the log bucket. */
  readonly bucketArn: string;
  /** Key prefix of the log objects; Cortex may read only objects under it. */
  readonly keyPrefix: string;
  /** ARN of the notification queue Cortex reads. */
  readonly queueArn: string;
  /** ARN of the customer-managed KMS key of the objects and queue; adds `kms:Decrypt` on it. */
  readonly kmsKeyArn: string | undefined;
}

/**
 * Part of {@link WafLogArchive}: the IAM role Cortex XDR / XSIAM assumes to read the logs: trusted only by the Cortex account's root
 * with `StringEquals sts:ExternalId`, and allowed only `s3:GetObject` under the key prefix and the four
 * queue actions on the notification queue, plus `kms:Decrypt` on the customer-managed key when
 * `kmsKeyArn` is set (otherwise the bucket and queue use S3- and SQS-managed keys and no KMS grant is needed).
 *
 * The role carries the external ID rules as `lifecycle.precondition`s (see `externalIdPreconditions`):
 * `terraform plan` fails, naming the rule but never the value, when the external ID is short,
 * guessable or a placeholder, wherever the plan runs (locally or in Terraform Cloud).
 */
export class CortexReaderRole extends Construct {
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: CortexReaderRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "Role", {
      name: props.roleName,
      description: "Assumed by Palo Alto Cortex XDR with the external ID to read WAF log objects",
      assumeRolePolicy: policyDocument([
        {
          Sid: "CortexAssumeRoleWithExternalId",
          Effect: "Allow",
          Principal: { AWS: `arn:${partitionOf(props.region)}:iam::${props.cortexAccountId}:root` },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": props.externalId } },
        },
      ]),
      lifecycle: { precondition: externalIdPreconditions(props.externalId, props.externalIdName) },
    });

    this.policy = new IamRolePolicy(this, "Policy", {
      name: "cortex-read-waf-logs",
      role: this.role.id,
      policy: policyDocument([
        {
          Sid: "ReadLogObjects",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: `${props.bucketArn}/${props.keyPrefix}*`,
        },
        {
          Sid: "ConsumeNotifications",
          Effect: "Allow",
          Action: [...CORTEX_QUEUE_ACTIONS],
          Resource: props.queueArn,
        },
        ...(props.kmsKeyArn === undefined
          ? []
          : [
              {
                Sid: "DecryptLogObjectsAndNotifications",
                Effect: "Allow" as const,
                Action: "kms:Decrypt",
                Resource: props.kmsKeyArn,
              },
            ]),
      ]),
    });
  }
}
