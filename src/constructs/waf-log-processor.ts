import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import {
  METRICS_NAMESPACE,
  PROCESSOR_ENVIRONMENT as ENV,
  PROCESSOR_SERVICE_NAME,
  formatHeaderNames,
} from "../../functions/waf-log-processor/environment";
import { denyInsecureTransport, policyDocument, s3ServiceHost } from "../iam-policy";
import { queueEncryption } from "./pipeline-key";
import { PROCESSOR_KEY_ACTIONS } from "./pipeline-key-policy";

/** What {@link WafLogProcessor} needs; {@link WafLogForwarder} validates it and applies the defaults. */
export interface WafLogProcessorProps {
  /** Name of the Lambda function. */
  readonly functionName: string;
  /** Name of the function's IAM role. */
  readonly roleName: string;
  /** Name of the function's own log group, `/aws/lambda/<functionName>`. */
  readonly logGroupName: string;
  /** AWS account of the function and its failure store: the only `s3:ResourceAccount` it may write failure records to. */
  readonly accountId: string;
  /** ARN of the failure store, the S3 bucket that is the on-failure destination. */
  readonly failureStoreBucketArn: string;
  /**
   * The SQS failure queue of versions before the failure store, kept (with its TLS-only policy and the
   * role's `sqs:SendMessage`) until operators have drained it; nothing sends to it any more.
   * Undefined: no queue.
   */
  readonly legacyFailureQueue:
    | {
        readonly queueName: string;
        /** Days the queue keeps a message. */
        readonly retentionDays: number;
        /** Customer-managed key of the queue; SSE-SQS when undefined. */
        readonly kmsKeyArn: string | undefined;
      }
    | undefined;
  /** Absolute path of the built bundle (`index.cjs`, handler `index.handler`). */
  readonly bundlePath: string;
  /** Name of the zip file that `archive_file` writes inside the stack directory. */
  readonly archiveFileName: string;
  /** Name of the log bucket the function writes to (env `S3_BUCKET`). */
  readonly bucketName: string;
  /** ARN of the log bucket (for the `s3:PutObject` grant). */
  readonly bucketArn: string;
  /** Region of the log bucket: the processor's S3 client sends its requests there (env `S3_BUCKET_REGION`). */
  readonly bucketRegion: string;
  /** Key prefix of the objects the function writes (env `S3_PREFIX`); the only place it may write. */
  readonly keyPrefix: string;
  /** Name of the environment, for logs and metrics (env `ENVIRONMENT_NAME`). */
  readonly environmentName: string;
  /** gzip level of the objects, 1–9 (env `GZIP_LEVEL`). */
  readonly gzipLevel: number;
  /** Header names whose values the function replaces with `XXX` (env `REDACT_HEADERS`); empty: off. */
  readonly redactHeaders: readonly string[];
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly architecture: "arm64" | "x86_64";
  readonly runtime: string;
  /** Retention of the function's log group in days. */
  readonly logRetentionDays: number;
  /** Retries of a failed asynchronous invocation before the on-failure destination. */
  readonly maximumRetryAttempts: number;
  /** Seconds an event may wait for (re)processing before it goes to the on-failure destination. */
  readonly maximumEventAgeSeconds: number;
  /**
   * ARNs of the customer-managed keys the role needs `kms:GenerateDataKey` and `kms:Decrypt` on: the
   * archive bucket's (SSE-KMS `PutObject`), the failure store's and the legacy failure queue's (Lambda
   * writes on-failure records with the execution role). Empty: no KMS grant.
   */
  readonly kmsKeyArns: readonly string[];
  /**
   * The archive's key when another stack creates it, so its ARN cannot be named: `resource` is
   * `arn:<partition>:kms:<region>:<account>:key/*`, and the role may use those keys only through S3 in
   * `region` (`kms:ViaService`). The key's own policy admits the role. @default undefined
   */
  readonly archiveKeysThroughS3?: { readonly resource: string; readonly region: string };
}

/**
 * Part of {@link WafLogForwarder}: the Lambda function that turns CloudWatch Logs subscription events into gzip JSON Lines objects.
 *
 * The built bundle enters the stack directory as a `TerraformAsset`; the archive provider's
 * `archive_file` zips it (fixed file mode, so the zip and `source_code_hash` are the same on every
 * machine). The function's own log group is created first, with retention, so Lambda never creates one
 * without it. Asynchronous invocations are retried twice; events that still fail, or grow too old, go to
 * the failure store (the on-failure destination, an S3 bucket: see {@link FailureStore}), whole, so
 * nothing is dropped.
 *
 * The role trusts `lambda.amazonaws.com` and may only put objects under the key prefix, write its own
 * log group, and write failure records: `s3:PutObject` and `s3:ListBucket` on the failure store, which
 * Lambda needs for an S3 destination, limited by `s3:ResourceAccount` to buckets of its own account as
 * AWS recommends, so a failure record can never land in a bucket someone else re-created under the same
 * name (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html, "Security
 * best practices for Amazon S3 destinations"). The grant covers the whole failure store: Lambda chooses
 * the key (`aws/lambda/async/<function>/…`) and checks the permission when the destination is set,
 * so the event invoke configuration waits for the role policy.
 */
export class WafLogProcessor extends Construct {
  public readonly bundle: TerraformAsset;
  public readonly archive: DataArchiveFile;
  public readonly logGroup: CloudwatchLogGroup;
  /** The legacy failure queue, while it is kept. */
  public readonly failureQueue: SqsQueue | undefined;
  /** Its TLS-only queue policy. */
  public readonly failureQueuePolicy: SqsQueuePolicy | undefined;
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;
  public readonly function: LambdaFunction;
  public readonly eventInvokeConfig: LambdaFunctionEventInvokeConfig;

  constructor(scope: Construct, id: string, props: WafLogProcessorProps) {
    super(scope, id);
    this.bundle = new TerraformAsset(this, "Bundle", { path: props.bundlePath, type: AssetType.FILE });

    this.archive = new DataArchiveFile(this, "Archive", {
      type: "zip",
      sourceFile: this.bundle.path,
      outputPath: props.archiveFileName,
      outputFileMode: "0644",
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
    });

    const legacy = props.legacyFailureQueue;
    const failureQueue =
      legacy === undefined
        ? undefined
        : new SqsQueue(this, "FailureQueue", {
            name: legacy.queueName,
            messageRetentionSeconds: legacy.retentionDays * 86_400,
            ...queueEncryption(legacy.kmsKeyArn),
          });
    this.failureQueue = failureQueue;
    this.failureQueuePolicy =
      failureQueue === undefined
        ? undefined
        : new SqsQueuePolicy(this, "FailureQueuePolicy", {
            queueUrl: failureQueue.url,
            policy: policyDocument([denyInsecureTransport("sqs:*", [failureQueue.arn])]),
          });

    this.role = new IamRole(this, "Role", {
      name: props.roleName,
      assumeRolePolicy: policyDocument([
        {
          Sid: "LambdaAssumeRole",
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]),
    });

    this.rolePolicy = new IamRolePolicy(this, "RolePolicy", {
      name: "waf-log-processor",
      role: this.role.id,
      policy: policyDocument([
        {
          Sid: "PutLogObjects",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: `${props.bucketArn}/${props.keyPrefix}*`,
        },
        {
          Sid: "WriteOwnLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${this.logGroup.arn}:*`,
        },
        {
          Sid: "WriteFailureRecords",
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:ListBucket"],
          Resource: [props.failureStoreBucketArn, `${props.failureStoreBucketArn}/*`],
          Condition: { StringEquals: { "s3:ResourceAccount": props.accountId } },
        },
        // Kept with the queue: an on-failure record sent while the destination switches over still lands.
        ...(failureQueue === undefined
          ? []
          : [
              {
                Sid: "SendToFailureQueue",
                Effect: "Allow" as const,
                Action: "sqs:SendMessage",
                Resource: failureQueue.arn,
              },
            ]),
        ...(props.kmsKeyArns.length === 0
          ? []
          : [
              {
                Sid: "UseLogKey",
                Effect: "Allow" as const,
                Action: [...PROCESSOR_KEY_ACTIONS],
                Resource: props.kmsKeyArns.length === 1 ? props.kmsKeyArns[0]! : props.kmsKeyArns,
              },
            ]),
        ...(props.archiveKeysThroughS3 === undefined
          ? []
          : [
              {
                Sid: "UseArchiveKeyThroughS3",
                Effect: "Allow" as const,
                Action: [...PROCESSOR_KEY_ACTIONS],
                Resource: props.archiveKeysThroughS3.resource,
                Condition: {
                  StringEquals: { "kms:ViaService": s3ServiceHost(props.archiveKeysThroughS3.region) },
                },
              },
            ]),
      ]),
    });

    const redactHeaders = formatHeaderNames(props.redactHeaders);
    this.function = new LambdaFunction(this, "Function", {
      functionName: props.functionName,
      role: this.role.arn,
      handler: "index.handler",
      runtime: props.runtime,
      architectures: [props.architecture],
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      filename: this.archive.outputPath,
      sourceCodeHash: this.archive.outputBase64Sha256,
      environment: {
        variables: {
          [ENV.bucket]: props.bucketName,
          [ENV.bucketRegion]: props.bucketRegion,
          [ENV.keyPrefix]: props.keyPrefix,
          [ENV.gzipLevel]: String(props.gzipLevel),
          [ENV.environmentName]: props.environmentName,
          [ENV.serviceName]: PROCESSOR_SERVICE_NAME,
          [ENV.metricsNamespace]: METRICS_NAMESPACE,
          ...(redactHeaders === undefined ? {} : { [ENV.redactHeaders]: redactHeaders }),
        },
      },
      // The log group first (else Lambda creates it without retention), and the role's permissions
      // before the first invocation.
      dependsOn: [this.logGroup, this.rolePolicy],
    });

    this.eventInvokeConfig = new LambdaFunctionEventInvokeConfig(this, "EventInvokeConfig", {
      functionName: this.function.functionName,
      maximumRetryAttempts: props.maximumRetryAttempts,
      maximumEventAgeInSeconds: props.maximumEventAgeSeconds,
      destinationConfig: { onFailure: { destination: props.failureStoreBucketArn } },
      // Lambda checks that the role may write to the destination when the configuration is set.
      dependsOn: [this.rolePolicy],
    });
  }
}
