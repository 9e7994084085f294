import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { App, Aspects } from "cdktf";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { WafLogPipelineChecks, addSuppressions } from "../../../src/rules";
import { addChecks, compliantBucket, compliantQueue, newStack, synthErrors } from "./rule-test-kit";

const RETENTION =
  "[WLP-CWL-1] Every log group has a retention period: aws_cloudwatch_log_group.processor has no retention_in_days (log events are kept forever)";
const REASON = "The test keeps this log group forever on purpose, to see the suppression";

describe("WafLogPipelineChecks", () => {
  // cdktf-cli sets this to print the errors itself (and then fails); app.synth() alone must throw.
  beforeEach(() => {
    vi.stubEnv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", undefined);
  });

  it("lets a compliant stack synthesize", () => {
    const stack = newStack();
    compliantBucket(stack, "archive");
    compliantQueue(stack, "failures");
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor", retentionInDays: 30 });
    addChecks(stack);

    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });

  it("fails synth with every unsuppressed violation, each with its construct path, rule id and resource", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { publicAccessBlock: false });
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });
    addChecks(stack);

    expect(() => (stack.node.root as App).synth()).toThrow(
      [
        "[test/archive] [WLP-S3-1] Every S3 bucket blocks all public access: aws_s3_bucket.archive has no aws_s3_bucket_public_access_block",
        `[test/processor] ${RETENTION}`,
      ].join("\n"),
    );
  });

  it("checks nothing in a stack that did not opt in", () => {
    const stack = newStack();
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });

    expect(synthErrors(stack)).toEqual([]);
  });

  it("lets a resource suppress a rule with a reason, and prints the suppression in use", () => {
    const stack = newStack();
    const logGroup = new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });
    addSuppressions(logGroup, [{ id: "WLP-CWL-1", reason: REASON }]);
    const printed: string[] = [];
    addChecks(stack, (line) => printed.push(line));

    expect(synthErrors(stack)).toEqual([]);
    expect(printed).toEqual([`Suppressed [WLP-CWL-1] at aws_cloudwatch_log_group.processor: ${REASON}`]);
  });

  it("does not let a suppression of one rule hide another rule's finding", () => {
    const stack = newStack();
    const logGroup = new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });
    addSuppressions(logGroup, [{ id: "WLP-S3-1", reason: REASON }]);
    addChecks(stack);

    expect(synthErrors(stack)).toEqual([RETENTION]);
  });

  it("refuses a suppression without a real reason", () => {
    const stack = newStack();

    expect(() => addSuppressions(stack, [{ id: "WLP-CWL-1", reason: "needed" }])).toThrow(
      'addSuppressions(test, WLP-CWL-1): the reason must say why, in at least 20 characters (got "needed")',
    );
  });

  it("runs only the rules it is given", () => {
    const stack = newStack();
    compliantBucket(stack, "archive", { publicAccessBlock: false });
    new CloudwatchLogGroup(stack, "processor", { name: "/aws/lambda/processor" });
    const [retention] = WafLogPipelineChecks.allRules().filter((rule) => rule.id === "WLP-CWL-1");
    Aspects.of(stack).add(new WafLogPipelineChecks({ rules: [retention!], log: () => {} }));

    expect(synthErrors(stack)).toEqual([RETENTION]);
  });

  it("lists every rule with a distinct id and a description", () => {
    const rules = WafLogPipelineChecks.allRules();
    expect(rules.map((r) => r.id)).toEqual([
      "WLP-S3-1",
      "WLP-S3-2",
      "WLP-S3-3",
      "WLP-S3-4",
      "WLP-SQS-1",
      "WLP-SQS-2",
      "WLP-SQS-3",
      "WLP-IAM-1",
      "WLP-CWL-1",
      "WLP-LMB-1",
      "WLP-LMB-2",
    ]);
    for (const rule of rules) expect(rule.description.length).toBeGreaterThan(20);
  });
});
