import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Aspects,
  type CloudBackend,
  type LocalBackend,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
} from "cdktf";
import type { Construct, Node } from "constructs";
import { addBackend } from "./backend";
import { DEFAULT_CONFIG_PATH, ENVIRONMENT_NAME_PATTERN, type EnvironmentConfig } from "./config";
import { ValidationError } from "./constructs/validation";
import type { AlarmTopic } from "./constructs/alarm-topic";
import { WafLogArchive } from "./constructs/waf-log-archive";
import { WafLogForwarder } from "./constructs/waf-log-forwarder";
import { WafLogPipeline, type WafLogPipelineProps } from "./constructs/waf-log-pipeline";
import { PROJECT, stackName } from "./naming";
import { WafLogPipelineChecks } from "./rules";
import { requiredTerraformVersion } from "./terraform-version";

/** Name of the sensitive Terraform variable that holds the Cortex external ID. */
export const EXTERNAL_ID_VARIABLE = "cortex_external_id";

/**
 * Declares the sensitive variable `cortex_external_id` in `stack`: the external ID Cortex presents when
 * it assumes the reader role of the stack's archive. It has no `validation` block (Terraform 1.11
 * prints the value of a failed one): the reader role's preconditions check it.
 */
export function addExternalIdVariable(stack: TerraformStack): TerraformVariable {
  return new TerraformVariable(stack, EXTERNAL_ID_VARIABLE, {
    type: "string",
    sensitive: true,
    nullable: false,
    description:
      "External ID that Cortex XDR presents when it assumes the reader role (sts:ExternalId): at least 32 random characters, e.g. a UUID. Set it as a sensitive workspace variable or TF_VAR_cortex_external_id. Checked by preconditions of the reader role (a failed variable validation would print the value).",
  });
}

export interface WafLogPipelineStackProps {
  /** Environment name (`^[a-z][a-z0-9-]{0,15}$`); the stack and resource names derive from it. */
  readonly envName: string;
  /** The environment's configuration, with defaults applied (see `loadConfig`). */
  readonly config: EnvironmentConfig;
  /** The configuration file, named in backend errors. @default "waf-pipeline.config.json" */
  readonly configFile?: string;
  /** Path of the processor bundle. @default the bundle of this package (`dist/waf-log-processor/index.cjs`) */
  readonly bundlePath?: string;
  /** Process environment to read `TF_CLOUD_ORGANIZATION` from. @default process.env */
  readonly processEnv?: NodeJS.ProcessEnv;
  /** Where the security checks print each suppression in use. @default standard error */
  readonly checksLog?: (line: string) => void;
}

/**
 * One environment of the configuration file: the AWS and archive providers, the backend, the
 * sensitive `cortex_external_id` variable, the security checks ({@link WafLogPipelineChecks}), one
 * {@link WafLogPipeline} and the outputs Cortex and operators need. Synthesizes without AWS
 * credentials or network access.
 *
 * Its Terraform addresses are those the stack had before the pipeline was made of constructs (see
 * {@link allocateLogicalId}), so deployed environments keep every resource.
 */
export class WafLogPipelineStack extends TerraformStack {
  public readonly envName: string;
  /** The environment's configuration, with defaults applied. */
  public readonly config: EnvironmentConfig;
  /** Where the stack keeps its state: Terraform Cloud or a local file (see `addBackend`). */
  public readonly backend: CloudBackend | LocalBackend;
  /** Sensitive variable `cortex_external_id`: set it in the workspace or `TF_VAR_cortex_external_id`. */
  public readonly externalId: TerraformVariable;
  public readonly pipeline: WafLogPipeline;

  constructor(scope: Construct, props: WafLogPipelineStackProps) {
    if (!ENVIRONMENT_NAME_PATTERN.test(props.envName)) {
      throw new ValidationError("WafLogPipelineStack props", [
        {
          path: "envName",
          message: `must match ${ENVIRONMENT_NAME_PATTERN.source}, got ${JSON.stringify(props.envName)}`,
        },
      ]);
    }
    super(scope, stackName(props.envName));
    this.envName = props.envName;
    this.config = props.config;
    const { config } = props;

    this.addOverride("terraform.required_version", requiredTerraformVersion());
    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { Project: PROJECT, Environment: props.envName, ...config.tags } }],
    });
    new ArchiveProvider(this, "archive");
    this.backend = addBackend(
      this,
      props.envName,
      config,
      props.configFile ?? DEFAULT_CONFIG_PATH,
      props.processEnv,
    );

    this.externalId = addExternalIdVariable(this);

    Aspects.of(this).add(new WafLogPipelineChecks({ log: props.checksLog }));
    this.pipeline = new WafLogPipeline(this, "Pipeline", pipelineProps(props, this.externalId.stringValue));
    addOutputs(this, this.pipeline);
  }

  /**
   * The Terraform address (`<type>.<logical id>`) of every element, computed by cdktf from the construct
   * path, without the levels {@link WafLogPipeline}, {@link WafLogArchive} and {@link WafLogForwarder}:
   * `Pipeline/Archive/LogArchiveBucket/Bucket` keeps the address `aws_s3_bucket.LogArchiveBucket_D1FAA0AE`
   * it had when this stack created the bucket itself. Deployed environments keep every resource;
   * `__tests__/terraform/addresses.golden.json` lists them all.
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const scopes = node.scopes.filter(
      (scope) =>
        !(
          scope instanceof WafLogPipeline ||
          scope instanceof WafLogArchive ||
          scope instanceof WafLogForwarder
        ),
    );
    // The stack computes the id from the construct ids of `scopes` below itself.
    return super.allocateLogicalId({ scopes } as unknown as Node);
  }
}

/** The pipeline's props for one environment of the configuration file. */
function pipelineProps(props: WafLogPipelineStackProps, externalId: string): WafLogPipelineProps {
  const { envName, config } = props;
  return {
    name: stackName(envName),
    accountId: config.accountId,
    region: config.region,
    bucketName: config.bucketName,
    keyPrefix: config.s3Prefix,
    lifecycle: config.lifecycle,
    queue: config.queue,
    cortexAccountId: config.cortex.accountId,
    customCortexAccount: config.cortex.customAccount,
    externalId,
    externalIdName: EXTERNAL_ID_VARIABLE,
    encryption: config.encryption,
    versioning: config.versioning,
    ...(config.objectLock === undefined ? {} : { objectLock: config.objectLock }),
    failureStore: config.failureStore,
    keepFailureQueue: config.keepFailureQueue,
    logGroupNames: [...config.wafLogGroupNames],
    processor: config.processor,
    environmentName: envName,
    ...(props.bundlePath === undefined ? {} : { bundlePath: props.bundlePath }),
    otherSubscriptionFilters: { ...config.waf?.otherSubscriptionFilters },
    redriveCommand: `npm run redrive -- --env ${envName}`,
    alarms: config.alarms,
    ...(config.waf === undefined
      ? {}
      : {
          waf: {
            webAcls: config.waf.webAclArns.map((target) => ({ ...target })),
            manageLogGroup: config.waf.manageLogGroup,
            retentionDays: config.waf.retentionDays,
            redactedFields: [...config.waf.redactedFields],
            ...(config.waf.loggingFilter === undefined ? {} : { loggingFilter: config.waf.loggingFilter }),
          },
        }),
  };
}

type Outputs = Record<string, { value: unknown; description: string }>;

/**
 * The outputs of an archive that Cortex and operators read (`terraform output`), named as the README
 * lists them: the same for a one-account environment and an estate's archive stack, so one Cortex
 * collector reads the whole estate from `cortex_collector_settings`.
 */
export function archiveOutputs(archive: WafLogArchive, alarmTopic: AlarmTopic | undefined): Outputs {
  const { queue, deadLetterQueue } = archive.notificationQueues;
  const readerRoleArn = archive.cortexReaderRole.role.arn;
  return {
    ...(archive.kmsKeyArn === undefined
      ? {}
      : {
          kms_key_arn: {
            value: archive.kmsKeyArn,
            description:
              "Customer-managed KMS key of the bucket, queues and alarm topic (Cortex needs kms:Decrypt on it)",
          },
        }),
    ...(alarmTopic === undefined
      ? {}
      : {
          alarm_topic_arn: {
            value: alarmTopic.topic.arn,
            description: "SNS topic of the alarms; each e-mail address must confirm its subscription",
          },
        }),
    bucket_name: { value: archive.logArchiveBucket.bucket.id, description: "Log bucket" },
    notification_queue_url: {
      value: queue.url,
      description: "SQS queue with the bucket's event notifications (Cortex reads it)",
    },
    notification_queue_arn: { value: queue.arn, description: "ARN of the notification queue" },
    dead_letter_queue_url: {
      value: deadLetterQueue.url,
      description: "Dead-letter queue of the notification queue",
    },
    cortex_reader_role_arn: { value: readerRoleArn, description: "Role Cortex assumes with the external ID" },
    cortex_collector_settings: {
      value: {
        sqs_queue_url: queue.url,
        role_arn: readerRoleArn,
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
}

/**
 * The outputs of a forwarder operators read: the legacy failure queue while it is kept, the failure
 * store and the function.
 */
export function forwarderOutputs(forwarder: WafLogForwarder): Outputs {
  return {
    ...(forwarder.processor.failureQueue === undefined
      ? {}
      : {
          failure_queue_url: {
            value: forwarder.processor.failureQueue.url,
            description:
              "Legacy failure queue (on-failure destination of earlier versions): drain it with npm run redrive, then set keepFailureQueue to false",
          },
        }),
    failure_store_bucket: {
      value: forwarder.failureStore.bucket.id,
      description:
        "Failure store: the processor's on-failure destination, records under aws/lambda/async/ (redrive with npm run redrive)",
    },
    processor_function_name: {
      value: forwarder.processor.function.functionName,
      description: "Processor Lambda function",
    },
  };
}

/** The `dashboard_url` output of a dashboard; none without one. */
export function dashboardOutput(dashboard: { readonly url: string } | undefined, what: string): Outputs {
  return dashboard === undefined
    ? {}
    : { dashboard_url: { value: dashboard.url, description: `CloudWatch dashboard of ${what}` } };
}

/** Adds `outputs` to `stack`, in their order. */
export function addStackOutputs(stack: TerraformStack, outputs: Outputs): void {
  for (const [id, output] of Object.entries(outputs)) {
    new TerraformOutput(stack, id, output);
  }
}

/** The outputs of a one-account environment, in the order they always had. */
function addOutputs(stack: TerraformStack, pipeline: WafLogPipeline): void {
  const {
    cortex_reader_role_arn: readerRole,
    cortex_collector_settings: collector,
    ...archiveFirst
  } = archiveOutputs(pipeline.archive, pipeline.alarmTopic);
  const { processor_function_name: processorFunction, ...failures } = forwarderOutputs(pipeline.forwarder);
  addStackOutputs(stack, {
    ...archiveFirst,
    ...failures,
    ...dashboardOutput(
      pipeline.dashboard,
      "the whole path: log events in vs forwarded, processor, failure store, queues, alarms",
    ),
    cortex_reader_role_arn: readerRole!,
    processor_function_name: processorFunction!,
    cortex_collector_settings: collector!,
  });
}
