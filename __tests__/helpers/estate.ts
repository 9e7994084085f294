/**
 * Estate configurations and stacks for tests: an archive in eu-west-1 of a log-archive account, a
 * us-east-1 source for CloudFront web ACLs and a second account that discovers its log groups.
 */
import { Testing } from "cdktf";
import { parseConfig, type PipelineConfig } from "../../src/config";
import type { EstateConfig } from "../../src/estate-config";
import { estateStacks } from "../../src/estate-stacks";
import type { TerraformJson } from "./stack";
import { testBundlePath } from "./stack";

export const ARCHIVE_ACCOUNT = "999988887777";
export const SECOND_ACCOUNT = "777766665555";

/** An estate environment's input: the archive, a CloudFront source and a discovering second account, plus `overrides`. */
export function estateInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    archive: { accountId: ARCHIVE_ACCOUNT, region: "eu-west-1" },
    sources: [
      { accountId: ARCHIVE_ACCOUNT, region: "us-east-1", wafLogGroupNames: ["aws-waf-logs-cloudfront-shop"] },
      {
        accountId: SECOND_ACCOUNT,
        region: "eu-west-1",
        discovery: { prefix: "aws-waf-logs-", exclude: ["aws-waf-logs-sandbox"] },
      },
    ],
    ...overrides,
  };
}

/** The whole configuration with estate `env` built from {@link estateInput}. */
export function estateConfig(overrides: Record<string, unknown> = {}, env = "estate"): PipelineConfig {
  return parseConfig({ environments: { [env]: estateInput(overrides) } }, "test.json");
}

/** The resolved estate `env`. */
export function parsedEstate(overrides: Record<string, unknown> = {}, env = "estate"): EstateConfig {
  const estate = estateConfig(overrides, env).estates[env];
  if (estate === undefined) throw new Error(`estate ${env} missing`);
  return estate;
}

/** The synthesized stacks of the estate, by stack name. */
export function synthesizeEstate(
  overrides: Record<string, unknown> = {},
  processEnv: NodeJS.ProcessEnv = {},
): Record<string, TerraformJson & Record<string, unknown>> {
  const app = Testing.app();
  const stacks = estateStacks(app, {
    envName: "estate",
    estate: parsedEstate(overrides),
    bundlePath: testBundlePath(),
    processEnv,
    checksLog: () => {},
  });
  return Object.fromEntries(
    stacks.map((stack) => [
      stack.node.id,
      JSON.parse(Testing.synth(stack)) as TerraformJson & Record<string, unknown>,
    ]),
  );
}
