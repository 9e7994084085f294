import { describe, expect, it } from "vitest";
import { environmentIssues, parsedEnvironment } from "../../helpers/config";
import * as metricAlarms from "../../../src/constructs/metric-alarms";

describe("alarms configuration", () => {
  it("turns every alarm on by default, without e-mail", () => {
    expect(parsedEnvironment().alarms).toEqual({
      enabled: true,
      email: [],
      failureRecords: { enabled: true, threshold: 0 },
      failureQueueMessages: { enabled: true, threshold: 0 },
      deadLetterQueueMessages: { enabled: true, threshold: 0 },
      processorErrors: { enabled: true, threshold: 0 },
      processorThrottles: { enabled: true, threshold: 0 },
      notificationQueueAge: { enabled: true, thresholdSeconds: 1800 },
      noInvocations: { enabled: true, windowMinutes: 60 },
      destinationDeliveryFailures: { enabled: true, threshold: 0 },
      deliveryErrors: { enabled: true, threshold: 0 },
      deliveryThrottling: { enabled: true, threshold: 0 },
      skippedLogEvents: { enabled: true, thresholdPercent: 10 },
      metricsInsightsAlarmQuota: 200,
    });
  });

  it("keeps the given thresholds and fills in the rest of an alarm", () => {
    const alarms = parsedEnvironment({
      alarms: {
        email: ["secops@example.com"],
        processorErrors: { threshold: 5 },
        notificationQueueAge: { thresholdSeconds: 3600 },
        noInvocations: { enabled: false },
      },
    }).alarms;

    expect([alarms.email, alarms.processorErrors, alarms.notificationQueueAge, alarms.noInvocations]).toEqual(
      [
        ["secops@example.com"],
        { enabled: true, threshold: 5 },
        { enabled: true, thresholdSeconds: 3600 },
        { enabled: false, windowMinutes: 60 },
      ],
    );
  });

  it("rejects a skipped-log-events percentage out of range", () => {
    expect(environmentIssues({ alarms: { skippedLogEvents: { thresholdPercent: 0 } } })).toEqual([
      {
        path: "environments.dev.alarms.skippedLogEvents.thresholdPercent",
        message: "must be a whole number of percent from 1 to 100, got 0",
      },
    ]);
  });

  it("rejects an e-mail address that is not one", () => {
    expect(environmentIssues({ alarms: { email: ["secops"] } })).toEqual([
      {
        path: "environments.dev.alarms.email[0]",
        message: 'must be an e-mail address like secops@example.com, got "secops"',
      },
    ]);
  });

  it("rejects an e-mail address listed twice, whatever its case", () => {
    expect(environmentIssues({ alarms: { email: ["secops@example.com", "SecOps@example.com"] } })).toEqual([
      {
        path: "environments.dev.alarms.email[1]",
        message: 'must be distinct: "SecOps@example.com" is already listed at index 0',
      },
    ]);
  });

  it("rejects e-mail addresses when the alarms are turned off", () => {
    expect(environmentIssues({ alarms: { enabled: false, email: ["secops@example.com"] } })).toEqual([
      {
        path: "environments.dev.alarms.email",
        message:
          "must be empty when alarms.enabled is false: with no alarms there is nothing to notify (remove the addresses or enable the alarms)",
      },
    ]);
  });

  it("rejects a negative message threshold", () => {
    expect(environmentIssues({ alarms: { deadLetterQueueMessages: { threshold: -1 } } })).toEqual([
      {
        path: "environments.dev.alarms.deadLetterQueueMessages.threshold",
        message: "must be a whole number of messages from 0 to 100000 (the alarm fires above it), got -1",
      },
    ]);
  });

  it("rejects a fractional error threshold", () => {
    expect(environmentIssues({ alarms: { processorErrors: { threshold: 0.5 } } })).toEqual([
      {
        path: "environments.dev.alarms.processorErrors.threshold",
        message:
          "must be a whole number of errors per 5 minutes from 0 to 100000 (the alarm fires above it), got 0.5",
      },
    ]);
  });

  it("rejects a fractional destination-delivery-failures threshold", () => {
    expect(environmentIssues({ alarms: { destinationDeliveryFailures: { threshold: 1.5 } } })).toEqual([
      {
        path: "environments.dev.alarms.destinationDeliveryFailures.threshold",
        message:
          "must be a whole number of failed deliveries per 5 minutes from 0 to 100000 (the alarm fires above it), got 1.5",
      },
    ]);
  });

  it("rejects a message age threshold under the 5-minute SQS metric period", () => {
    expect(environmentIssues({ alarms: { notificationQueueAge: { thresholdSeconds: 60 } } })).toEqual([
      {
        path: "environments.dev.alarms.notificationQueueAge.thresholdSeconds",
        message:
          "must be a whole number of seconds from 300 to 86400 (SQS publishes queue metrics every 5 minutes), got 60",
      },
    ]);
  });

  it("rejects a no-invocations window longer than one day", () => {
    expect(environmentIssues({ alarms: { noInvocations: { windowMinutes: 1441 } } })).toEqual([
      {
        path: "environments.dev.alarms.noInvocations.windowMinutes",
        message:
          "must be a whole number of minutes from 5 to 1440 (one day: the alarm evaluates one period of this length), got 1441",
      },
    ]);
  });

  it("rejects a threshold given as a bare number instead of an object", () => {
    expect(environmentIssues({ alarms: { processorThrottles: 3 } })).toEqual([
      {
        path: "environments.dev.alarms.processorThrottles",
        message: 'must be an object like {"enabled": true, "threshold": 0}, got 3',
      },
    ]);
  });

  it("rejects an unknown alarm", () => {
    expect(environmentIssues({ alarms: { lambdaDuration: { threshold: 1 } } })).toEqual([
      {
        path: "environments.dev.alarms.lambdaDuration",
        message: "is not a known field (check the spelling against the configuration reference in README.md)",
      },
    ]);
  });
});

describe("fitAlarmDescription", () => {
  it("keeps a description of up to 1,024 characters and cuts a longer one to 1,024 ending in …", () => {
    expect(metricAlarms.fitAlarmDescription("é".repeat(1024))).toBe("é".repeat(1024));
    const cut = metricAlarms.fitAlarmDescription(`${"a".repeat(1020)}🙂🙂🙂🙂🙂`);
    expect([...cut]).toHaveLength(metricAlarms.MAX_ALARM_DESCRIPTION_LENGTH);
    expect(cut).toBe(`${"a".repeat(1020)}🙂🙂🙂…`);
  });
});
