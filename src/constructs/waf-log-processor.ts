import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
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
import { LOG_RETENTION_DAYS } from "../cloudwatch-logs";
import { denyInsecureTransport, policyDocument } from "../iam-policy";
import { queueEncryption } from "./pipeline-key";
import { PROCESSOR_KEY_ACTIONS } from "./pipeline-key-policy";
import { HEADER_NAME_PATTERN } from "../waf-config";
import { checkKeyPrefix, checkWholeNumber, throwIfInvalid } from "./props-error";

/** Namespace of the processor's CloudWatch metrics (Powertools `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = "WafLogPipeline";

/** Service name in the processor's structured logs and metrics (Powertools `POWERTOOLS_SERVICE_NAME`). */
export const PROCESSOR_SERVICE_NAME = "waf-log-processor";

export interface WafLogProcessorProps {
  /** Name of the Lambda function (≤ 64 characters). */
  readonly functionName: string;
  /** Name of the function's IAM role (≤ 64 characters). */
  readonly roleName: string;
  /** Name of the function's own log group; must be `/aws/lambda/<functionName>`. */
  readonly logGroupName: string;
  /** Name of the SQS queue that receives events the function failed to process (on-failure destination). */
  readonly failureQueueName: string;
  /** Path of the built bundle (`index.cjs`, handler `index.handler`), relative to the working directory. */
  readonly bundlePath: string;
  /** Name of the zip file that `archive_file` writes inside the stack directory. @default "waf-log-processor.zip" */
  readonly archiveFileName?: string;
  /** Name of the log bucket the function writes to (env `S3_BUCKET`). */
  readonly bucketName: string;
  /** ARN of the log bucket (for the `s3:PutObject` grant). */
  readonly bucketArn: string;
  /** Key prefix of the objects the function writes (env `S3_PREFIX`); the only place it may write. */
  readonly keyPrefix: string;
  /** Name of the environment, for logs and metrics (env `ENVIRONMENT_NAME`). */
  readonly environmentName: string;
  /** gzip level of the objects, 1–9 (env `GZIP_LEVEL`). @default 6 */
  readonly gzipLevel?: number;
  /**
   * HTTP header names whose values the function replaces with `XXX` in each WAF record (env
   * `REDACT_HEADERS`, comma-joined, lowercased; see docs/processor.md). @default [] (off: no variable)
   */
  readonly redactHeaders?: readonly string[];
  /** Memory in MB (128–10240). @default 512 */
  readonly memoryMb?: number;
  /** Timeout in seconds (1–900). @default 300 */
  readonly timeoutSeconds?: number;
  /** Instruction set architecture. @default "arm64" */
  readonly architecture?: "arm64" | "x86_64";
  /** Lambda runtime identifier. @default "nodejs22.x" */
  readonly runtime?: string;
  /** Retention of the function's log group in days (a CloudWatch Logs value). @default 30 */
  readonly logRetentionDays?: number;
  /** Days the failure queue keeps an event (1–14). @default 14 */
  readonly failureRetentionDays?: number;
  /** Retries of a failed asynchronous invocation before the on-failure destination (0–2). @default 2 */
  readonly maximumRetryAttempts?: number;
  /** Seconds an event may wait for (re)processing before it goes to the on-failure destination (60–21600). @default 21600 */
  readonly maximumEventAgeSeconds?: number;
  /**
   * ARN of the customer-managed KMS key of the bucket and the failure queue; the role gets
   * `kms:GenerateDataKey` and `kms:Decrypt` on it (SSE-KMS `PutObject`; Lambda sends on-failure records
   * with the execution role). SSE-SQS on the failure queue when undefined. @default undefined
   */
  readonly kmsKeyArn?: string;
}

/**
 * The Lambda function that turns CloudWatch Logs subscription events into gzip JSON Lines objects.
 *
 * The built bundle enters the stack directory as a `TerraformAsset`; the archive provider's
 * `archive_file` zips it (fixed file mode, so the zip and `source_code_hash` are the same on every
 * machine). The function's own log group is created first, with retention, so Lambda never creates one
 * without it. Asynchronous invocations are retried twice; events that still fail, or grow too old, go to
 * the failure queue (the on-failure destination, which denies requests without TLS), so nothing is dropped.
 *
 * The role trusts `lambda.amazonaws.com` and may only put objects under the key prefix, write its own
 * log group, and send to the failure queue.
 */
export class WafLogProcessor extends Construct {
  public readonly bundle: TerraformAsset;
  public readonly archive: DataArchiveFile;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly failureQueue: SqsQueue;
  public readonly failureQueuePolicy: SqsQueuePolicy;
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;
  public readonly function: LambdaFunction;
  public readonly eventInvokeConfig: LambdaFunctionEventInvokeConfig;

  constructor(scope: Construct, id: string, props: WafLogProcessorProps) {
    super(scope, id);
    const gzipLevel = props.gzipLevel ?? 6;
    const memoryMb = props.memoryMb ?? 512;
    const timeoutSeconds = props.timeoutSeconds ?? 300;
    const logRetentionDays = props.logRetentionDays ?? 30;
    const failureRetentionDays = props.failureRetentionDays ?? 14;
    const maximumRetryAttempts = props.maximumRetryAttempts ?? 2;
    const maximumEventAgeSeconds = props.maximumEventAgeSeconds ?? 21_600;

    const problems: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.functionName)) {
      problems.push(
        `props.functionName: must be 1–64 letters, digits, - and _, got ${JSON.stringify(props.functionName)}`,
      );
    }
    if (props.logGroupName !== `/aws/lambda/${props.functionName}`) {
      problems.push(
        `props.logGroupName: must be "/aws/lambda/${props.functionName}" (where Lambda writes), got ${JSON.stringify(props.logGroupName)}`,
      );
    }
    const bundlePath = resolve(props.bundlePath);
    if (!existsSync(bundlePath) || !statSync(bundlePath).isFile()) {
      problems.push(
        `props.bundlePath: no file at ${props.bundlePath}; build the processor first with \`npm run build\` (\`npm run synth\` does it)`,
      );
    }
    checkKeyPrefix(problems, "keyPrefix", props.keyPrefix);
    checkWholeNumber(problems, "gzipLevel", gzipLevel, 1, 9);
    (props.redactHeaders ?? []).forEach((name, index) => {
      if (!HEADER_NAME_PATTERN.test(name)) {
        problems.push(
          `props.redactHeaders[${index}]: must be an HTTP header name (1–64 letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(name)}`,
        );
      }
    });
    checkWholeNumber(problems, "memoryMb", memoryMb, 128, 10_240, "MB");
    checkWholeNumber(problems, "timeoutSeconds", timeoutSeconds, 1, 900, "seconds");
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
      problems.push(
        `props.logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(", ")} days, got ${logRetentionDays}`,
      );
    }
    checkWholeNumber(problems, "failureRetentionDays", failureRetentionDays, 1, 14, "days");
    checkWholeNumber(problems, "maximumRetryAttempts", maximumRetryAttempts, 0, 2);
    checkWholeNumber(problems, "maximumEventAgeSeconds", maximumEventAgeSeconds, 60, 21_600, "seconds");
    throwIfInvalid("WafLogProcessor", problems);

    this.bundle = new TerraformAsset(this, "Bundle", { path: bundlePath, type: AssetType.FILE });

    this.archive = new DataArchiveFile(this, "Archive", {
      type: "zip",
      sourceFile: this.bundle.path,
      outputPath: props.archiveFileName ?? "waf-log-processor.zip",
      outputFileMode: "0644",
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: props.logGroupName,
      retentionInDays: logRetentionDays,
    });

    this.failureQueue = new SqsQueue(this, "FailureQueue", {
      name: props.failureQueueName,
      messageRetentionSeconds: failureRetentionDays * 86_400,
      ...queueEncryption(props.kmsKeyArn),
    });

    this.failureQueuePolicy = new SqsQueuePolicy(this, "FailureQueuePolicy", {
      queueUrl: this.failureQueue.url,
      policy: policyDocument([denyInsecureTransport("sqs:*", [this.failureQueue.arn])]),
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
          Sid: "SendToFailureQueue",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: this.failureQueue.arn,
        },
        ...(props.kmsKeyArn === undefined
          ? []
          : [
              {
                Sid: "UseLogKey",
                Effect: "Allow" as const,
                Action: [...PROCESSOR_KEY_ACTIONS],
                Resource: props.kmsKeyArn,
              },
            ]),
      ]),
    });

    this.function = new LambdaFunction(this, "Function", {
      functionName: props.functionName,
      role: this.role.arn,
      handler: "index.handler",
      runtime: props.runtime ?? "nodejs22.x",
      architectures: [props.architecture ?? "arm64"],
      memorySize: memoryMb,
      timeout: timeoutSeconds,
      filename: this.archive.outputPath,
      sourceCodeHash: this.archive.outputBase64Sha256,
      environment: {
        variables: {
          S3_BUCKET: props.bucketName,
          S3_PREFIX: props.keyPrefix,
          GZIP_LEVEL: String(gzipLevel),
          ENVIRONMENT_NAME: props.environmentName,
          POWERTOOLS_SERVICE_NAME: PROCESSOR_SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          ...(props.redactHeaders === undefined || props.redactHeaders.length === 0
            ? {}
            : { REDACT_HEADERS: props.redactHeaders.map((name) => name.toLowerCase()).join(",") }),
        },
      },
      // The log group first (else Lambda creates it without retention), and the role's permissions
      // before the first invocation.
      dependsOn: [this.logGroup, this.rolePolicy],
    });

    this.eventInvokeConfig = new LambdaFunctionEventInvokeConfig(this, "EventInvokeConfig", {
      functionName: this.function.functionName,
      maximumRetryAttempts,
      maximumEventAgeInSeconds: maximumEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
      // Lambda checks that the role may send to the destination when the configuration is created.
      dependsOn: [this.rolePolicy],
    });
  }
}
