import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { partitionOf, policyDocument, s3ServiceHost, type PolicyStatement } from "../iam-policy";
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
  /**
   * WAF landing buckets of `s3` sources Cortex also reads (their `AWSLogs/` prefix), and the keys that
   * encrypt them (a key ARN, or `arn:<partition>:kms:<region>:<account>:key/*` for a key another stack
   * creates; used through S3 in `region` only), read when the stack is synthesized. @default none
   */
  readonly s3Sources?: () => readonly { readonly bucketArn: string; readonly kmsKeyArn?: string }[];
}

/** Key prefix WAF writes its S3 log files under (see `WafS3LogSource`). */
const WAF_S3_LOG_PREFIX = "AWSLogs/";

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

    const sourceStatements = (): PolicyStatement[] => {
      const sources = props.s3Sources?.() ?? [];
      const keys = [
        ...new Set(sources.flatMap((source) => (source.kmsKeyArn === undefined ? [] : [source.kmsKeyArn]))),
      ];
      return [
        ...(sources.length === 0
          ? []
          : [
              {
                Sid: "ReadWafS3SourceLogFiles",
                Effect: "Allow" as const,
                Action: "s3:GetObject",
                Resource: sources.map((source) => `${source.bucketArn}/${WAF_S3_LOG_PREFIX}*`),
              },
            ]),
        ...(keys.length === 0
          ? []
          : [
              {
                Sid: "DecryptWafS3SourceLogFilesThroughS3",
                Effect: "Allow" as const,
                Action: "kms:Decrypt",
                Resource: keys,
                Condition: { StringEquals: { "kms:ViaService": s3ServiceHost(props.region) } },
              },
            ]),
      ];
    };

    // Lazy: sources are admitted (WafLogArchive.admitS3Source) after the archive is constructed.
    this.policy = new IamRolePolicy(this, "Policy", {
      name: "cortex-read-waf-logs",
      role: this.role.id,
      policy: Lazy.stringValue({
        produce: () =>
          policyDocument([
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
            ...sourceStatements(),
          ]),
      }),
    });
  }
}
