/**
 * Builders for configuration inputs: a valid environment with only what a test varies changed.
 */
import { parseConfig, type EnvironmentConfig } from "../../src/config";
import { ValidationError, type Issue } from "../../src/constructs/validation";

/** The smallest valid environment input (what a user must write). */
export function minimalEnvironmentInput(): Record<string, unknown> {
  return { accountId: "111122223333", region: "us-east-1", wafLogGroupNames: ["aws-waf-logs-example"] };
}

/** A configuration file input with one environment `dev` = minimal input merged with `overrides`. */
export function configInput(overrides: Record<string, unknown> = {}, env = "dev"): Record<string, unknown> {
  return { environments: { [env]: { ...minimalEnvironmentInput(), ...overrides } } };
}

/** Parses `configInput(overrides)` and returns environment `dev` with every default applied. */
export function parsedEnvironment(overrides: Record<string, unknown> = {}): EnvironmentConfig {
  const config = parseConfig(configInput(overrides), "test.json");
  const env = config.environments.dev;
  if (env === undefined) throw new Error("environment dev missing");
  return env;
}

/** The issues that parsing `configInput(overrides)` reports: environment `dev` = minimal input plus `overrides`. */
export function environmentIssues(overrides: Record<string, unknown>): readonly Issue[] {
  return configIssues(configInput(overrides));
}

/** The issues that parsing `input` reports; fails the test when parsing succeeds or throws something else. */
export function configIssues(input: unknown): readonly Issue[] {
  try {
    parseConfig(input, "test.json");
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error("expected a ValidationError, but the configuration was accepted");
}
