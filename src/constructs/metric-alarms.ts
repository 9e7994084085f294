/**
 * The pieces the archive's and the forwarder's CloudWatch alarms share: the props schemas of one
 * alarm (on a count, a message age, missing invocations), the alarm topic reference, and the function
 * that creates the enabled alarms with their actions.
 *
 * Metric names and dimensions: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * and https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { z } from "zod";
import { AlarmTopic } from "./alarm-topic";
import { allowed, wholeNumber } from "./validation";

/** Period of the queue and error alarms, in seconds: SQS publishes queue metrics every 5 minutes. */
export const ALARM_PERIOD_SECONDS = 300;

/** Largest count threshold accepted for the count alarms. */
export const MAX_COUNT_THRESHOLD = 100_000;

/**
 * Longest window of the no-invocations alarm, in minutes: one day. The alarm evaluates one period of
 * the whole window (a multiple of 60 s). CloudWatch limits `Period × EvaluationPeriods` to one day
 * (86400 s) for periods under an hour and to 7 days otherwise, so every window up to a day is valid
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html, `Period`).
 */
export const MAX_NO_INVOCATIONS_WINDOW_MINUTES = 1440;

/**
 * Longest alarm description CloudWatch accepts, in characters
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html, `AlarmDescription`).
 */
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

/**
 * `description` as CloudWatch accepts it: unchanged up to {@link MAX_ALARM_DESCRIPTION_LENGTH}
 * characters, else cut to that length ending in `…`. Descriptions name log groups, which may be 512
 * characters long; the ones written here put what happened and what to do first.
 */
export function fitAlarmDescription(description: string): string {
  const chars = [...description];
  return chars.length <= MAX_ALARM_DESCRIPTION_LENGTH
    ? description
    : `${chars.slice(0, MAX_ALARM_DESCRIPTION_LENGTH - 1).join("")}…`;
}

/** `enabled` of an alarm, or of every alarm of a construct. @default true */
export const alarmEnabledSchema = z.boolean({ error: allowed("must be true or false") }).default(true);

/** An alarm on a count (messages, errors, throttles): it fires when the count is above `threshold`. */
export const countAlarmSchema = (what: string) =>
  z
    .strictObject(
      {
        /** Whether the alarm exists. @default true */
        enabled: alarmEnabledSchema,
        /** The alarm fires when the count is greater than this (0–100000). @default 0 */
        threshold: wholeNumber(
          0,
          MAX_COUNT_THRESHOLD,
          `must be a whole number of ${what} from 0 to ${MAX_COUNT_THRESHOLD} (the alarm fires above it)`,
        ).default(0),
      },
      { error: allowed('must be an object like {"enabled": true, "threshold": 0}') },
    )
    .prefault({});

/** The alarm on the age of the oldest message of the notification queue. */
export const messageAgeAlarmSchema = z
  .strictObject(
    {
      /** Whether the alarm exists. @default true */
      enabled: alarmEnabledSchema,
      /** The alarm fires when the oldest message is older than this many seconds (300–86400). @default 1800 */
      thresholdSeconds: wholeNumber(
        300,
        86_400,
        "must be a whole number of seconds from 300 to 86400 (SQS publishes queue metrics every 5 minutes)",
      ).default(1800),
    },
    { error: allowed('must be an object like {"enabled": true, "thresholdSeconds": 1800}') },
  )
  .prefault({});

/** The alarm on the processor not being invoked at all. */
export const noInvocationsAlarmSchema = z
  .strictObject(
    {
      /** Whether the alarm exists. @default true */
      enabled: alarmEnabledSchema,
      /** The alarm fires when the processor had no invocation for this many minutes (5–1440). @default 60 */
      windowMinutes: wholeNumber(
        5,
        MAX_NO_INVOCATIONS_WINDOW_MINUTES,
        `must be a whole number of minutes from 5 to ${MAX_NO_INVOCATIONS_WINDOW_MINUTES} (one day: the alarm evaluates one period of this length)`,
      ).default(60),
    },
    { error: allowed('must be an object like {"enabled": true, "windowMinutes": 60}') },
  )
  .prefault({});

/** The alarm on the share of a log group's log events that were not forwarded. */
export const skippedLogEventsAlarmSchema = z
  .strictObject(
    {
      /** Whether the alarm exists (one per log group). @default true */
      enabled: alarmEnabledSchema,
      /**
       * The alarm fires when more than this percentage of a log group's incoming log events were not
       * forwarded, in 2 of 3 consecutive 5-minute periods (1–100). @default 10
       */
      thresholdPercent: wholeNumber(1, 100, "must be a whole number of percent from 1 to 100").default(10),
    },
    { error: allowed('must be an object like {"enabled": true, "thresholdPercent": 10}') },
  )
  .prefault({});

/**
 * Where the alarms send their state changes (ALARM and back to OK): an {@link AlarmTopic} of the same
 * stack, or the ARN of an SNS topic in the alarms' account and region. @default undefined (no actions)
 */
export const alarmTopicSchema = z
  .union([z.instanceof(AlarmTopic), z.string().regex(/^arn:aws[a-z-]*:sns:/)], {
    error: allowed(
      "must be an AlarmTopic or the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<name>)",
    ),
  })
  .optional();

/** How an alarm compares its data points. */
interface AlarmCondition {
  readonly alarmName: string;
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly treatMissingData: "breaching" | "notBreaching";
  /** Periods evaluated. @default 1 */
  readonly evaluationPeriods?: number;
  /** Breaching periods among them that set the alarm off. @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  readonly description: string;
}

/** An alarm on one metric. */
export interface SingleMetricAlarm extends AlarmCondition {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: "Maximum" | "Sum";
  readonly periodSeconds: number;
}

/** One query of a metric math alarm: a metric, a math expression, or a Metrics Insights query. */
export type MetricQuery =
  | {
      readonly id: string;
      readonly metric: {
        readonly namespace: string;
        readonly metricName: string;
        readonly dimensions: Record<string, string>;
        readonly statistic: "Sum" | "Maximum";
        readonly periodSeconds: number;
      };
      readonly label?: string;
    }
  | {
      readonly id: string;
      /** A metric math expression over the other ids, or a Metrics Insights `SELECT …` (then `periodSeconds`). */
      readonly expression: string;
      readonly periodSeconds?: number;
      readonly label?: string;
      /** The query the alarm watches: exactly one per alarm. */
      readonly returnData?: boolean;
    };

/**
 * An alarm on a metric math expression or a Metrics Insights query
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html).
 */
export interface MetricMathAlarm extends AlarmCondition {
  readonly queries: readonly MetricQuery[];
}

/** One alarm's data and condition. */
export type AlarmDefinition = SingleMetricAlarm | MetricMathAlarm;

/**
 * An alarm that fires when the metric is above `threshold` over 5 minutes, missing data not breaching
 * (SQS and Lambda publish nothing while idle): the maximum of an SQS gauge (messages, age), the sum of
 * a Lambda count (errors, throttles, failed deliveries).
 */
export function aboveThreshold(
  definition: Pick<
    SingleMetricAlarm,
    "alarmName" | "namespace" | "metricName" | "dimensions" | "threshold" | "description"
  >,
): SingleMetricAlarm {
  return {
    ...definition,
    statistic: definition.namespace === "AWS/SQS" ? "Maximum" : "Sum",
    periodSeconds: ALARM_PERIOD_SECONDS,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  };
}

/** The CloudWatch alarm ARN of an alarm named `alarmName` (for dashboards and composite rules). */
export function alarmArn(partition: string, region: string, accountId: string, alarmName: string): string {
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${alarmName}`;
}

/** The arguments of a `CloudwatchMetricAlarm` that describe its data: one metric, or metric queries. */
function alarmData(definition: AlarmDefinition) {
  if ("queries" in definition) {
    return {
      metricQuery: definition.queries.map((query) =>
        "metric" in query
          ? {
              id: query.id,
              ...(query.label === undefined ? {} : { label: query.label }),
              returnData: false,
              metric: {
                namespace: query.metric.namespace,
                metricName: query.metric.metricName,
                dimensions: query.metric.dimensions,
                stat: query.metric.statistic,
                period: query.metric.periodSeconds,
              },
            }
          : {
              id: query.id,
              expression: query.expression,
              ...(query.label === undefined ? {} : { label: query.label }),
              ...(query.periodSeconds === undefined ? {} : { period: query.periodSeconds }),
              returnData: query.returnData === true,
            },
      ),
    };
  }
  return {
    namespace: definition.namespace,
    metricName: definition.metricName,
    dimensions: definition.dimensions,
    statistic: definition.statistic,
    period: definition.periodSeconds,
  };
}

/**
 * Creates, in a child `Alarms` of `scope` (or `groupId`), one `CloudwatchMetricAlarm` per enabled
 * definition (construct id: the definition's key with a capital first letter), each with `alarmTopic`
 * as alarm and OK action.
 * With an {@link AlarmTopic}, each alarm waits for the topic policy: CloudWatch checks that it may
 * publish when the alarm is created.
 *
 * @param definitions the alarms by key; `undefined` for one that is turned off
 * @returns the created alarms by key
 */
export function createMetricAlarms<K extends string>(
  scope: Construct,
  definitions: Readonly<Record<K, AlarmDefinition | undefined>>,
  alarmTopic: AlarmTopic | string | undefined,
  groupId = "Alarms",
): Partial<Record<K, CloudwatchMetricAlarm>> {
  const group = new Construct(scope, groupId);
  const actions =
    alarmTopic === undefined ? [] : [typeof alarmTopic === "string" ? alarmTopic : alarmTopic.topic.arn];
  const alarms: Partial<Record<K, CloudwatchMetricAlarm>> = {};
  for (const [key, definition] of Object.entries(definitions) as [K, AlarmDefinition | undefined][]) {
    if (definition === undefined) continue;
    const evaluationPeriods = definition.evaluationPeriods ?? 1;
    alarms[key] = new CloudwatchMetricAlarm(group, key.charAt(0).toUpperCase() + key.slice(1), {
      alarmName: definition.alarmName,
      alarmDescription: fitAlarmDescription(definition.description),
      ...alarmData(definition),
      evaluationPeriods,
      ...(definition.datapointsToAlarm === undefined || definition.datapointsToAlarm === evaluationPeriods
        ? {}
        : { datapointsToAlarm: definition.datapointsToAlarm }),
      comparisonOperator: definition.comparisonOperator,
      threshold: definition.threshold,
      treatMissingData: definition.treatMissingData,
      actionsEnabled: true,
      alarmActions: actions,
      okActions: actions,
      ...(alarmTopic instanceof AlarmTopic ? { dependsOn: [alarmTopic.policy] } : {}),
    });
  }
  return alarms;
}
