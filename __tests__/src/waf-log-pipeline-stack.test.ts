import { readFileSync } from "node:fs";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/constructs/validation";
import { WafLogPipelineStack } from "../../src/waf-log-pipeline-stack";
import {
  blockOf,
  environmentConfig,
  ref,
  resourcesOfType,
  synthesizeStack,
  testBundlePath,
  type Synthesized,
} from "../helpers/stack";

describe("WafLogPipelineStack", () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesizeStack({ tags: { Owner: "secops" } });
  });

  it("is named waf-log-pipeline-<env>", () => {
    expect(synthesized.stack.node.id).toBe("waf-log-pipeline-dev");
  });

  it("requires exactly the Terraform version of .terraform-version", () => {
    const version = readFileSync(".terraform-version", "utf8").trim();
    expect(synthesized.tf.terraform.required_version).toBe(`= ${version}`);
  });

  it("pins the AWS provider to 5.100.0 and constrains the archive provider", () => {
    expect(synthesized.tf.terraform.required_providers).toEqual({
      aws: { source: "aws", version: "5.100.0" },
      archive: { source: "hashicorp/archive", version: "2.7.1" },
    });
  });

  it("deploys only into the configured account and region", () => {
    expect(synthesized.json).toHaveProviderWithProperties(AwsProvider, {
      region: "us-east-1",
      allowed_account_ids: ["111122223333"],
    });
  });

  it("tags every resource with the project, the environment and the configured tags", () => {
    expect(synthesized.tf.provider.aws?.[0]?.default_tags).toEqual([
      { tags: { Project: "waf-log-pipeline", Environment: "dev", Owner: "secops" } },
    ]);
  });

  it("configures the archive provider", () => {
    expect(synthesized.json).toHaveProvider(ArchiveProvider);
  });

  it("declares cortex_external_id as a sensitive, non-null string", () => {
    expect(synthesized.tf.variable.cortex_external_id).toMatchObject({
      type: "string",
      sensitive: true,
      nullable: false,
    });
    expect(synthesized.tf.variable.cortex_external_id).not.toHaveProperty("default");
  });

  it("has no validation block on cortex_external_id: Terraform 1.11 prints the value of a failed one", () => {
    expect(synthesized.tf.variable.cortex_external_id).not.toHaveProperty("validation");
  });

  it("checks cortex_external_id with preconditions of the Cortex reader role, whose messages name the variable", () => {
    const role = synthesized.stack.pipeline.archive.cortexReaderRole.role;
    const { lifecycle } = blockOf(synthesized.tf, role) as {
      lifecycle: { precondition: { condition: string; error_message: string }[] };
    };
    expect(lifecycle.precondition).toHaveLength(4);
    for (const { condition, error_message } of lifecycle.precondition) {
      expect(condition).toContain("var.cortex_external_id");
      expect(error_message).toMatch(/^cortex_external_id (must|is a published placeholder)/);
    }
  });

  it("uses no data source that calls AWS, so synth and plan need no credentials for lookups", () => {
    expect(Object.keys(synthesized.tf.data)).toEqual(["archive_file"]);
  });

  it("outputs the names and URLs operators and Cortex need", () => {
    const { stack } = synthesized;
    const values = Object.fromEntries(
      Object.entries(synthesized.tf.output).map(([name, o]) => [name, o.value]),
    );
    expect(values).toEqual({
      bucket_name: ref(stack.pipeline.archive.logArchiveBucket.bucket, "id"),
      notification_queue_url: ref(stack.pipeline.archive.notificationQueues.queue, "url"),
      notification_queue_arn: ref(stack.pipeline.archive.notificationQueues.queue, "arn"),
      dead_letter_queue_url: ref(stack.pipeline.archive.notificationQueues.deadLetterQueue, "url"),
      failure_queue_url: ref(stack.pipeline.forwarder.processor.failureQueue!, "url"),
      failure_store_bucket: ref(stack.pipeline.forwarder.failureStore.bucket, "id"),
      dashboard_url:
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/waf-log-pipeline-dev",
      cortex_reader_role_arn: ref(stack.pipeline.archive.cortexReaderRole.role, "arn"),
      processor_function_name: ref(stack.pipeline.forwarder.processor.function, "function_name"),
      cortex_collector_settings: expect.any(Object),
    });
  });

  it("shows on its dashboard every alarm of the stack, and the whole path", () => {
    const alarmNames = Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_metric_alarm"))
      .map((alarm) => `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${String(alarm.alarm_name)}`)
      .sort();
    const [dashboard] = Object.values(resourcesOfType(synthesized.tf, "aws_cloudwatch_dashboard"));
    const body = JSON.parse(dashboard!.dashboard_body as string) as {
      widgets: { type: string; properties: { alarms?: string[]; markdown?: string } }[];
    };
    const shown = body.widgets.flatMap((w) => (w.type === "alarm" ? (w.properties.alarms ?? []) : []));

    expect(alarmNames.length).toBeGreaterThanOrEqual(10);
    expect([...shown].sort()).toEqual(alarmNames);
    expect(body.widgets.flatMap((w) => w.properties.markdown ?? [])).toEqual(
      expect.arrayContaining([
        "## WAF log groups: log events in vs forwarded, delivery errors and throttling",
        "## Failure store",
      ]),
    );
  });

  it("outputs the Cortex collector settings to type into Cortex", () => {
    const { stack } = synthesized;
    expect(synthesized.tf.output.cortex_collector_settings?.value).toEqual({
      sqs_queue_url: ref(stack.pipeline.archive.notificationQueues.queue, "url"),
      role_arn: ref(stack.pipeline.archive.cortexReaderRole.role, "arn"),
      external_id: "the value of the sensitive variable cortex_external_id",
      log_type: "Generic",
      log_format: "JSON",
      compression: "gzip",
      vendor: "aws",
      product: "waf",
    });
  });

  it("keeps its Terraform addresses (renaming one recreates a resource)", () => {
    const addresses = Object.entries(synthesized.tf.resource).flatMap(([type, blocks]) =>
      Object.keys(blocks).map((name) => `${type}.${name}`),
    );
    expect(addresses.sort()).toEqual([
      "aws_cloudwatch_dashboard.Dashboard_B5E3F5DB",
      "aws_cloudwatch_log_group.Processor_LogGroup_B3034378",
      "aws_cloudwatch_log_subscription_filter.aws-waf-logs-example_SubscriptionFilter_B49F157E",
      "aws_cloudwatch_metric_alarm.Alarms_DeadLetterQueueMessages_109F38FF",
      "aws_cloudwatch_metric_alarm.Alarms_DestinationDeliveryFailures_7353B87E",
      "aws_cloudwatch_metric_alarm.Alarms_FailureQueueMessages_6A815D7A",
      "aws_cloudwatch_metric_alarm.Alarms_FailureRecords_4776B9E1",
      "aws_cloudwatch_metric_alarm.Alarms_NoInvocations_9E6CF1DC",
      "aws_cloudwatch_metric_alarm.Alarms_NotificationQueueAge_36D05FBE",
      "aws_cloudwatch_metric_alarm.Alarms_ProcessorErrors_91027FFF",
      "aws_cloudwatch_metric_alarm.Alarms_ProcessorThrottles_492AF7A5",
      "aws_cloudwatch_metric_alarm.DeliveryAlarms_aws-waf-logs-example_DeliveryErrors_FE917E05",
      "aws_cloudwatch_metric_alarm.DeliveryAlarms_aws-waf-logs-example_DeliveryThrottling_830CB30A",
      "aws_cloudwatch_metric_alarm.DeliveryAlarms_aws-waf-logs-example_SkippedLogEvents_F75DE007",
      "aws_iam_role.CortexReaderRole_BD67E7B4",
      "aws_iam_role.Processor_Role_59F44976",
      "aws_iam_role_policy.CortexReaderRole_Policy_318BCD95",
      "aws_iam_role_policy.Processor_RolePolicy_A4F05023",
      "aws_lambda_function.Processor_Function_BE9FBF91",
      "aws_lambda_function_event_invoke_config.Processor_EventInvokeConfig_E313DA7A",
      "aws_lambda_permission.LogGroupsPermission",
      "aws_s3_bucket.FailureStore_Bucket_D469AA0E",
      "aws_s3_bucket.LogArchiveBucket_D1FAA0AE",
      "aws_s3_bucket_lifecycle_configuration.FailureStore_Lifecycle_DF7BD7EA",
      "aws_s3_bucket_lifecycle_configuration.LogArchiveBucket_Lifecycle_EC3D86C1",
      "aws_s3_bucket_notification.NotificationQueues_BucketNotification_519FE375",
      "aws_s3_bucket_ownership_controls.FailureStore_OwnershipControls_85D8C766",
      "aws_s3_bucket_ownership_controls.LogArchiveBucket_OwnershipControls_63E9B978",
      "aws_s3_bucket_policy.FailureStore_Policy_7CB0E6B8",
      "aws_s3_bucket_policy.LogArchiveBucket_Policy_E9D36E79",
      "aws_s3_bucket_public_access_block.FailureStore_PublicAccessBlock_0A3999F7",
      "aws_s3_bucket_public_access_block.LogArchiveBucket_PublicAccessBlock_4EFB9422",
      "aws_s3_bucket_server_side_encryption_configuration.FailureStore_Encryption_BA90F70E",
      "aws_s3_bucket_server_side_encryption_configuration.LogArchiveBucket_Encryption_8D6BC931",
      "aws_s3_bucket_versioning.FailureStore_Versioning_4A358C0F",
      "aws_s3_bucket_versioning.LogArchiveBucket_Versioning_4C481514",
      "aws_sqs_queue.NotificationQueues_DeadLetterQueue_F63FDE0F",
      "aws_sqs_queue.NotificationQueues_Queue_3D497EE2",
      "aws_sqs_queue.Processor_FailureQueue_2902D141",
      "aws_sqs_queue_policy.NotificationQueues_DeadLetterQueuePolicy_B550851B",
      "aws_sqs_queue_policy.NotificationQueues_QueuePolicy_4EAFDC54",
      "aws_sqs_queue_policy.Processor_FailureQueuePolicy_3CA79D97",
      "aws_sqs_queue_redrive_allow_policy.NotificationQueues_RedriveAllowPolicy_E92AEEEC",
      "aws_sqs_queue_redrive_policy.NotificationQueues_RedrivePolicy_87276001",
    ]);
  });

  it("rejects an environment name that cannot be part of resource names", () => {
    const build = () =>
      new WafLogPipelineStack(Testing.app(), {
        envName: "Prod",
        config: environmentConfig(),
        bundlePath: testBundlePath(),
      });
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      'Invalid WafLogPipelineStack props (1 problem):\n  - envName: must match ^[a-z][a-z0-9-]{0,15}$, got "Prod"',
    );
  });
});
