import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { AlarmTopic } from "../../../src/constructs/alarm-topic";
import { deliveryAlarmNames } from "../../../src/constructs/names";
import { alarmNames, stackName } from "../../../src/naming";
import { blockOf, policyOf, ref, resourcesOfType, synthesizeStack } from "../../helpers/stack";
import type { Synthesized } from "../../helpers/stack";

const EMAIL = { alarms: { email: ["secops@example.com", "oncall@example.com"] } };

/** The alarms of the archive and the forwarder of a stack, by key. */
function alarmsOf(stack: Synthesized["stack"]) {
  return { ...stack.pipeline.archive.alarms, ...stack.pipeline.forwarder.alarms };
}

/** The synthesized block of alarm `key` of a stack. */
function alarmBlock(
  synthesized: Synthesized,
  key: keyof ReturnType<typeof alarmsOf> & string,
): Record<string, unknown> {
  const alarm = alarmsOf(synthesized.stack)[key];
  if (alarm === undefined) throw new Error(`alarm ${key} was not created`);
  return blockOf(synthesized.tf, alarm);
}

describe("the alarms of WafLogPipeline (WafLogArchive, WafLogForwarder) and their AlarmTopic", () => {
  describe("by default (no e-mail)", () => {
    let synthesized: Synthesized;
    beforeAll(() => {
      synthesized = synthesizeStack();
    });

    it("creates the eight alarms and the three delivery alarms of each log group, named after the environment", () => {
      const names = Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_metric_alarm")).map(
        (alarm) => alarm.alarm_name,
      );
      expect(names.sort()).toEqual(
        [
          ...Object.values(alarmNames("dev")),
          ...Object.values(deliveryAlarmNames(stackName("dev"), "aws-waf-logs-example")),
        ].sort(),
      );
      expect(names).toHaveLength(11);
    });

    it.each([
      [
        "failureQueueMessages",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        { QueueName: "waf-log-pipeline-dev-processor-failures" },
        "Maximum",
        300,
        "GreaterThanThreshold",
        0,
        "notBreaching",
      ],
      [
        "deadLetterQueueMessages",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        { QueueName: "waf-log-pipeline-dev-notifications-dlq" },
        "Maximum",
        300,
        "GreaterThanThreshold",
        0,
        "notBreaching",
      ],
      [
        "processorErrors",
        "AWS/Lambda",
        "Errors",
        { FunctionName: "waf-log-pipeline-dev-processor" },
        "Sum",
        300,
        "GreaterThanThreshold",
        0,
        "notBreaching",
      ],
      [
        "processorThrottles",
        "AWS/Lambda",
        "Throttles",
        { FunctionName: "waf-log-pipeline-dev-processor" },
        "Sum",
        300,
        "GreaterThanThreshold",
        0,
        "notBreaching",
      ],
      [
        "notificationQueueAge",
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        { QueueName: "waf-log-pipeline-dev-notifications" },
        "Maximum",
        300,
        "GreaterThanThreshold",
        1800,
        "notBreaching",
      ],
      [
        "noInvocations",
        "AWS/Lambda",
        "Invocations",
        { FunctionName: "waf-log-pipeline-dev-processor" },
        "Sum",
        3600,
        "LessThanThreshold",
        1,
        "breaching",
      ],
      [
        "destinationDeliveryFailures",
        "AWS/Lambda",
        "DestinationDeliveryFailures",
        { FunctionName: "waf-log-pipeline-dev-processor" },
        "Sum",
        300,
        "GreaterThanThreshold",
        0,
        "notBreaching",
      ],
    ] as const)(
      "alarms %s on %s %s with the default threshold",
      (key, namespace, metricName, dimensions, statistic, period, comparison, threshold, missing) => {
        expect(alarmBlock(synthesized, key)).toMatchObject({
          namespace,
          metric_name: metricName,
          dimensions,
          statistic,
          period,
          evaluation_periods: 1,
          comparison_operator: comparison,
          threshold,
          treat_missing_data: missing,
        });
      },
    );

    it("names the actual queues and function in the dimensions", () => {
      const { stack } = synthesized;
      expect([
        alarmBlock(synthesized, "failureQueueMessages").dimensions,
        alarmBlock(synthesized, "deadLetterQueueMessages").dimensions,
        alarmBlock(synthesized, "notificationQueueAge").dimensions,
        alarmBlock(synthesized, "processorErrors").dimensions,
        alarmBlock(synthesized, "destinationDeliveryFailures").dimensions,
      ]).toEqual([
        { QueueName: blockOf(synthesized.tf, stack.pipeline.forwarder.processor.failureQueue!).name },
        {
          QueueName: blockOf(synthesized.tf, stack.pipeline.archive.notificationQueues.deadLetterQueue).name,
        },
        { QueueName: blockOf(synthesized.tf, stack.pipeline.archive.notificationQueues.queue).name },
        { FunctionName: blockOf(synthesized.tf, stack.pipeline.forwarder.processor.function).function_name },
        { FunctionName: blockOf(synthesized.tf, stack.pipeline.forwarder.processor.function).function_name },
      ]);
    });

    it("creates no SNS topic and no alarm actions", () => {
      expect(resourcesOfType(synthesized.tf, "aws_sns_topic")).toEqual({});
      for (const alarm of Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_metric_alarm"))) {
        expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([[], []]);
      }
    });

    it("tells the operator to redrive the failure store with the environment's command", () => {
      expect(alarmBlock(synthesized, "failureRecords").alarm_description).toBe(
        'Lambda gave up on events of the processor waf-log-pipeline-dev-processor (retries exhausted or older than the maximum event age) and wrote their on-failure records, with the whole event, to the failure store (s3://waf-log-pipeline-dev-failures-111122223333-us-east-1/aws/lambda/async/waf-log-pipeline-dev-processor/): those WAF log events are not in the archive yet. Find the cause in the log group /aws/lambda/waf-log-pipeline-dev-processor (or in the records\' responsePayload), fix it, then run "npm run redrive -- --env dev --dry-run" and "npm run redrive -- --env dev". This alarm stays on for an hour after the last event given up.',
      );
    });

    it("tells the operator to drain the legacy failure queue, then remove it", () => {
      expect(alarmBlock(synthesized, "failureQueueMessages").alarm_description).toBe(
        'The legacy failure queue waf-log-pipeline-dev-processor-failures (on-failure destination before the failure store) holds events the processor gave up on: those WAF log events are not in S3. Run "npm run redrive -- --env dev --dry-run" and "npm run redrive -- --env dev" to process them again; once it is empty, remove it with keepFailureQueue: false.',
      );
    });

    it("says in the no-invocations description that WAF logs stopped arriving and where to look", () => {
      expect(alarmBlock(synthesized, "noInvocations").alarm_description).toBe(
        "The processor waf-log-pipeline-dev-processor was not invoked for 60 minutes: no WAF log events arrived. Check that the web ACL still sends its logs to the WAF log groups of this environment and that each still has the subscription filter waf-log-pipeline-dev-processor. An environment without traffic trips this alarm too: raise alarms.noInvocations.windowMinutes or turn the alarm off there.",
      );
    });

    it("says in the destination-delivery-failures description that events are lost, what to check and where to find them", () => {
      expect(alarmBlock(synthesized, "destinationDeliveryFailures").alarm_description).toBe(
        'Lambda could not write on-failure records of the processor waf-log-pipeline-dev-processor to the failure store (s3://waf-log-pipeline-dev-failures-111122223333-us-east-1/aws/lambda/async/waf-log-pipeline-dev-processor/) in the last 5 minutes and dropped them: those WAF log events are lost (not in the archive, not in the failure store, so the redrive cannot bring them back). Check that the processor role may s3:PutObject and s3:ListBucket on the failure store (and, with a customer-managed key, kms:GenerateDataKey on it, also in the key policy) and that the bucket exists. Fix the cause before more events fail. To recover the lost events, find the "subscription event failed" lines of that time in the log group /aws/lambda/waf-log-pipeline-dev-processor: each names the WAF log group and log stream, whose log events stay there until the log group\'s retention ends.',
      );
    });

    it("keeps every description within CloudWatch's 1024 characters", () => {
      for (const alarm of Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_metric_alarm"))) {
        expect(String(alarm.alarm_description).length).toBeLessThanOrEqual(1024);
      }
    });
  });

  describe("with e-mail addresses", () => {
    let synthesized: Synthesized;
    beforeAll(() => {
      synthesized = synthesizeStack(EMAIL);
    });

    it("creates an unencrypted topic named after the environment when encryption is sse", () => {
      const topic = synthesized.stack.pipeline.alarmTopic!.topic;
      expect(blockOf(synthesized.tf, topic)).toEqual({
        name: "waf-log-pipeline-dev-alarms",
        display_name: "WAF log pipeline dev alarms",
      });
    });

    it("subscribes each address by e-mail", () => {
      const topicArn = ref(synthesized.stack.pipeline.alarmTopic!.topic, "arn");
      expect(
        synthesized.stack.pipeline.alarmTopic!.subscriptions.map((s) => blockOf(synthesized.tf, s)),
      ).toEqual([
        { topic_arn: topicArn, protocol: "email", endpoint: "secops@example.com" },
        { topic_arn: topicArn, protocol: "email", endpoint: "oncall@example.com" },
      ]);
    });

    it("notifies the topic when an alarm fires and when it recovers", () => {
      const topicArn = ref(synthesized.stack.pipeline.alarmTopic!.topic, "arn");
      const alarms = Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_metric_alarm"));
      expect(alarms).toHaveLength(11);
      for (const alarm of alarms) {
        expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([[topicArn], [topicArn]]);
      }
    });

    it("lets only this account's alarms of this environment publish to the topic", () => {
      const alarms = synthesized.stack.pipeline.alarmTopic!;
      const block = blockOf(synthesized.tf, alarms.policy);
      expect(block.arn).toBe(ref(alarms.topic, "arn"));
      expect(policyOf(block).Statement).toEqual([
        {
          Sid: "CloudWatchPublishesAlarms",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Resource: ref(alarms.topic, "arn"),
          Condition: {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: {
              "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:waf-log-pipeline-dev-*",
            },
          },
        },
      ]);
    });

    it("creates the alarms after the topic policy that lets CloudWatch publish", () => {
      const policy = `aws_sns_topic_policy.${synthesized.stack.getLogicalId(synthesized.stack.pipeline.alarmTopic!.policy)}`;
      for (const alarm of Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_metric_alarm"))) {
        expect(alarm.depends_on).toEqual([policy]);
      }
    });

    it("keeps a subscription's address when another one is removed (the address is its id)", () => {
      const oncall = (stack: Synthesized["stack"]) =>
        stack.pipeline
          .alarmTopic!.subscriptions.map((subscription) => stack.getLogicalId(subscription))
          .at(-1);
      const remaining = synthesizeStack({ alarms: { email: ["oncall@example.com"] } }).stack;
      expect(oncall(remaining)).toBe(oncall(synthesized.stack));
    });
  });

  it("encrypts the topic with the customer-managed key when encryption is kms", () => {
    const synthesized = synthesizeStack({ ...EMAIL, encryption: "kms" });
    expect(blockOf(synthesized.tf, synthesized.stack.pipeline.alarmTopic!.topic).kms_master_key_id).toBe(
      ref(synthesized.stack.pipeline.archive.pipelineKey!.key, "arn"),
    );
  });

  it("uses the configured thresholds and window", () => {
    const synthesized = synthesizeStack({
      alarms: {
        failureQueueMessages: { threshold: 10 },
        notificationQueueAge: { thresholdSeconds: 7200 },
        noInvocations: { windowMinutes: 180 },
      },
    });
    expect([
      alarmBlock(synthesized, "failureQueueMessages").threshold,
      alarmBlock(synthesized, "notificationQueueAge").threshold,
      alarmBlock(synthesized, "noInvocations").period,
    ]).toEqual([10, 7200, 10_800]);
  });

  it("leaves out an alarm that is turned off", () => {
    const { stack } = synthesizeStack({ alarms: { processorThrottles: { enabled: false } } });
    expect(Object.keys(alarmsOf(stack))).toEqual([
      "deadLetterQueueMessages",
      "notificationQueueAge",
      "failureRecords",
      "failureQueueMessages",
      "processorErrors",
      "noInvocations",
      "destinationDeliveryFailures",
    ]);
  });

  it("uses the configured destination-delivery-failures threshold", () => {
    const synthesized = synthesizeStack({ alarms: { destinationDeliveryFailures: { threshold: 2 } } });
    expect(alarmBlock(synthesized, "destinationDeliveryFailures").threshold).toBe(2);
  });

  it("leaves out the destination-delivery-failures alarm when it is turned off", () => {
    const { tf } = synthesizeStack({ alarms: { destinationDeliveryFailures: { enabled: false } } });
    const names = Object.values(resourcesOfType(tf, "aws_cloudwatch_metric_alarm")).map(
      (alarm) => alarm.alarm_name,
    );
    expect(names).not.toContain("waf-log-pipeline-dev-destination-delivery-failures");
  });

  it("leaves out the delivery alarms turned off, for every log group", () => {
    const { stack } = synthesizeStack({
      wafLogGroupNames: ["aws-waf-logs-a", "aws-waf-logs-b"],
      alarms: { deliveryThrottling: { enabled: false }, skippedLogEvents: { enabled: false } },
    });
    expect([...stack.pipeline.forwarder.deliveryAlarms.values()].map((a) => Object.keys(a))).toEqual([
      ["deliveryErrors"],
      ["deliveryErrors"],
    ]);
  });

  it("uses the configured skipped-log-events percentage", () => {
    const { stack, tf } = synthesizeStack({ alarms: { skippedLogEvents: { thresholdPercent: 25 } } });
    const alarm = stack.pipeline.forwarder.deliveryAlarms.get("aws-waf-logs-example")!.skippedLogEvents!;
    expect(blockOf(tf, alarm).threshold).toBe(25);
  });

  it("creates no alarm and no topic when the alarms are turned off", () => {
    const { tf } = synthesizeStack({ alarms: { enabled: false } });
    expect([
      resourcesOfType(tf, "aws_cloudwatch_metric_alarm"),
      resourcesOfType(tf, "aws_sns_topic"),
    ]).toEqual([{}, {}]);
  });

  it("rejects topic props that cannot work, all at once", () => {
    const build = () =>
      new AlarmTopic(Testing.app(), "Alarms", {
        topicName: "bad topic",
        accountId: "1234",
        region: "us-east-1",
        alarmNamePrefix: "waf-log-pipeline-dev-",
        email: [],
      });
    expect(build).toThrow(
      [
        "Invalid AlarmTopic props (3 problems):",
        '  - topicName: must be 1–256 letters, digits, - and _, got "bad topic"',
        '  - accountId: must be a 12-digit AWS account id in quotes, e.g. "111122223333", got "1234"',
        "  - email: must list at least one address",
      ].join("\n"),
    );
  });
});
