/**
 * Builds the coverage audit's input ({@link AuditInput}) from the configuration file as it is today:
 * an environment is one account and region with a list of WAF log groups, forwarded by the
 * subscription filter `waf-log-pipeline-<env>-processor` to the function of the same name
 * (`src/naming.ts`). An estate configuration (one archive, many sources) maps onto the same input:
 * one {@link AuditSource} per source.
 */
import type { EnvironmentConfig } from "../../src/config";
import { partitionOf } from "../../src/iam-policy";
import { resourceNames } from "../../src/naming";
import type { AuditInput, AuditSource } from "./coverage-input";

/** What the adapter reads of an environment. */
export type AuditedEnvironment = Pick<EnvironmentConfig, "accountId" | "region" | "wafLogGroupNames">;

/**
 * The audit input of environment `env`: one cloudwatch source in the environment's account and region,
 * its `wafLogGroupNames` listed by name, read with the default credential chain (no role), expecting
 * on each log group the subscription filter `waf-log-pipeline-<env>-processor` whose destination is the
 * function `arn:<partition>:lambda:<region>:<account>:function:waf-log-pipeline-<env>-processor`.
 */
export function auditInputFromEnvironment(env: string, environment: AuditedEnvironment): AuditInput {
  const names = resourceNames(env);
  const { accountId, region } = environment;
  const source: AuditSource = {
    type: "cloudwatch",
    accountId,
    region,
    logGroups: { names: [...environment.wafLogGroupNames] },
    expectedFilterName: names.subscriptionFilter,
    expectedDestinationArn: `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${names.processorFunction}`,
  };
  return { environment: env, sources: [source] };
}
