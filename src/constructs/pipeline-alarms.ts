import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import type { AlarmsConfig } from "../alarms-config";
import { partitionOf, policyDocument } from "../iam-policy";
import type { alarmNames } from "../naming";
import { checkWholeNumber, throwIfInvalid } from "./props-error";

/** The alarms this construct can create, by configuration key. */
export type AlarmKey = Exclude<keyof AlarmsConfig, "enabled" | "email">;

/** Every alarm key, in the order the alarms are created and documented. */
export const ALARM_KEYS: readonly AlarmKey[] = [
  "failureQueueMessages",
  "deadLetterQueueMessages",
  "processorErrors",
  "processorThrottles",
  "notificationQueueAge",
  "noInvocations",
  "destinationDeliveryFailures",
];

/** Construct id of each alarm: part of its Terraform address, so never rename one. */
const ALARM_IDS: Readonly<Record<AlarmKey, string>> = {
  failureQueueMessages: "FailureQueueMessages",
  deadLetterQueueMessages: "DeadLetterQueueMessages",
  processorErrors: "ProcessorErrors",
  processorThrottles: "ProcessorThrottles",
  notificationQueueAge: "NotificationQueueAge",
  noInvocations: "NoInvocations",
  destinationDeliveryFailures: "DestinationDeliveryFailures",
};

/** Period of the queue and error alarms, in seconds: SQS publishes queue metrics every 5 minutes. */
export const ALARM_PERIOD_SECONDS = 300;

export interface PipelineAlarmsProps {
  /** Which alarms, their thresholds and the e-mail addresses (the `alarms` configuration). */
  readonly config: AlarmsConfig;
  /** Environment name, for the commands in the alarm descriptions (`npm run redrive -- --env <env>`). */
  readonly envName: string;
  /** Name of every alarm (`alarmNames(env)` of `src/naming.ts`). */
  readonly alarmNames: ReturnType<typeof alarmNames>;
  /** Name of the SNS topic created when `config.email` is not empty. */
  readonly topicName: string;
  /** Account of the alarms and the topic (12 digits): the only `aws:SourceAccount` that may publish. */
  readonly accountId: string;
  /** Region of the alarms, for the alarm ARNs allowed to publish. */
  readonly region: string;
  /** Name of the processor function (`FunctionName` dimension of the AWS/Lambda metrics). */
  readonly functionName: string;
  /** Name of the processor's log group, where the operator reads its errors. */
  readonly processorLogGroupName: string;
  /** Name of the processor's failure queue (on-failure destination). */
  readonly failureQueueName: string;
  /** Name of the queue S3 notifies and Cortex reads. */
  readonly notificationQueueName: string;
  /** Name of the notification queue's dead-letter queue. */
  readonly deadLetterQueueName: string;
  /** Receives of a notification before it moves to the dead-letter queue (for the description). */
  readonly maxReceiveCount: number;
  /** Name of the subscription filter on each WAF log group (for the description). */
  readonly subscriptionFilterName: string;
  /** ARN of the customer-managed KMS key that encrypts the topic; unencrypted when undefined. @default undefined */
  readonly kmsKeyArn?: string;
}

/** One alarm's metric and condition. */
interface AlarmDefinition {
  readonly namespace: "AWS/SQS" | "AWS/Lambda";
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: "Maximum" | "Sum";
  readonly periodSeconds: number;
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly treatMissingData: "breaching" | "notBreaching";
  readonly description: string;
}

/**
 * The CloudWatch metric alarms of one environment, each with a description that says what happened
 * and what to do, and optionally an SNS topic with e-mail subscriptions that receives every change to
 * ALARM and back to OK:
 * - `failureQueueMessages`: AWS/SQS `ApproximateNumberOfMessagesVisible` of the failure queue > threshold;
 * - `deadLetterQueueMessages`: the same on the dead-letter queue;
 * - `processorErrors` / `processorThrottles`: AWS/Lambda `Errors` / `Throttles` summed over 5 minutes > threshold;
 * - `notificationQueueAge`: AWS/SQS `ApproximateAgeOfOldestMessage` of the notification queue > threshold seconds;
 * - `noInvocations`: AWS/Lambda `Invocations` summed over the window < 1, missing data breaching
 *   (Lambda publishes no data point for a function nobody invokes);
 * - `destinationDeliveryFailures`: AWS/Lambda `DestinationDeliveryFailures` summed over 5 minutes > threshold:
 *   Lambda could not put an on-failure record on the failure queue (size limit, KMS or permission error)
 *   and dropped it, so that event is lost; the metric is the only trace
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * Missing data counts as not breaching for the others: SQS and Lambda publish nothing while idle.
 *
 * The topic policy lets only `cloudwatch.amazonaws.com` publish, for this account's alarms of this
 * environment (`aws:SourceAccount`, `aws:SourceArn`). With `kmsKeyArn` the topic is encrypted, and the
 * key policy must let `cloudwatch.amazonaws.com` use the key (see `PipelineKeyPolicy`).
 * Metrics: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export class PipelineAlarms extends Construct {
  /** The topic, when e-mail addresses are configured. */
  public readonly topic?: SnsTopic;
  public readonly topicPolicy?: SnsTopicPolicy;
  /** One e-mail subscription per address, in the configured order. */
  public readonly subscriptions: readonly SnsTopicSubscription[];
  /** The alarms that are enabled, by configuration key. */
  public readonly alarms: Readonly<Partial<Record<AlarmKey, CloudwatchMetricAlarm>>>;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { config } = props;
    const problems: string[] = [];
    if (!/^\d{12}$/.test(props.accountId)) {
      problems.push(
        `props.accountId: must be a 12-digit AWS account id, got ${JSON.stringify(props.accountId)}`,
      );
    }
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(props.topicName)) {
      problems.push(
        `props.topicName: must be 1–256 letters, digits, - and _, got ${JSON.stringify(props.topicName)}`,
      );
    }
    for (const key of ALARM_KEYS) {
      const threshold = config[key];
      if ("threshold" in threshold) {
        checkWholeNumber(problems, `config.${key}.threshold`, threshold.threshold, 0, 100_000);
      }
    }
    checkWholeNumber(
      problems,
      "config.notificationQueueAge.thresholdSeconds",
      config.notificationQueueAge.thresholdSeconds,
      300,
      86_400,
      "seconds",
    );
    checkWholeNumber(
      problems,
      "config.noInvocations.windowMinutes",
      config.noInvocations.windowMinutes,
      5,
      1440,
      "minutes",
    );
    if (!config.enabled && config.email.length > 0) {
      problems.push("props.config.email: must be empty when config.enabled is false (nothing would notify)");
    }
    throwIfInvalid("PipelineAlarms", problems);

    const emails = config.enabled ? config.email : [];
    if (emails.length > 0) {
      this.topic = new SnsTopic(this, "Topic", {
        name: props.topicName,
        displayName: `WAF log pipeline ${props.envName} alarms`,
        ...(props.kmsKeyArn === undefined ? {} : { kmsMasterKeyId: props.kmsKeyArn }),
      });
      const partition = partitionOf(props.region);
      this.topicPolicy = new SnsTopicPolicy(this, "TopicPolicy", {
        arn: this.topic.arn,
        policy: policyDocument([
          {
            Sid: "CloudWatchPublishesAlarms",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: {
              StringEquals: { "aws:SourceAccount": props.accountId },
              ArnLike: {
                "aws:SourceArn": `arn:${partition}:cloudwatch:${props.region}:${props.accountId}:alarm:${commonPrefix(Object.values(props.alarmNames))}*`,
              },
            },
          },
        ]),
      });
      this.subscriptions = emails.map(
        (address) =>
          // The address is the id, so removing one address leaves the other subscriptions alone.
          new SnsTopicSubscription(this, `Email-${address.toLowerCase()}`, {
            topicArn: this.topic!.arn,
            protocol: "email",
            endpoint: address,
          }),
      );
    } else {
      this.subscriptions = [];
    }

    const actions = this.topic === undefined ? [] : [this.topic.arn];
    const definitions = alarmDefinitions(props);
    const alarms: Partial<Record<AlarmKey, CloudwatchMetricAlarm>> = {};
    for (const key of ALARM_KEYS) {
      if (!config.enabled || !config[key].enabled) continue;
      const definition = definitions[key];
      alarms[key] = new CloudwatchMetricAlarm(this, ALARM_IDS[key], {
        alarmName: props.alarmNames[key],
        alarmDescription: definition.description,
        namespace: definition.namespace,
        metricName: definition.metricName,
        dimensions: definition.dimensions,
        statistic: definition.statistic,
        period: definition.periodSeconds,
        evaluationPeriods: 1,
        comparisonOperator: definition.comparisonOperator,
        threshold: definition.threshold,
        treatMissingData: definition.treatMissingData,
        actionsEnabled: true,
        alarmActions: actions,
        okActions: actions,
        // CloudWatch checks that it may publish when the alarm is created.
        ...(this.topicPolicy === undefined ? {} : { dependsOn: [this.topicPolicy] }),
      });
    }
    this.alarms = alarms;
  }
}

/** The longest common prefix of `names` (the alarm names share `waf-log-pipeline-<env>-`). */
function commonPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? "";
  for (const name of names) {
    while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** The metric, condition and description of every alarm, from the props. */
function alarmDefinitions(props: PipelineAlarmsProps): Record<AlarmKey, AlarmDefinition> {
  const { config, envName } = props;
  const redrive = `npm run redrive -- --env ${envName}`;
  const queue = (name: string) => ({ QueueName: name });
  const fn = { FunctionName: props.functionName };
  return {
    failureQueueMessages: {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: queue(props.failureQueueName),
      statistic: "Maximum",
      periodSeconds: ALARM_PERIOD_SECONDS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: config.failureQueueMessages.threshold,
      treatMissingData: "notBreaching",
      description: `The failure queue ${props.failureQueueName} holds events the processor gave up on after its retries: those WAF log events are not in S3. Find the cause in the log group ${props.processorLogGroupName}, fix it, then run "${redrive} --dry-run" and "${redrive}" to process them again.`,
    },
    deadLetterQueueMessages: {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: queue(props.deadLetterQueueName),
      statistic: "Maximum",
      periodSeconds: ALARM_PERIOD_SECONDS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: config.deadLetterQueueMessages.threshold,
      treatMissingData: "notBreaching",
      description: `The dead-letter queue ${props.deadLetterQueueName} holds S3 event notifications that Cortex received ${props.maxReceiveCount} times from ${props.notificationQueueName} without deleting them: Cortex failed to consume them. The objects are still in the bucket. Check the Amazon S3 collector in Cortex and the reader role's access (S3, KMS), then move the messages back with the SQS console's "Start DLQ redrive" (or aws sqs start-message-move-task).`,
    },
    processorErrors: {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: fn,
      statistic: "Sum",
      periodSeconds: ALARM_PERIOD_SECONDS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: config.processorErrors.threshold,
      treatMissingData: "notBreaching",
      description: `Invocations of the processor ${props.functionName} failed in the last 5 minutes. Lambda retries each failed event twice, then sends it to the failure queue ${props.failureQueueName}, so nothing is lost yet. Read the errors in the log group ${props.processorLogGroupName}; once the cause is fixed, run "${redrive}" for the events in the failure queue.`,
    },
    processorThrottles: {
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: fn,
      statistic: "Sum",
      periodSeconds: ALARM_PERIOD_SECONDS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: config.processorThrottles.threshold,
      treatMissingData: "notBreaching",
      description: `Invocations of the processor ${props.functionName} were throttled in the last 5 minutes (the account's or the function's concurrency limit). Lambda retries throttled events until their maximum event age, then sends them to the failure queue ${props.failureQueueName}. Free or raise the Lambda concurrency quota, then run "${redrive}" for anything in the failure queue.`,
    },
    notificationQueueAge: {
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: queue(props.notificationQueueName),
      statistic: "Maximum",
      periodSeconds: ALARM_PERIOD_SECONDS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: config.notificationQueueAge.thresholdSeconds,
      treatMissingData: "notBreaching",
      description: `The oldest message on ${props.notificationQueueName} is older than ${config.notificationQueueAge.thresholdSeconds} seconds: Cortex stopped reading the queue. Check that the Amazon S3 collector in Cortex is enabled and healthy, and that its role ARN, external ID and the reader role (incl. KMS access) are unchanged. Messages not read within the queue's retention are lost.`,
    },
    noInvocations: {
      namespace: "AWS/Lambda",
      metricName: "Invocations",
      dimensions: fn,
      statistic: "Sum",
      periodSeconds: config.noInvocations.windowMinutes * 60,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      description: `The processor ${props.functionName} was not invoked for ${config.noInvocations.windowMinutes} minutes: no WAF log events arrived. Check that the web ACL still sends its logs to the WAF log groups of this environment and that each still has the subscription filter ${props.subscriptionFilterName}. An environment without traffic trips this alarm too: raise alarms.noInvocations.windowMinutes or turn the alarm off there.`,
    },
    destinationDeliveryFailures: {
      namespace: "AWS/Lambda",
      metricName: "DestinationDeliveryFailures",
      dimensions: fn,
      statistic: "Sum",
      periodSeconds: ALARM_PERIOD_SECONDS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: config.destinationDeliveryFailures.threshold,
      treatMissingData: "notBreaching",
      description: `Lambda could not deliver on-failure records of the processor ${props.functionName} to the failure queue ${props.failureQueueName} in the last 5 minutes and dropped them: those WAF log events are lost (not in S3, not on the queue, so redrive cannot bring them back). Check the failure queue's policy and KMS key (the key policy must let the processor role use the key) and that the processor role may sqs:SendMessage to the queue; a record over the SQS message size limit is dropped too. Fix the cause before more events fail. To recover the lost events, find the "subscription event failed" lines of that time in the log group ${props.processorLogGroupName}: each names the WAF log group and log stream, whose log events stay there until the log group's retention ends.`,
    },
  };
}
