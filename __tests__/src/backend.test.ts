import { isAbsolute } from "node:path";
import { CloudBackend, LocalBackend, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { localStatePath } from "../../src/backend";
import { loadConfig } from "../../src/config";
import { ValidationError } from "../../src/constructs/validation";
import { WafLogPipelineStack } from "../../src/waf-log-pipeline-stack";
import { buildStack, environmentConfig, testBundlePath } from "../helpers/stack";

/** Builds a stack (which adds its backend) from the minimal configuration plus `overrides` and synthesizes it. */
function synthesizeWithBackend(
  overrides: Record<string, unknown>,
  environment: NodeJS.ProcessEnv = {},
  envName = "dev",
): { backend: CloudBackend | LocalBackend; json: string; terraform: Record<string, unknown> } {
  const stack = buildStack(overrides, envName, environment);
  const json = Testing.synth(stack);
  return { backend: stack.backend, json, terraform: JSON.parse(json).terraform };
}

describe("the stack's backend (addBackend)", () => {
  it("keeps state of a stack without Terraform Cloud in a local file with a relative, per-stack path", () => {
    const { backend, terraform } = synthesizeWithBackend({});
    expect(backend).toBeInstanceOf(LocalBackend);
    expect(terraform.backend).toEqual({ local: { path: "../../../terraform.waf-log-pipeline-dev.tfstate" } });
    expect(terraform.cloud).toBeUndefined();
  });

  it("puts the local state file in the project root, where cdktf keeps it by default", () => {
    const path = localStatePath("waf-log-pipeline-dev");
    expect(isAbsolute(path)).toBe(false);
    // Terraform runs in cdktf.out/stacks/<stack>, three levels below the project root.
    expect(path).toBe("../../../terraform.waf-log-pipeline-dev.tfstate");
  });

  it("uses the configured Terraform Cloud organization and workspace", () => {
    const { backend, terraform } = synthesizeWithBackend(
      { terraformCloud: { organization: "acme", workspace: "waf-prod" } },
      {},
      "prod",
    );
    expect(backend).toBeInstanceOf(CloudBackend);
    expect(terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "waf-prod" } });
    expect(terraform.backend).toBeUndefined();
  });

  it("names the workspace waf-log-pipeline-<env> by default", () => {
    const { terraform } = synthesizeWithBackend({ terraformCloud: { organization: "acme" } }, {}, "staging");
    expect(terraform.cloud).toEqual({
      organization: "acme",
      workspaces: { name: "waf-log-pipeline-staging" },
    });
  });

  it("takes the organization from TF_CLOUD_ORGANIZATION when the configuration has none", () => {
    const { terraform } = synthesizeWithBackend(
      { terraformCloud: {} },
      { TF_CLOUD_ORGANIZATION: "from-env" },
    );
    expect(terraform.cloud).toEqual({
      organization: "from-env",
      workspaces: { name: "waf-log-pipeline-dev" },
    });
  });

  it("prefers the configured organization over TF_CLOUD_ORGANIZATION", () => {
    const { terraform } = synthesizeWithBackend(
      { terraformCloud: { organization: "configured" } },
      { TF_CLOUD_ORGANIZATION: "from-env" },
    );
    expect(terraform.cloud).toMatchObject({ organization: "configured" });
  });

  it("fails with the field path when no organization is set anywhere", () => {
    const add = () =>
      new WafLogPipelineStack(Testing.app(), {
        envName: "prod",
        config: environmentConfig({ terraformCloud: {} }, "prod"),
        configFile: "waf-pipeline.config.json",
        bundlePath: testBundlePath(),
        processEnv: { TF_CLOUD_ORGANIZATION: "" },
      });
    expect(add).toThrow(ValidationError);
    expect(add).toThrow(
      "Invalid configuration in waf-pipeline.config.json (1 problem):\n  - environments.prod.terraformCloud.organization: is required: set it in the configuration or in the environment variable TF_CLOUD_ORGANIZATION",
    );
  });

  it("writes no absolute path into the JSON of either backend", () => {
    for (const overrides of [{}, { terraformCloud: { organization: "acme" } }]) {
      const { json } = synthesizeWithBackend(overrides);
      expect(json).not.toContain(process.cwd());
      expect(json).not.toMatch(/"\/(?:tmp|home|root|Users|work)\//);
    }
  });

  it("gives the committed environments their backends: dev local, prod its Terraform Cloud workspace", () => {
    const config = loadConfig("waf-pipeline.config.json");
    const app = Testing.app();
    const terraform = Object.fromEntries(
      Object.entries(config.environments).map(([envName, environment]) => {
        const stack = new WafLogPipelineStack(app, {
          envName,
          config: environment,
          bundlePath: testBundlePath(),
          processEnv: {},
        });
        return [envName, JSON.parse(Testing.synth(stack)).terraform];
      }),
    );
    expect(terraform.dev.backend).toEqual({
      local: { path: "../../../terraform.waf-log-pipeline-dev.tfstate" },
    });
    expect(terraform.prod.cloud).toEqual({
      organization: "example-org",
      workspaces: { name: "waf-log-pipeline-prod" },
    });
  });
});
