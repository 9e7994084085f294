import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { describe, expect, it } from "vitest";
import { LogGroupRetention } from "../../../src/rules/logs/log-group-retention";
import { errorsOf, newStack } from "./rule-test-kit";

describe("LogGroupRetention (WLP-CWL-1)", () => {
  it("accepts a log group with a retention period", () => {
    const stack = newStack();
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor", retentionInDays: 30 });

    expect(errorsOf(stack, new LogGroupRetention())).toEqual([]);
  });

  it("rejects a log group without retention", () => {
    const stack = newStack();
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });

    expect(errorsOf(stack, new LogGroupRetention())).toEqual([
      "[WLP-CWL-1] Every log group has a retention period: aws_cloudwatch_log_group.processor has no retention_in_days (log events are kept forever)",
    ]);
  });

  it("rejects a retention period CloudWatch Logs does not accept", () => {
    const stack = newStack();
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor", retentionInDays: 10 });

    expect(errorsOf(stack, new LogGroupRetention())).toEqual([
      "[WLP-CWL-1] Every log group has a retention period: aws_cloudwatch_log_group.processor has retention_in_days 10; CloudWatch Logs accepts 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    ]);
  });
});
