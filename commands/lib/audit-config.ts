/**
 * Builds the coverage audit's input ({@link AuditInput}) from the configuration file: a one-account
 * environment is one source (its account and region, its WAF log groups, forwarded by the subscription
 * filter `waf-log-pipeline-<env>-processor` to the function of the same name, `src/naming.ts`); an
 * estate (one archive, many sources, `src/estate-config.ts`) is one {@link AuditSource} per source, each
 * with its listed or discovered log groups and its own forwarder's names.
 */
import type { EnvironmentConfig } from "../../src/config";
import { forwarderResourceNames } from "../../src/constructs/names";
import type { EstateConfig } from "../../src/estate-config";
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

/**
 * The audit input of estate `env`: for each `s3` source, one s3 audit source per region whose web ACLs
 * log to its bucket (`webAclRegions`, else its region), so a web ACL logging to that bucket counts as
 * forwarded; and one cloudwatch source per `cloudwatch` source of the configuration, in its
 * account and region. Each is read through the source's `auditRoleArn` when it has one (else the default
 * credential chain; never the deploy role `assumeRoleArn`); a cloudwatch source's log groups are listed or discovered as configured, expecting on each the
 * subscription filter `<source name>-processor` whose destination is the source's processor function
 * `arn:<partition>:lambda:<region>:<account>:function:<source name>-processor`.
 */
export function auditInputFromEstate(env: string, estate: EstateConfig): AuditInput {
  const cloudwatch = estate.sources.filter((source) => source.type === "cloudwatch");
  const sources = cloudwatch.map((source): AuditSource => {
    const names = forwarderResourceNames(source.name);
    const { accountId, region } = source;
    return {
      type: "cloudwatch",
      accountId,
      region,
      ...(source.auditRoleArn === undefined ? {} : { roleArn: source.auditRoleArn }),
      logGroups:
        "names" in source.logGroups
          ? { names: [...source.logGroups.names] }
          : {
              discovery: {
                prefix: source.logGroups.discovery.prefix,
                exclude: [...source.logGroups.discovery.exclude],
              },
            },
      expectedFilterName: names.subscriptionFilter,
      expectedDestinationArn: `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${names.processorFunction}`,
    };
  });
  const s3 = estate.sources.flatMap((source): AuditSource[] =>
    source.type !== "s3"
      ? []
      : (source.webAclRegions ?? [source.region]).map((region) => ({
          type: "s3",
          accountId: source.accountId,
          region,
          ...(source.auditRoleArn === undefined ? {} : { roleArn: source.auditRoleArn }),
          s3BucketArn: `arn:${partitionOf(source.region)}:s3:::${source.bucketName}`,
        })),
  );
  return { environment: env, sources: [...sources, ...s3] };
}
