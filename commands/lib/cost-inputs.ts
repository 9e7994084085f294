/**
 * Turns an environment of the configuration file (`waf-pipeline.config.json`, read with
 * `src/config.ts`) and the command line's overrides into the inputs of the cost model.
 *
 * From the environment: the lifecycle days, the alarms that exist, the encryption, the processor's
 * memory, architecture and log retention, the number of web ACLs (the configured web ACL ARNs, or one
 * per WAF log group when none are configured) and the WAF log group's retention (when the stack
 * manages the log group). Without `--env`, the configuration schema's defaults for a minimal
 * environment are used, so the defaults here are always the stack's defaults.
 */
import { archiveAlarmNames, deliveryAlarmNames, forwarderAlarmNames } from "../../src/constructs/names";
import { type EnvironmentConfig, parseConfig } from "../../src/config";
import { DEFAULT_WAF_LOG_RETENTION_DAYS } from "../../src/constructs/waf-logging";
import { ASSUMPTIONS } from "./cost-assumptions";
import type { CostInputs, SourceType } from "./cost-model";

/** An alarm of the archive or of the forwarder, by its key in the `alarms` configuration. */
type AlarmKey =
  | keyof ReturnType<typeof archiveAlarmNames>
  | keyof ReturnType<typeof forwarderAlarmNames>
  | keyof ReturnType<typeof deliveryAlarmNames>;

/** Alarms the archive (WafLogArchive) has, which the s3 source keeps; the forwarder's watch the processor and its failure store. */
export const ARCHIVE_ALARM_KEYS = Object.keys(archiveAlarmNames("")) as readonly AlarmKey[];

/** The forwarder's own alarms (one metric each). */
const FORWARDER_ALARM_KEYS = Object.keys(forwarderAlarmNames("")) as readonly AlarmKey[];

/**
 * Metrics each delivery alarm of a log group is billed for: one for the Metrics Insights queries
 * (each adds up the one subscription series of the log group), three for the skipped-log-events metric
 * math (incoming and forwarded by two dimension sets).
 */
export const DELIVERY_ALARM_METRICS: Readonly<Record<keyof ReturnType<typeof deliveryAlarmNames>, number>> = {
  deliveryErrors: 1,
  deliveryThrottling: 1,
  skippedLogEvents: 3,
};

/** Log events per subscription batch when the command line gives none. */
export const DEFAULT_EVENTS_PER_BATCH = 20;

/** GB of WAF logs per day when the command line gives none. */
export const DEFAULT_GB_PER_DAY = 1;

/** What the command line sets; each field overrides the environment's value. */
export interface CostOverrides {
  readonly gbPerDay?: number;
  readonly webAcls?: number;
  readonly eventsPerBatch?: number;
  readonly recordBytes?: number;
  readonly logRetentionDays?: number;
  /** Days objects are kept (replaces lifecycle.expirationDays). */
  readonly retentionDays?: number;
  readonly encryption?: "sse" | "kms";
  readonly transitionSmallObjects?: boolean;
  readonly wafLogCredit?: boolean;
}

/** Where each input came from, for the report: "flag", "config" or "default". */
export type InputOrigin = "flag" | "config" | "default";

/** A problem that makes the inputs unusable (exit code 2 in the command). */
export class CostInputError extends Error {
  override readonly name = "CostInputError";
}

/**
 * The environment every default comes from when no `--env` is given: the smallest valid environment,
 * parsed by the configuration schema (so lifecycle, alarms, encryption and processor defaults are the
 * stack's own).
 */
export function defaultEnvironment(): EnvironmentConfig {
  const config = parseConfig(
    {
      environments: {
        default: {
          accountId: "111122223333",
          region: "us-east-1",
          wafLogGroupNames: ["aws-waf-logs-default"],
        },
      },
    },
    "(defaults)",
  );
  return config.environments.default!;
}

/**
 * The number of alarm metrics (what CloudWatch bills an alarm for) each source type has in
 * `environment`: the archive's alarms, the forwarder's (the legacy failure queue's only while it is
 * kept) and, per WAF log group, its delivery alarms. 0 when alarms are off.
 */
export function alarmCounts(environment: EnvironmentConfig): Record<SourceType, number> {
  const { alarms } = environment;
  if (!alarms.enabled) return { cloudwatch: 0, s3: 0 };
  const on = (key: AlarmKey) =>
    alarms[key].enabled && (key !== "failureQueueMessages" || environment.keepFailureQueue);
  const archive = ARCHIVE_ALARM_KEYS.filter(on).length;
  const forwarder = FORWARDER_ALARM_KEYS.filter(on).length;
  const perLogGroup = (Object.keys(DELIVERY_ALARM_METRICS) as (keyof typeof DELIVERY_ALARM_METRICS)[])
    .filter(on)
    .reduce((sum, key) => sum + DELIVERY_ALARM_METRICS[key], 0);
  return {
    cloudwatch: archive + forwarder + perLogGroup * environment.wafLogGroupNames.length,
    s3: archive,
  };
}

/**
 * The cost model's inputs for `environment` with `overrides` applied.
 *
 * @param fromConfig whether `environment` came from the configuration file (for the origins)
 * @returns the inputs and where each came from
 * @throws CostInputError when the environment keeps objects forever (`lifecycle.expirationDays`
 *   null) and no `retentionDays` override says how long to price
 */
export function costInputs(
  environment: EnvironmentConfig,
  overrides: CostOverrides,
  fromConfig: boolean,
): { inputs: CostInputs; origins: Record<string, InputOrigin> } {
  const origins: Record<string, InputOrigin> = {};
  const configured: InputOrigin = fromConfig ? "config" : "default";
  function pick<T>(name: string, override: T | undefined, fallback: T, fallbackOrigin: InputOrigin): T {
    origins[name] = override !== undefined ? "flag" : fallbackOrigin;
    return override ?? fallback;
  }

  const expiration = environment.lifecycle.expirationDays;
  if (overrides.retentionDays === undefined && expiration === null) {
    throw new CostInputError(
      "lifecycle.expirationDays is null in this environment (objects are kept forever), so its storage grows every month: pass --retention-days N to price the storage of objects kept N days",
    );
  }
  const webAclCount = environment.waf?.webAclArns.length || environment.wafLogGroupNames.length;
  const managedRetention = environment.waf?.manageLogGroup ? environment.waf.retentionDays : undefined;
  const encryption = pick("encryption", overrides.encryption, environment.encryption.type, configured);

  const inputs: CostInputs = {
    gbPerDay: pick("gbPerDay", overrides.gbPerDay, DEFAULT_GB_PER_DAY, "default"),
    webAcls: pick("webAcls", overrides.webAcls, webAclCount, configured),
    eventsPerBatch: pick("eventsPerBatch", overrides.eventsPerBatch, DEFAULT_EVENTS_PER_BATCH, "default"),
    recordBytes: pick("recordBytes", overrides.recordBytes, ASSUMPTIONS.recordBytes.value, "default"),
    logGroupRetentionDays: pick(
      "logGroupRetentionDays",
      overrides.logRetentionDays,
      managedRetention ?? DEFAULT_WAF_LOG_RETENTION_DAYS,
      managedRetention === undefined ? "default" : configured,
    ),
    lifecycle: {
      infrequentAccessDays: environment.lifecycle.infrequentAccessDays,
      glacierDays: environment.lifecycle.glacierDays,
      deepArchiveDays: environment.lifecycle.deepArchiveDays,
      expirationDays: pick("expirationDays", overrides.retentionDays, expiration ?? 0, configured),
    },
    transitionSmallObjects: pick(
      "transitionSmallObjects",
      overrides.transitionSmallObjects,
      false,
      "default",
    ),
    alarms: alarmCounts(environment),
    encryption,
    kmsKeyCreated:
      encryption === "kms" && !(environment.encryption.type === "kms" && environment.encryption.keyArn),
    processor: {
      memoryMb: environment.processor.memoryMb,
      architecture: environment.processor.architecture,
      logRetentionDays: environment.processor.logRetentionDays,
    },
    wafLogCredit: pick("wafLogCredit", overrides.wafLogCredit, true, "default"),
  };
  origins.lifecycle = configured;
  origins.alarms = configured;
  origins.processor = configured;
  return { inputs, origins };
}
