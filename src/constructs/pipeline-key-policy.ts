import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { partitionOf, policyDocument, s3ServiceHost, type PolicyStatement } from "../iam-policy";
import { addSuppressions } from "../rules/suppressions";
import { type ConditionalWriters, conditionalWriterStatement } from "./writer-grants";

/** KMS actions the processor role needs: SSE-KMS `PutObject` and `SendMessage` to an SSE-KMS queue. */
export const PROCESSOR_KEY_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** KMS actions the Cortex reader role needs: `GetObject` of SSE-KMS objects and `ReceiveMessage`. */
export const CORTEX_KEY_ACTIONS = ["kms:Decrypt"] as const;

/**
 * KMS actions a service principal needs to put messages on an encrypted queue or topic (S3 event
 * notifications, CloudWatch alarm actions), as AWS documents them.
 * Sources: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 * (AWS KMS key policy), https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
 */
export const SERVICE_PRODUCER_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"] as const;

/** What {@link PipelineKeyPolicy} needs; {@link WafLogArchive} validates it. */
export interface PipelineKeyPolicyProps {
  /** Id (or ARN) of the key the policy belongs to. */
  readonly keyId: string;
  /** The account that owns the key and the archive (12 digits). */
  readonly accountId: string;
  /** Region of the key, for the ARN partition. */
  readonly region: string;
  /** ARN of the role Cortex assumes: it decrypts objects and notification messages. */
  readonly cortexReaderRoleArn: string;
  /**
   * ARN of the log bucket (or a reference to it): the only `aws:SourceArn` for which S3 may use the
   * key, so no other bucket's notifications can.
   */
  readonly logBucketArn: string;
  /** ARNs of the roles that write objects (the processors' roles), read when the stack is synthesized. */
  readonly writerRoleArns: () => readonly string[];
  /** Whether CloudWatch alarms publish to a topic encrypted with the key, read when the stack is synthesized. */
  readonly allowCloudWatchAlarms: () => boolean;
  /**
   * Writers of other stacks (other accounts or regions), admitted by condition to use the key through S3
   * in the key's region only (`kms:ViaService`). Undefined: none.
   */
  readonly conditionalWriters?: ConditionalWriters;
  /**
   * WAF landing buckets of `s3` sources whose notifications S3 encrypts with the key (they go to the
   * archive's queue), read when the stack is synthesized. @default none
   */
  readonly s3SourceBuckets?: () => readonly { readonly bucketArn: string; readonly accountId: string }[];
}

/** Sid of the key policy statement that admits writers of other stacks. */
export const CONDITIONAL_WRITERS_KEY_SID = "ConfiguredWritersEncryptObjectsThroughS3";

/**
 * Part of {@link WafLogArchive}: the key policy of the archive's customer-managed key
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html). It lets:
 * - the account (its root) administer the key and, through IAM policies, delegate its use: the
 *   default key policy statement, without which the key becomes unmanageable;
 * - `s3.amazonaws.com`, for requests from this account (`aws:SourceAccount`) on behalf of the log bucket
 *   only (`aws:SourceArn`), generate data keys and decrypt: S3 encrypts each event notification it
 *   sends to the encrypted queue;
 * - the writer roles (granted with `WafLogArchive.grantWrite`) `kms:GenerateDataKey` and `kms:Decrypt`
 *   (SSE-KMS objects, the encrypted failure queue: Lambda sends on-failure records with the function's
 *   execution role);
 * - the writers of other stacks (`conditionalWriters`) `kms:GenerateDataKey` and `kms:Decrypt` through
 *   S3 in the key's region only, admitted by condition (see `conditionalWriterStatement`): a key policy
 *   that named a role that does not exist yet would be rejected (`MalformedPolicyDocumentException`), and
 *   a principal of another account also needs an IAM policy of its own that allows the key
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html);
 * - the Cortex reader role `kms:Decrypt` (objects and notification messages);
 * - with `allowCloudWatchAlarms`, `cloudwatch.amazonaws.com` for this account the same as S3, to publish
 *   alarm notifications to the encrypted topic.
 * `Resource: "*"` in a key policy means this key. The roles' own IAM policies carry matching statements.
 */
export class PipelineKeyPolicy extends Construct {
  public readonly policy: KmsKeyPolicy;

  constructor(scope: Construct, id: string, props: PipelineKeyPolicyProps) {
    super(scope, id);
    const thisAccount = { StringEquals: { "aws:SourceAccount": props.accountId } };
    const administer: PolicyStatement = {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: `arn:${partitionOf(props.region)}:iam::${props.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    };
    const s3: PolicyStatement = {
      Sid: "S3EncryptsEventNotifications",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: [...SERVICE_PRODUCER_KEY_ACTIONS],
      Resource: "*",
      Condition: { ...thisAccount, ArnLike: { "aws:SourceArn": props.logBucketArn } },
    };
    const cortex: PolicyStatement = {
      Sid: "CortexReaderDecrypts",
      Effect: "Allow",
      Principal: { AWS: props.cortexReaderRoleArn },
      Action: [...CORTEX_KEY_ACTIONS],
      Resource: "*",
    };
    // Lazy: writers are granted (WafLogArchive.grantWrite) after the archive is constructed.
    const statements = (): PolicyStatement[] => {
      const writers = props.writerRoleArns();
      const sources = props.s3SourceBuckets?.() ?? [];
      return [
        administer,
        s3,
        ...(sources.length === 0
          ? []
          : [
              {
                Sid: "S3EncryptsEventNotificationsOfWafS3Sources",
                Effect: "Allow" as const,
                Principal: { Service: "s3.amazonaws.com" },
                Action: [...SERVICE_PRODUCER_KEY_ACTIONS],
                Resource: "*",
                Condition: {
                  StringEquals: {
                    "aws:SourceAccount": [...new Set(sources.map((source) => source.accountId))],
                  },
                  ArnLike: { "aws:SourceArn": sources.map((source) => source.bucketArn) },
                },
              },
            ]),
        ...(writers.length === 0
          ? []
          : [
              {
                Sid: "ProcessorWritesObjectsAndFailures",
                Effect: "Allow" as const,
                Principal: { AWS: writers.length === 1 ? writers[0]! : writers },
                Action: [...PROCESSOR_KEY_ACTIONS],
                Resource: "*",
              },
            ]),
        ...(props.conditionalWriters === undefined
          ? []
          : [
              conditionalWriterStatement(
                CONDITIONAL_WRITERS_KEY_SID,
                props.conditionalWriters,
                PROCESSOR_KEY_ACTIONS,
                "*",
                { "kms:ViaService": s3ServiceHost(props.region) },
              ),
            ]),
        cortex,
        ...(props.allowCloudWatchAlarms()
          ? [
              {
                Sid: "CloudWatchPublishesAlarms",
                Effect: "Allow" as const,
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: [...SERVICE_PRODUCER_KEY_ACTIONS],
                Resource: "*",
                Condition: thisAccount,
              },
            ]
          : []),
      ];
    };

    this.policy = new KmsKeyPolicy(this, "Policy", {
      keyId: props.keyId,
      policy: Lazy.stringValue({ produce: () => policyDocument(statements()) }),
    });

    addSuppressions(this, [
      {
        id: "WLP-IAM-1",
        appliesTo: ["kms:*"],
        reason:
          "The account root administers its own key: the default key policy statement, without which nobody can manage the key and IAM policies cannot grant its use",
      },
      {
        id: "WLP-IAM-1",
        appliesTo: ["kms:GenerateDataKey*"],
        reason:
          "S3 (event notifications to the encrypted queue) and CloudWatch (alarms to the encrypted topic) call GenerateDataKey and its variants; AWS documents this action pattern for them, limited to this account by aws:SourceAccount and, for S3, to the log bucket by aws:SourceArn",
      },
    ]);
  }
}
