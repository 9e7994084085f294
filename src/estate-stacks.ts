/**
 * The stacks of an estate environment (`src/estate-config.ts`): one {@link WafLogArchiveStack} and one
 * {@link WafLogSourceStack} per source. Each has its own AWS provider (restricted to its account with
 * `allowed_account_ids`, with the configured role to assume) and its own backend (Terraform Cloud
 * workspace or local state file). No stack reads another's state: the source learns the archive's
 * bucket, region, prefix and key pattern, and the archive the sources' processor roles, from the
 * configuration, so the stacks apply in any order (the archive's policies admit the roles by condition,
 * which S3 and KMS accept before the roles exist; see `src/constructs/writer-grants.ts`).
 */
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Aspects,
  type CloudBackend,
  Lazy,
  type LocalBackend,
  TerraformStack,
  TerraformVariable,
} from "cdktf";
import type { Construct } from "constructs";
import { addStackBackend } from "./backend";
import { DEFAULT_CONFIG_PATH } from "./config";
import { AlarmTopic } from "./constructs/alarm-topic";
import { archiveAlarmsObject, WafLogArchive } from "./constructs/waf-log-archive";
import { forwarderAlarmsObject, WafLogForwarder } from "./constructs/waf-log-forwarder";
import { pipelineResourceNames } from "./constructs/names";
import type {
  CloudWatchSourceConfig,
  EstateConfig,
  EstateStackTarget,
  S3SourceConfig,
  SourceConfig,
} from "./estate-config";
import { WafS3LogSource } from "./constructs/waf-s3-log-source";
import { PROJECT } from "./naming";
import { WafLogPipelineChecks } from "./rules";
import { requiredTerraformVersion } from "./terraform-version";
import {
  EXTERNAL_ID_VARIABLE,
  addExternalIdVariable,
  addStackOutputs,
  dashboardOutput,
  archiveOutputs,
  forwarderOutputs,
} from "./waf-log-pipeline-stack";

/** What both kinds of estate stack take. */
export interface EstateStackProps {
  /** The estate environment's name, e.g. `estate`. */
  readonly envName: string;
  /** The estate, with defaults applied and names derived (see `loadConfig`). */
  readonly estate: EstateConfig;
  /** The configuration file, named in backend errors. @default "waf-pipeline.config.json" */
  readonly configFile?: string;
  /** Process environment to read `TF_CLOUD_ORGANIZATION` from. @default process.env */
  readonly processEnv?: NodeJS.ProcessEnv;
  /** Where the security checks print each suppression in use. @default standard error */
  readonly checksLog?: (line: string) => void;
}

/**
 * The provider, backend, Terraform version and checks of one estate stack. The provider refuses any
 * account but `target.accountId` (`allowed_account_ids`) and assumes `target.assumeRoleArn` when set
 * (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs#assume_role-configuration-block).
 */
function configureStack(
  stack: TerraformStack,
  target: EstateStackTarget,
  organizationPath: string,
  props: EstateStackProps,
): CloudBackend | LocalBackend {
  stack.addOverride("terraform.required_version", requiredTerraformVersion());
  new AwsProvider(stack, "aws", {
    region: target.region,
    allowedAccountIds: [target.accountId],
    ...(target.assumeRoleArn === undefined
      ? {}
      : { assumeRole: [{ roleArn: target.assumeRoleArn, sessionName: PROJECT }] }),
    defaultTags: [{ tags: { Project: PROJECT, Environment: props.envName, ...props.estate.tags } }],
  });
  Aspects.of(stack).add(new WafLogPipelineChecks({ log: props.checksLog }));
  return addStackBackend(
    stack,
    target.terraformCloud,
    organizationPath,
    props.configFile ?? DEFAULT_CONFIG_PATH,
    props.processEnv,
  );
}

/**
 * The provider, backend and checks of a source's stack (see {@link configureStack}), and the source's
 * alarm topic when the estate's alarms are on, e-mail addresses are listed and `wantsAlarms`.
 */
function configureSourceStack(
  stack: TerraformStack,
  props: EstateStackProps & { readonly source: SourceConfig },
  wantsAlarms: boolean,
): { backend: CloudBackend | LocalBackend; alarmTopic: AlarmTopic | undefined } {
  const { estate, envName, source } = props;
  const index = estate.sources.indexOf(source);
  const backend = configureStack(
    stack,
    source,
    `environments.${envName}.sources.${index}.terraformCloud`,
    props,
  );
  const { enabled, email } = estate.alarms;
  const alarmTopic =
    enabled && email.length > 0 && wantsAlarms
      ? new AlarmTopic(stack, "Alarms", {
          topicName: pipelineResourceNames(source.name).alarmTopic,
          displayName: `WAF log pipeline ${envName} ${source.accountId} ${source.region}${source.type === "s3" ? " s3" : ""} alarms`,
          accountId: source.accountId,
          region: source.region,
          alarmNamePrefix: `${source.name}-`,
          email,
        })
      : undefined;
  return { backend, alarmTopic };
}

/** The entries of `values` whose keys `shape` has. */
function pick<T extends object>(values: T, shape: object): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key in shape)) as Partial<T>;
}

/**
 * The archive of an estate (stack `waf-log-pipeline-<env>-archive`): a {@link WafLogArchive} named
 * `waf-log-pipeline-<env>` whose bucket policy (and key policy with `encryption: "kms"`) admits exactly
 * the sources' processor roles by condition, the archive's alarms with their topic, and the outputs of a
 * one-account environment's archive (one queue URL and one role ARN: one Cortex collector for the
 * whole estate).
 */
export class WafLogArchiveStack extends TerraformStack {
  public readonly backend: CloudBackend | LocalBackend;
  /** Sensitive variable `cortex_external_id`: set it in the workspace or `TF_VAR_cortex_external_id`. */
  public readonly externalId: TerraformVariable;
  public readonly archive: WafLogArchive;
  /** The topic of the alarms, when `alarms.email` lists addresses. */
  public readonly alarmTopic: AlarmTopic | undefined;

  constructor(scope: Construct, props: EstateStackProps) {
    const { estate, envName } = props;
    const config = estate.archive;
    super(scope, config.stackName);
    this.backend = configureStack(this, config, `environments.${envName}.archive.terraformCloud`, props);

    this.externalId = addExternalIdVariable(this);

    const { enabled, email, ...thresholds } = estate.alarms;
    const names = pipelineResourceNames(config.name);
    this.alarmTopic =
      enabled && email.length > 0
        ? new AlarmTopic(this, "Alarms", {
            topicName: names.alarmTopic,
            displayName: `WAF log pipeline ${envName} archive alarms`,
            accountId: config.accountId,
            region: config.region,
            alarmNamePrefix: `${config.name}-`,
            email,
            ...(config.encryption.type === "kms"
              ? { kmsKeyArn: Lazy.stringValue({ produce: () => this.archive.kmsKeyArn }) }
              : {}),
          })
        : undefined;

    this.archive = new WafLogArchive(this, "Archive", {
      name: config.name,
      accountId: config.accountId,
      region: config.region,
      bucketName: config.bucketName,
      keyPrefix: config.s3Prefix,
      lifecycle: config.lifecycle,
      queue: config.queue,
      cortexAccountId: estate.cortex.accountId,
      customCortexAccount: estate.cortex.customAccount,
      externalId: this.externalId.stringValue,
      externalIdName: EXTERNAL_ID_VARIABLE,
      encryption: config.encryption,
      versioning: config.versioning,
      ...(config.objectLock === undefined ? {} : { objectLock: config.objectLock }),
      alarms: { enabled, ...pick(thresholds, archiveAlarmsObject.shape) },
      alarmTopic: this.alarmTopic,
      writerRoleArns: [...config.writerRoleArns],
      ...(config.organizationId === undefined ? {} : { writerOrganizationId: config.organizationId }),
    });
    if (this.alarmTopic !== undefined && config.encryption.type === "kms")
      this.archive.grantAlarmPublishing();
    for (const source of estate.sources) {
      if (source.type !== "s3") continue;
      this.archive.admitS3Source({
        bucketName: source.bucketName,
        accountId: source.accountId,
        ...(source.readerKmsKeyArn === undefined ? {} : { kmsKeyArn: source.readerKmsKeyArn }),
      });
    }

    addStackOutputs(this, {
      ...archiveOutputs(this.archive, this.alarmTopic),
      ...dashboardOutput(this.archive.dashboard, "the archive: bucket, notification queues, alarms"),
    });
  }
}

/** Props of {@link WafLogSourceStack}. */
export interface WafLogSourceStackProps extends EstateStackProps {
  /** The source this stack forwards (one of `estate.sources`). */
  readonly source: CloudWatchSourceConfig;
  /** Path of the processor bundle. @default the bundle of this package (`dist/waf-log-processor/index.cjs`) */
  readonly bundlePath?: string;
}

/**
 * One source of an estate (stack `waf-log-pipeline-<env>-<account>-<region>`): a {@link WafLogForwarder}
 * named after the source whose processor writes into the archive's bucket in the archive's region
 * (`S3_BUCKET_REGION`), under the archive's key prefix, with the archive's key through S3 only when the
 * archive uses one; one Lambda permission for every `aws-waf-logs-*` log group; the listed or
 * discovered log groups' subscription filters; the forwarder's alarms with their topic.
 */
export class WafLogSourceStack extends TerraformStack {
  public readonly backend: CloudBackend | LocalBackend;
  public readonly forwarder: WafLogForwarder;
  /** The topic of the alarms, when `alarms.email` lists addresses. */
  public readonly alarmTopic: AlarmTopic | undefined;

  constructor(scope: Construct, props: WafLogSourceStackProps) {
    const { estate, envName, source } = props;
    super(scope, source.stackName);
    ({ backend: this.backend, alarmTopic: this.alarmTopic } = configureSourceStack(this, props, true));
    new ArchiveProvider(this, "archive");

    const { enabled, email: _email, ...thresholds } = estate.alarms;

    const { archive } = estate;
    this.forwarder = new WafLogForwarder(this, "Forwarder", {
      name: source.name,
      accountId: source.accountId,
      region: source.region,
      ...("names" in source.logGroups
        ? { logGroupNames: [...source.logGroups.names] }
        : { discovery: source.logGroups.discovery }),
      // Nothing of an earlier version to forget or drain: estate stacks start with the one permission
      // and the failure store.
      forgetLegacyPermissions: false,
      keepFailureQueue: false,
      failureStore: source.failureStore,
      archive: {
        bucketName: archive.bucketName,
        bucketRegion: archive.region,
        keyPrefix: archive.s3Prefix,
        ...(archive.sourceKmsKeyArn === undefined ? {} : { kmsKeyArn: archive.sourceKmsKeyArn }),
      },
      processor: source.processor,
      environmentName: envName,
      ...(props.bundlePath === undefined ? {} : { bundlePath: props.bundlePath }),
      alarms: { enabled, ...pick(thresholds, forwarderAlarmsObject.shape) },
      alarmTopic: this.alarmTopic,
      redriveCommand: `npm run redrive -- --env ${envName}`,
    });

    addStackOutputs(this, {
      ...forwarderOutputs(this.forwarder),
      ...dashboardOutput(
        this.forwarder.dashboard,
        "the forwarder: log events in vs forwarded, processor, failure store, alarms",
      ),
    });
  }
}

/** Props of {@link WafS3SourceStack}. */
export interface WafS3SourceStackProps extends EstateStackProps {
  /** The s3 source of this stack (one of `estate.sources`). */
  readonly source: S3SourceConfig;
}

/**
 * One `s3` source of an estate (stack `waf-log-pipeline-<env>-<account>-<region>-s3`, in the source's
 * account and the archive's region): a {@link WafS3LogSource} whose `aws-waf-logs-…` bucket notifies the
 * archive's queue and admits the archive's reader role (both derived from the configuration: the archive
 * stack admits the bucket with `WafLogArchive.admitS3Source`), the logging configurations of the listed
 * web ACLs, and the large-file alarm with its topic. Apply the archive's stack first: S3 checks the
 * queue's policy when the bucket's notification configuration is created.
 */
export class WafS3SourceStack extends TerraformStack {
  public readonly backend: CloudBackend | LocalBackend;
  public readonly source: WafS3LogSource;
  /** The topic of the alarms, when `alarms.email` lists addresses. */
  public readonly alarmTopic: AlarmTopic | undefined;

  constructor(scope: Construct, props: WafS3SourceStackProps) {
    const { estate, source } = props;
    super(scope, source.stackName);
    ({ backend: this.backend, alarmTopic: this.alarmTopic } = configureSourceStack(
      this,
      props,
      source.largeLogFiles.enabled,
    ));
    const { enabled } = estate.alarms;

    this.source = new WafS3LogSource(this, "Source", {
      name: source.name,
      accountId: source.accountId,
      region: source.region,
      bucketName: source.bucketName,
      ...(source.webAclRegions === undefined ? {} : { webAclRegions: [...source.webAclRegions] }),
      webAcls: source.webAclArns.map((arn) => ({ arn })),
      ...(source.redactedFields === undefined ? {} : { redactedFields: [...source.redactedFields] }),
      ...(source.loggingFilter === undefined ? {} : { loggingFilter: source.loggingFilter }),
      lifecycle: source.lifecycle,
      encryption: source.encryption,
      versioning: source.versioning,
      largeLogFiles: { ...source.largeLogFiles, enabled: enabled && source.largeLogFiles.enabled },
      alarmTopic: this.alarmTopic,
      archive: {
        accountId: estate.archive.accountId,
        region: estate.archive.region,
        notificationQueueArn: source.notificationQueueArn,
        readerRoleArn: source.readerRoleArn,
      },
    });

    const { landingBucket, largeLogFileQueue } = this.source;
    addStackOutputs(this, {
      waf_log_bucket_name: {
        value: landingBucket.bucket.id,
        description: "The aws-waf-logs-* bucket: the logging destination of this account's web ACLs",
      },
      waf_log_bucket_arn: {
        value: landingBucket.bucket.arn,
        description: "ARN of the bucket, for a web ACL's logging configuration (LogDestinationConfigs)",
      },
      ...(largeLogFileQueue === undefined
        ? {}
        : {
            large_log_file_queue_url: {
              value: largeLogFileQueue.url,
              description:
                "Queue that keeps the key and size of each WAF log file above Cortex's 50 MB, for 14 days",
            },
          }),
    });
  }
}

/**
 * The stacks of estate `envName`: the archive's, then one per source in the configuration's order.
 *
 * @throws ValidationError when a stack's Terraform Cloud organization is set nowhere
 */
export function estateStacks(
  scope: Construct,
  props: Omit<EstateStackProps, never> & { readonly bundlePath?: string },
): [WafLogArchiveStack, ...(WafLogSourceStack | WafS3SourceStack)[]] {
  const archive = new WafLogArchiveStack(scope, props);
  const sources = props.estate.sources.map((source: SourceConfig) =>
    source.type === "s3"
      ? new WafS3SourceStack(scope, { ...props, source })
      : new WafLogSourceStack(scope, { ...props, source }),
  );
  return [archive, ...sources];
}
