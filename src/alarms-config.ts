/**
 * The `alarms` section of an environment's configuration: which CloudWatch alarms the stack creates,
 * their thresholds, and who gets an e-mail when one changes state. Every alarm is on by default.
 *
 * Plugged into the environment schema of `src/config.ts`; the reference is `docs/alarms-encryption.md`.
 * Metric names and dimensions: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * and https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import { z } from "zod";
import { allowed, wholeNumber } from "./config-messages";

/** An alarm on a count (messages, errors, throttles): it fires when the count is above `threshold`. */
export interface CountAlarmConfig {
  /** Whether the alarm exists. @default true */
  readonly enabled: boolean;
  /** The alarm fires when the count is greater than this (0–100000). @default 0 */
  readonly threshold: number;
}

/** The alarm on the age of the oldest message of the notification queue. */
export interface MessageAgeAlarmConfig {
  /** Whether the alarm exists. @default true */
  readonly enabled: boolean;
  /** The alarm fires when the oldest message is older than this many seconds (300–86400). @default 1800 */
  readonly thresholdSeconds: number;
}

/** The alarm on the processor not being invoked at all. */
export interface NoInvocationsAlarmConfig {
  /** Whether the alarm exists. @default true */
  readonly enabled: boolean;
  /** The alarm fires when the processor had no invocation for this many minutes (5–1440). @default 60 */
  readonly windowMinutes: number;
}

/** CloudWatch alarms of one environment, with every default applied. */
export interface AlarmsConfig {
  /** `false` turns every alarm (and the SNS topic) off. @default true */
  readonly enabled: boolean;
  /** E-mail addresses subscribed to the alarms' SNS topic; no topic when empty. @default [] */
  readonly email: readonly string[];
  /** Failure queue has visible messages: events the processor gave up on. */
  readonly failureQueueMessages: CountAlarmConfig;
  /** Dead-letter queue has visible messages: notifications Cortex failed to consume. */
  readonly deadLetterQueueMessages: CountAlarmConfig;
  /** Processor `Errors` summed over 5 minutes. */
  readonly processorErrors: CountAlarmConfig;
  /** Processor `Throttles` summed over 5 minutes. */
  readonly processorThrottles: CountAlarmConfig;
  /** Notification queue `ApproximateAgeOfOldestMessage`: Cortex stopped reading. */
  readonly notificationQueueAge: MessageAgeAlarmConfig;
  /** Processor `Invocations` below 1 over a window, missing data breaching: WAF logs stopped arriving. */
  readonly noInvocations: NoInvocationsAlarmConfig;
  /**
   * Processor `DestinationDeliveryFailures` summed over 5 minutes: Lambda could not put an on-failure
   * record on the failure queue, so that event is lost.
   */
  readonly destinationDeliveryFailures: CountAlarmConfig;
}

/** Largest count threshold accepted for the count alarms. */
export const MAX_COUNT_THRESHOLD = 100_000;

/**
 * Longest window of the no-invocations alarm, in minutes: one day. The alarm evaluates one period of
 * the whole window (a multiple of 60 s). CloudWatch limits `Period × EvaluationPeriods` to one day
 * (86400 s) for periods under an hour and to 7 days otherwise, so every window up to a day is valid
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html, `Period`).
 */
export const MAX_NO_INVOCATIONS_WINDOW_MINUTES = 1440;

const enabled = z.boolean({ error: allowed("must be true or false") }).default(true);

const countAlarmSchema = (what: string) =>
  z.strictObject(
    {
      enabled,
      threshold: wholeNumber(
        0,
        MAX_COUNT_THRESHOLD,
        `must be a whole number of ${what} from 0 to ${MAX_COUNT_THRESHOLD} (the alarm fires above it)`,
      ).default(0),
    },
    { error: allowed('must be an object like {"enabled": true, "threshold": 0}') },
  );

const messageAgeAlarmSchema = z.strictObject(
  {
    enabled,
    thresholdSeconds: wholeNumber(
      300,
      86_400,
      "must be a whole number of seconds from 300 to 86400 (SQS publishes queue metrics every 5 minutes)",
    ).default(1800),
  },
  { error: allowed('must be an object like {"enabled": true, "thresholdSeconds": 1800}') },
);

const noInvocationsAlarmSchema = z.strictObject(
  {
    enabled,
    windowMinutes: wholeNumber(
      5,
      MAX_NO_INVOCATIONS_WINDOW_MINUTES,
      `must be a whole number of minutes from 5 to ${MAX_NO_INVOCATIONS_WINDOW_MINUTES} (one day: the alarm evaluates one period of this length)`,
    ).default(60),
  },
  { error: allowed('must be an object like {"enabled": true, "windowMinutes": 60}') },
);

const EMAIL_RULES = "must be an e-mail address like secops@example.com";

const emailSchema = z
  .array(z.email({ error: allowed(EMAIL_RULES) }), {
    error: allowed('must be a list of e-mail addresses, like ["secops@example.com"]'),
  })
  .superRefine((addresses, ctx) => {
    const seen = addresses.map((a) => a.toLowerCase());
    seen.forEach((address, index) => {
      const first = seen.indexOf(address);
      if (first !== index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `must be distinct: ${JSON.stringify(addresses[index])} is already listed at index ${first}`,
        });
      }
    });
  })
  .default([]);

/** The zod 4 schema of `alarms`; its output is an {@link AlarmsConfig}. Use it with `.prefault({})`. */
export const alarmsSchema = z
  .strictObject(
    {
      enabled,
      email: emailSchema,
      failureQueueMessages: countAlarmSchema("messages").prefault({}),
      deadLetterQueueMessages: countAlarmSchema("messages").prefault({}),
      processorErrors: countAlarmSchema("errors per 5 minutes").prefault({}),
      processorThrottles: countAlarmSchema("throttles per 5 minutes").prefault({}),
      notificationQueueAge: messageAgeAlarmSchema.prefault({}),
      noInvocations: noInvocationsAlarmSchema.prefault({}),
      destinationDeliveryFailures: countAlarmSchema("failed deliveries per 5 minutes").prefault({}),
    },
    { error: allowed('must be an object like {"email": ["secops@example.com"]}') },
  )
  .superRefine((alarms, ctx) => {
    if (!alarms.enabled && alarms.email.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["email"],
        message:
          "must be empty when alarms.enabled is false: with no alarms there is nothing to notify (remove the addresses or enable the alarms)",
      });
    }
  }) satisfies z.ZodType<AlarmsConfig, unknown>;
