/**
 * Builds and synthesizes `WafLogPipelineStack`s for tests, with a stand-in processor bundle so tests
 * do not depend on `npm run build`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformDataSource, Testing, type TerraformElement } from "cdktf";
import { parseConfig, type EnvironmentConfig } from "../../src/config";
import { WafLogPipelineStack } from "../../src/waf-log-pipeline-stack";
import { configInput } from "./config";

let bundle: string | undefined;

/** A stand-in processor bundle (a file with a no-op handler) in a temporary directory, created once. */
export function testBundlePath(): string {
  if (bundle === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "waf-bundle-"));
    bundle = join(dir, "index.cjs");
    writeFileSync(bundle, "exports.handler = async () => {};\n");
  }
  return bundle;
}

/** Environment `envName` of a configuration whose only environment is the minimal one plus `overrides`. */
export function environmentConfig(
  overrides: Record<string, unknown> = {},
  envName = "dev",
): EnvironmentConfig {
  const config = parseConfig(configInput(overrides, envName), "test.json").environments[envName];
  if (config === undefined) throw new Error(`environment ${envName} missing`);
  return config;
}

/**
 * A stack for environment `envName` built from the minimal configuration plus `overrides`, reading
 * `TF_CLOUD_ORGANIZATION` from `processEnv` (not from the test's environment).
 */
export function buildStack(
  overrides: Record<string, unknown> = {},
  envName = "dev",
  processEnv: NodeJS.ProcessEnv = {},
): WafLogPipelineStack {
  return new WafLogPipelineStack(Testing.app(), {
    envName,
    config: environmentConfig(overrides, envName),
    bundlePath: testBundlePath(),
    processEnv,
    checksLog: () => {},
  });
}

/** Synthesized Terraform JSON of one stack: `resource[type][name]`, `data`, `output`, `variable`, … */
export interface TerraformJson {
  readonly terraform: Record<string, unknown>;
  readonly provider: Record<string, Record<string, unknown>[]>;
  readonly variable: Record<string, Record<string, unknown>>;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown; description?: string }>;
}

/** A stack and its synthesized JSON, as text (for the cdktf matchers) and parsed. */
export interface Synthesized {
  readonly stack: WafLogPipelineStack;
  readonly json: string;
  readonly tf: TerraformJson;
}

/** Builds a stack (see {@link buildStack}) and synthesizes it once. */
export function synthesizeStack(overrides: Record<string, unknown> = {}, envName = "dev"): Synthesized {
  const stack = buildStack(overrides, envName);
  const json = Testing.synth(stack);
  return { stack, json, tf: JSON.parse(json) as TerraformJson };
}

/** The Terraform address (`type.name`) of a resource or data source, as other resources reference it. */
export function addressOf(element: TerraformElement & { terraformResourceType: string }): string {
  const stack = element.cdktfStack;
  const prefix = element instanceof TerraformDataSource ? "data." : "";
  return `${prefix}${element.terraformResourceType}.${stack.getLogicalId(element)}`;
}

/** The synthesized block of a resource or data source. */
export function blockOf(
  tf: TerraformJson,
  element: TerraformElement & { terraformResourceType: string },
): Record<string, unknown> {
  const kind = element instanceof TerraformDataSource ? tf.data : tf.resource;
  const block = kind[element.terraformResourceType]?.[element.cdktfStack.getLogicalId(element)];
  if (block === undefined) throw new Error(`no block for ${addressOf(element)}`);
  return block;
}

/** All synthesized resources of one type, by name. */
export function resourcesOfType(tf: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return tf.resource[type] ?? {};
}

/** Parses a policy document attribute (a JSON string with `${…}` references). */
export function policyOf(block: Record<string, unknown>, attribute = "policy"): PolicyJson {
  const value = block[attribute];
  if (typeof value !== "string") throw new Error(`attribute ${attribute} is not a string`);
  return JSON.parse(value) as PolicyJson;
}

/** An IAM policy document as synthesized. */
export interface PolicyJson {
  readonly Version: string;
  readonly Statement: {
    Sid: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
  }[];
}

/** `${<address>.<attribute>}`: how a synthesized attribute refers to another resource's attribute. */
export function ref(
  element: TerraformElement & { terraformResourceType: string },
  attribute: string,
): string {
  return `\${${addressOf(element)}.${attribute}}`;
}
