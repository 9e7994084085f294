/**
 * Names of the stacks of this app and of the AWS resources of one environment. The resources are
 * named from the stack name (`waf-log-pipeline-<env>`, the constructs' `name` prop) only, so operator
 * tools (`npm run redrive`) find the resources of an environment from its name without reading
 * Terraform state. The derivations themselves are the constructs' (`src/constructs/names.ts`).
 *
 * Changing any of these renames (and so recreates) a resource in a deployed account.
 */
import * as constructNames from "./constructs/names";

/** Prefix of every stack and resource name: `waf-log-pipeline`. */
export const PROJECT = "waf-log-pipeline";

/** The stack name of environment `env`, e.g. `waf-log-pipeline-dev`. */
export function stackName(env: string): string {
  return `${PROJECT}-${env}`;
}

/** Resource names of environment `env`. All are ≤ 64 characters for env names of ≤ 16 characters. */
export function resourceNames(env: string) {
  const name = stackName(env);
  return {
    ...constructNames.archiveResourceNames(name),
    ...constructNames.forwarderResourceNames(name),
    ...constructNames.pipelineResourceNames(name),
  } as const;
}

/** Names of the CloudWatch alarms of environment `env`, one per condition an operator must act on. */
export function alarmNames(env: string) {
  const name = stackName(env);
  return { ...constructNames.archiveAlarmNames(name), ...constructNames.forwarderAlarmNames(name) } as const;
}

/**
 * Default name of the log bucket of environment `env`: `waf-log-pipeline-<env>-<accountId>-<region>`,
 * globally unique because it contains the account and region. ≤ 63 characters for env names of
 * ≤ 16 characters and region names of ≤ 14 characters.
 */
export function defaultBucketName(env: string, accountId: string, region: string): string {
  return `${stackName(env)}-${accountId}-${region}`;
}
