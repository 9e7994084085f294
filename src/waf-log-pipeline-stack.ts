import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, TerraformVariable, dependable } from "cdktf";
import { Construct } from "constructs";
import { ENVIRONMENT_NAME_PATTERN, type EnvironmentConfig } from "./config";
import { CortexReaderRole } from "./constructs/cortex-reader-role";
import { LogArchiveBucket } from "./constructs/log-archive-bucket";
import { NotificationQueues } from "./constructs/notification-queues";
import { PipelineAlarms } from "./constructs/pipeline-alarms";
import { PipelineKey } from "./constructs/pipeline-key";
import { PipelineKeyPolicy } from "./constructs/pipeline-key-policy";
import { WafLogProcessor } from "./constructs/waf-log-processor";
import { WafLogSubscription } from "./constructs/waf-log-subscription";
import { WafLogging } from "./constructs/waf-logging";
import { PropsError } from "./constructs/props-error";
import { NOTIFICATION_QUEUE_RETENTION_DAYS } from "./config";
import { PROJECT, alarmNames, resourceNames, stackName } from "./naming";
import { applySecurityRules } from "./rules";
import { requiredTerraformVersion } from "./terraform-version";

/** Where `npm run build` writes the processor bundle, relative to the project root. */
export const DEFAULT_BUNDLE_PATH = "dist/waf-log-processor/index.cjs";

/** Name of the sensitive Terraform variable that holds the Cortex external ID. */
export const EXTERNAL_ID_VARIABLE = "cortex_external_id";

/** The placeholder external ID of the original scripts; the variable's validation rejects it. */
export const EXTERNAL_ID_PLACEHOLDER = "your-external-id-here";

/** Suffix of the objects the processor writes and S3 notifies about. */
export const OBJECT_KEY_SUFFIX = ".jsonl.gz";

/**
 * Terraform `validation` blocks of `cortex_external_id`: what AWS accepts for `sts:ExternalId`
 * (2–1224 characters of `[\w+=,.@:/-]`, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
 * and not the placeholder. RE2 allows at most 1000 repetitions, so the length is checked separately.
 */
export const EXTERNAL_ID_VALIDATIONS = [
  {
    condition: `\${length(var.${EXTERNAL_ID_VARIABLE}) >= 2 && length(var.${EXTERNAL_ID_VARIABLE}) <= 1224 && can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.${EXTERNAL_ID_VARIABLE}))}`,
    errorMessage:
      "cortex_external_id must be 2-1224 characters of letters, digits and _+=,.@:/- (a UUID is the norm).",
  },
  {
    condition: `\${var.${EXTERNAL_ID_VARIABLE} != "${EXTERNAL_ID_PLACEHOLDER}"}`,
    errorMessage:
      "cortex_external_id is still the placeholder your-external-id-here: choose your own (e.g. a UUID) and set it in Cortex too.",
  },
] as const;

export interface WafLogPipelineStackProps {
  /** Environment name (`^[a-z][a-z0-9-]{0,15}$`); resource names derive from it. */
  readonly envName: string;
  /** The environment's configuration, with defaults applied (see `loadConfig`). */
  readonly config: EnvironmentConfig;
  /** Path of the processor bundle, relative to the working directory. @default "dist/waf-log-processor/index.cjs" */
  readonly bundlePath?: string;
}

/**
 * The whole pipeline of one environment: WAF log groups → subscription filters → processor function
 * → log bucket → S3 event notifications → SQS queue (with dead-letter queue) → Cortex reader role.
 * Synthesizes without AWS credentials or network access. The security rules (`src/rules`) check it
 * at synth.
 */
export class WafLogPipelineStack extends TerraformStack {
  public readonly envName: string;
  public readonly config: EnvironmentConfig;
  public readonly awsProvider: AwsProvider;
  public readonly archiveProvider: ArchiveProvider;
  /** Sensitive variable `cortex_external_id`: set it in the workspace or `TF_VAR_cortex_external_id`. */
  public readonly externalId: TerraformVariable;
  public readonly logArchiveBucket: LogArchiveBucket;
  public readonly notificationQueues: NotificationQueues;
  public readonly processor: WafLogProcessor;
  /** One per WAF log group, in the order of `wafLogGroupNames`. */
  public readonly subscriptions: readonly WafLogSubscription[];
  /** Managed WAF log groups, log delivery resource policy and web ACL logging configurations (`waf`), when configured. */
  public readonly wafLogging: WafLogging | undefined;
  public readonly cortexReaderRole: CortexReaderRole;
  /** The customer-managed key the stack creates for `encryption: "kms"` without a `keyArn`. */
  public readonly pipelineKey: PipelineKey | undefined;
  /** The key policy of {@link pipelineKey}. */
  public readonly pipelineKeyPolicy: PipelineKeyPolicy | undefined;
  /** ARN of the customer-managed key (created or configured) that encrypts the data; undefined for SSE. */
  public readonly kmsKeyArn: string | undefined;
  /** The CloudWatch alarms and their SNS topic (`alarms`). */
  public readonly alarms: PipelineAlarms;

  constructor(scope: Construct, props: WafLogPipelineStackProps) {
    if (!ENVIRONMENT_NAME_PATTERN.test(props.envName)) {
      throw new PropsError("WafLogPipelineStack", [
        `props.envName: must match ${ENVIRONMENT_NAME_PATTERN.source}, got ${JSON.stringify(props.envName)}`,
      ]);
    }
    super(scope, stackName(props.envName));
    this.envName = props.envName;
    this.config = props.config;
    const { config } = props;
    const names = resourceNames(props.envName);

    this.addOverride("terraform.required_version", requiredTerraformVersion());

    this.awsProvider = new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { Project: PROJECT, Environment: props.envName, ...config.tags } }],
    });
    this.archiveProvider = new ArchiveProvider(this, "archive");

    this.externalId = new TerraformVariable(this, EXTERNAL_ID_VARIABLE, {
      type: "string",
      sensitive: true,
      nullable: false,
      description:
        "External ID that Cortex XDR presents when it assumes the reader role (sts:ExternalId). Choose a UUID; set it as a sensitive workspace variable or TF_VAR_cortex_external_id.",
      validation: EXTERNAL_ID_VALIDATIONS.map((validation) => ({ ...validation })),
    });

    const { encryption } = config;
    this.pipelineKey =
      encryption.type === "kms" && encryption.keyArn === undefined
        ? new PipelineKey(this, "PipelineKey", {
            aliasName: names.keyAlias,
            description: `Encrypts the WAF log objects, queues and alarm topic of ${stackName(props.envName)}`,
          })
        : undefined;
    this.kmsKeyArn = encryption.type === "kms" ? (encryption.keyArn ?? this.pipelineKey?.key.arn) : undefined;
    const { kmsKeyArn } = this;

    this.logArchiveBucket = new LogArchiveBucket(this, "LogArchiveBucket", {
      kmsKeyArn,
      bucketName: config.bucketName,
      keyPrefix: config.s3Prefix,
      lifecycle: config.lifecycle,
    });
    const { bucket } = this.logArchiveBucket;

    this.notificationQueues = new NotificationQueues(this, "NotificationQueues", {
      kmsKeyArn,
      queueName: names.notificationQueue,
      deadLetterQueueName: names.deadLetterQueue,
      bucketName: bucket.id,
      bucketArn: bucket.arn,
      accountId: config.accountId,
      keyPrefix: config.s3Prefix,
      keySuffix: OBJECT_KEY_SUFFIX,
      visibilityTimeoutSeconds: config.queue.visibilityTimeoutSeconds,
      retentionDays: NOTIFICATION_QUEUE_RETENTION_DAYS,
      maxReceiveCount: config.queue.maxReceiveCount,
      deadLetterRetentionDays: config.queue.deadLetterRetentionDays,
    });

    this.processor = new WafLogProcessor(this, "Processor", {
      kmsKeyArn,
      functionName: names.processorFunction,
      roleName: names.processorRole,
      logGroupName: names.processorLogGroup,
      failureQueueName: names.failureQueue,
      bundlePath: props.bundlePath ?? DEFAULT_BUNDLE_PATH,
      bucketName: bucket.id,
      bucketArn: bucket.arn,
      keyPrefix: config.s3Prefix,
      environmentName: props.envName,
      gzipLevel: config.processor.gzipLevel,
      memoryMb: config.processor.memoryMb,
      timeoutSeconds: config.processor.timeoutSeconds,
      architecture: config.processor.architecture,
      runtime: config.processor.runtime,
      logRetentionDays: config.processor.logRetentionDays,
      redactHeaders: config.processor.redactHeaders,
    });

    const { waf } = config;
    this.wafLogging =
      waf === undefined || (waf.webAclArns.length === 0 && !waf.manageLogGroup)
        ? undefined
        : new WafLogging(this, "WafLogging", {
            region: config.region,
            accountId: config.accountId,
            managedLogGroupNames: waf.manageLogGroup ? config.wafLogGroupNames : [],
            retentionDays: waf.retentionDays,
            logDeliveryPolicyName: names.wafLogDeliveryPolicy,
            webAcls: waf.webAclArns,
            redactedFields: waf.redactedFields,
            loggingFilter: waf.loggingFilter,
          });

    this.subscriptions = config.wafLogGroupNames.map(
      (logGroupName) =>
        new WafLogSubscription(this, logGroupName, {
          logGroupName,
          region: config.region,
          accountId: config.accountId,
          functionName: this.processor.function.functionName,
          functionArn: this.processor.function.arn,
          filterName: names.subscriptionFilter,
          logGroup: this.wafLogging?.logGroups.get(logGroupName),
          functionLogGroupName: names.processorLogGroup,
          otherSubscriptionFilters: waf?.otherSubscriptionFilters[logGroupName],
        }),
    );

    this.cortexReaderRole = new CortexReaderRole(this, "CortexReaderRole", {
      roleName: names.cortexReaderRole,
      cortexAccountId: config.cortex.accountId,
      externalId: this.externalId.stringValue,
      region: config.region,
      bucketArn: bucket.arn,
      keyPrefix: config.s3Prefix,
      queueArn: this.notificationQueues.queue.arn,
      kmsKeyArn,
    });

    const alarmsWithTopic = config.alarms.enabled && config.alarms.email.length > 0;
    if (this.pipelineKey !== undefined) {
      this.pipelineKeyPolicy = new PipelineKeyPolicy(this, "PipelineKeyPolicy", {
        keyId: this.pipelineKey.key.keyId,
        accountId: config.accountId,
        region: config.region,
        processorRoleArn: this.processor.role.arn,
        cortexReaderRoleArn: this.cortexReaderRole.role.arn,
        logBucketArn: bucket.arn,
        allowCloudWatchAlarms: alarmsWithTopic,
      });
      // S3 sends a test event to the (encrypted) queue when the notification is configured.
      const notification = this.notificationQueues.bucketNotification;
      notification.dependsOn = [...(notification.dependsOn ?? []), dependable(this.pipelineKeyPolicy.policy)];
    }

    this.alarms = new PipelineAlarms(this, "Alarms", {
      config: config.alarms,
      envName: props.envName,
      alarmNames: alarmNames(props.envName),
      topicName: names.alarmTopic,
      accountId: config.accountId,
      region: config.region,
      functionName: names.processorFunction,
      processorLogGroupName: names.processorLogGroup,
      failureQueueName: names.failureQueue,
      notificationQueueName: names.notificationQueue,
      deadLetterQueueName: names.deadLetterQueue,
      maxReceiveCount: config.queue.maxReceiveCount,
      subscriptionFilterName: names.subscriptionFilter,
      kmsKeyArn,
    });
    if (kmsKeyArn !== undefined) {
      new TerraformOutput(this, "kms_key_arn", {
        value: kmsKeyArn,
        description:
          "Customer-managed KMS key of the bucket, queues and alarm topic (Cortex needs kms:Decrypt on it)",
      });
    }
    if (this.alarms.topic !== undefined) {
      new TerraformOutput(this, "alarm_topic_arn", {
        value: this.alarms.topic.arn,
        description: "SNS topic of the alarms; each e-mail address must confirm its subscription",
      });
    }

    this.addOutputs();
    // Every rule of src/rules checks this stack at synth; a violation fails the synth.
    applySecurityRules(this);
  }

  private addOutputs(): void {
    const { queue, deadLetterQueue } = this.notificationQueues;
    const outputs: Record<string, { value: unknown; description: string }> = {
      bucket_name: { value: this.logArchiveBucket.bucket.id, description: "Log bucket" },
      notification_queue_url: {
        value: queue.url,
        description: "SQS queue with the bucket's event notifications (Cortex reads it)",
      },
      notification_queue_arn: { value: queue.arn, description: "ARN of the notification queue" },
      dead_letter_queue_url: {
        value: deadLetterQueue.url,
        description: "Dead-letter queue of the notification queue",
      },
      failure_queue_url: {
        value: this.processor.failureQueue.url,
        description:
          "On-failure destination of the processor: events it could not process (redrive with npm run redrive)",
      },
      cortex_reader_role_arn: {
        value: this.cortexReaderRole.role.arn,
        description: "Role Cortex assumes with the external ID",
      },
      processor_function_name: {
        value: this.processor.function.functionName,
        description: "Processor Lambda function",
      },
      cortex_collector_settings: {
        value: {
          sqs_queue_url: queue.url,
          role_arn: this.cortexReaderRole.role.arn,
          external_id: `the value of the sensitive variable ${EXTERNAL_ID_VARIABLE}`,
          log_type: "Generic",
          log_format: "JSON",
          compression: "gzip",
          vendor: "aws",
          product: "waf",
        },
        description: "What to enter in Cortex XDR: Settings → Data Sources → Amazon S3 (SQS-based)",
      },
    };
    for (const [id, output] of Object.entries(outputs)) {
      new TerraformOutput(this, id, output);
    }
  }
}
