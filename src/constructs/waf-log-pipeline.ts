import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import { AlarmTopic, emailListSchema } from "./alarm-topic";
import { alarmEnabledSchema } from "./metric-alarms";
import { pipelineResourceNames } from "./names";
import { parseWith } from "./validation";
import { WafLogArchive, archiveAlarmsObject, wafLogArchivePropsSchema } from "./waf-log-archive";
import {
  WafLogForwarder,
  forwarderAlarmsObject,
  logGroupNamesSchema,
  wafLogForwarderPropsSchema,
} from "./waf-log-forwarder";
import { WafLogging, wafLoggingSettingsSchema } from "./waf-logging";
import { WafLogDashboard } from "./waf-log-dashboard";

const archive = wafLogArchivePropsSchema.shape;
const forwarder = wafLogForwarderPropsSchema.shape;
const { enabled: _archiveEnabled, ...archiveAlarms } = archiveAlarmsObject.shape;
const { enabled: _forwarderEnabled, ...forwarderAlarms } = forwarderAlarmsObject.shape;

/** Every alarm of the archive and the forwarder, one switch for all, and who gets an e-mail. */
export const pipelineAlarmsSchema = z
  .strictObject({
    /** `false` turns every alarm (and the SNS topic) off. @default true */
    enabled: alarmEnabledSchema,
    /** E-mail addresses subscribed to the alarms' SNS topic; no topic when empty. @default [] */
    email: emailListSchema.default([]),
    ...archiveAlarms,
    ...forwarderAlarms,
  })
  .superRefine((alarms, ctx) => {
    if (alarms.enabled === false && Array.isArray(alarms.email) && alarms.email.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["email"],
        message:
          "must be empty when alarms.enabled is false: with no alarms there is nothing to notify (remove the addresses or enable the alarms)",
      });
    }
  })
  .prefault({});

/**
 * Props of {@link WafLogPipeline}: the archive's and the forwarder's fields (their schemas' own
 * definitions, rules and defaults), the alarms of both with their e-mail addresses, and WAF logging.
 */
export const wafLogPipelinePropsSchema = z.strictObject({
  name: archive.name,
  accountId: archive.accountId,
  region: archive.region,
  bucketName: archive.bucketName,
  keyPrefix: archive.keyPrefix,
  lifecycle: archive.lifecycle,
  queue: archive.queue,
  cortexAccountId: archive.cortexAccountId,
  customCortexAccount: archive.customCortexAccount,
  externalId: archive.externalId,
  externalIdName: archive.externalIdName,
  encryption: archive.encryption,
  versioning: archive.versioning,
  objectLock: archive.objectLock,
  /** The WAF log groups to forward (a pipeline lists them; discovery is a {@link WafLogForwarder} prop). */
  logGroupNames: logGroupNamesSchema,
  processor: forwarder.processor,
  environmentName: forwarder.environmentName,
  bundlePath: forwarder.bundlePath,
  otherSubscriptionFilters: forwarder.otherSubscriptionFilters,
  failureStore: forwarder.failureStore,
  keepFailureQueue: forwarder.keepFailureQueue,
  redriveCommand: forwarder.redriveCommand,
  alarms: pipelineAlarmsSchema,
  /** Web ACL logging configurations and the log groups the pipeline creates. @default undefined (none) */
  waf: wafLoggingSettingsSchema.optional(),
});

/** What {@link WafLogPipeline} accepts (fields with defaults optional). */
export type WafLogPipelineProps = z.input<typeof wafLogPipelinePropsSchema>;

/**
 * The whole path for one account and region: WAF log groups → subscription filters → processor →
 * log bucket → S3 event notifications → SQS queue (with dead-letter queue) → Cortex reader role. A
 * {@link WafLogArchive} (id `Archive`) and a {@link WafLogForwarder} (id `Forwarder`) writing into it,
 * with one {@link AlarmTopic} (id `Alarms`) for the alarms of both when e-mail addresses are given,
 * {@link WafLogging} (id `WafLogging`) when web ACLs or created log groups are configured, and one
 * {@link WafLogDashboard} (id `Dashboard`) with the archive's and the forwarder's widgets.
 *
 * @throws ValidationError listing every invalid prop, with its path
 */
export class WafLogPipeline extends Construct {
  public readonly archive: WafLogArchive;
  public readonly forwarder: WafLogForwarder;
  /** The topic of the alarms, when `alarms.email` lists addresses. */
  public readonly alarmTopic: AlarmTopic | undefined;
  /** Managed WAF log groups, log delivery resource policy and web ACL logging configurations, when configured. */
  public readonly wafLogging: WafLogging | undefined;
  /** The dashboard of the whole path. */
  public readonly dashboard: WafLogDashboard;

  constructor(scope: Construct, id: string, input: WafLogPipelineProps) {
    super(scope, id);
    const props = parseWith(wafLogPipelinePropsSchema, input, "WafLogPipeline props");
    const names = pipelineResourceNames(props.name);
    const { alarms, encryption } = props;
    const { enabled, email, ...thresholds } = alarms;

    // The topic is encrypted with the archive's key, which exists only once the archive does: the
    // reference is read at synth.
    this.alarmTopic =
      enabled && email.length > 0
        ? new AlarmTopic(this, "Alarms", {
            topicName: names.alarmTopic,
            displayName: `WAF log pipeline ${props.environmentName ?? props.name} alarms`,
            accountId: props.accountId,
            region: props.region,
            alarmNamePrefix: `${props.name}-`,
            email,
            ...(encryption.type === "kms"
              ? { kmsKeyArn: Lazy.stringValue({ produce: () => this.archive.kmsKeyArn }) }
              : {}),
          })
        : undefined;

    this.archive = new WafLogArchive(this, "Archive", {
      name: props.name,
      accountId: props.accountId,
      region: props.region,
      bucketName: props.bucketName,
      keyPrefix: props.keyPrefix,
      lifecycle: props.lifecycle,
      queue: props.queue,
      cortexAccountId: props.cortexAccountId,
      customCortexAccount: props.customCortexAccount,
      externalId: props.externalId,
      externalIdName: props.externalIdName,
      encryption,
      versioning: props.versioning,
      objectLock: props.objectLock,
      alarms: { enabled, ...pick(thresholds, archiveAlarms) },
      alarmTopic: this.alarmTopic,
      dashboard: false,
    });
    if (this.alarmTopic !== undefined && encryption.type === "kms") this.archive.grantAlarmPublishing();

    const { waf } = props;
    this.wafLogging =
      waf === undefined || (waf.webAcls.length === 0 && !waf.manageLogGroup)
        ? undefined
        : new WafLogging(this, "WafLogging", {
            region: props.region,
            accountId: props.accountId,
            managedLogGroupNames: waf.manageLogGroup ? props.logGroupNames : [],
            retentionDays: waf.retentionDays,
            logDeliveryPolicyName: names.wafLogDeliveryPolicy,
            webAcls: waf.webAcls,
            redactedFields: waf.redactedFields,
            loggingFilter: waf.loggingFilter,
          });

    this.forwarder = new WafLogForwarder(this, "Forwarder", {
      name: props.name,
      accountId: props.accountId,
      region: props.region,
      logGroupNames: props.logGroupNames,
      archive: this.archive,
      processor: props.processor,
      environmentName: props.environmentName,
      bundlePath: props.bundlePath,
      otherSubscriptionFilters: props.otherSubscriptionFilters,
      createdLogGroups: [...(this.wafLogging?.logGroups.values() ?? [])],
      kmsKeyArn: this.archive.kmsKeyArn,
      failureStore: props.failureStore,
      keepFailureQueue: props.keepFailureQueue,
      alarms: { enabled, ...pick(thresholds, forwarderAlarms) },
      alarmTopic: this.alarmTopic,
      redriveCommand: props.redriveCommand,
      dashboard: false,
    });

    this.dashboard = new WafLogDashboard(this, "Dashboard", {
      dashboardName: names.dashboard,
      region: props.region,
      title: `WAF log pipeline ${props.environmentName ?? props.name} (${props.accountId}, ${props.region})`,
      sections: [...this.forwarder.dashboardWidgets, ...this.archive.dashboardWidgets],
    });
  }
}

/** The entries of `values` whose keys `shape` has. */
function pick<T extends object>(values: T, shape: object): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key in shape)) as Partial<T>;
}
