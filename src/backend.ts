import { CloudBackend, LocalBackend, NamedCloudWorkspace, type TerraformStack } from "cdktf";
import { configError, type EnvironmentConfig } from "./config";

/** Environment variable Terraform and cdktf read the Terraform Cloud organization from. */
export const ORGANIZATION_VARIABLE = "TF_CLOUD_ORGANIZATION";

/**
 * Where stack `stackName` keeps its state when it has no Terraform Cloud workspace, relative to the
 * directory Terraform runs in (`cdktf.out/stacks/<stack>`): `terraform.<stack>.tfstate` in the project
 * root, where cdktf keeps local state by default, but without cdktf's absolute path.
 */
export function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

/**
 * Gives the stack its backend: the Terraform Cloud workspace of `config.terraformCloud`
 * (organization from the configuration, else `TF_CLOUD_ORGANIZATION`), or a local state file.
 *
 * @param stack the environment's stack (its name is the stack name, e.g. `waf-log-pipeline-prod`)
 * @param envName the environment's name, for error messages
 * @param config the environment's configuration, with defaults applied
 * @param source the configuration file, for error messages
 * @param environment process environment to read `TF_CLOUD_ORGANIZATION` from
 * @throws ValidationError when the environment uses Terraform Cloud but no organization is set anywhere
 */
export function addBackend(
  stack: TerraformStack,
  envName: string,
  config: EnvironmentConfig,
  source: string,
  environment: NodeJS.ProcessEnv | undefined = process.env,
): CloudBackend | LocalBackend {
  return addStackBackend(
    stack,
    config.terraformCloud,
    `environments.${envName}.terraformCloud.organization`,
    source,
    environment,
  );
}

/**
 * Gives a stack its backend: the Terraform Cloud workspace `cloud` (organization from it, else
 * `TF_CLOUD_ORGANIZATION`), or, when `cloud` is undefined, the local state file {@link localStatePath}.
 *
 * @param organizationPath the configuration path named when no organization is set anywhere
 * @throws ValidationError when `cloud` is given but no organization is set anywhere
 */
export function addStackBackend(
  stack: TerraformStack,
  cloud: { readonly organization?: string; readonly workspace: string } | undefined,
  organizationPath: string,
  source: string,
  environment: NodeJS.ProcessEnv | undefined = process.env,
): CloudBackend | LocalBackend {
  if (cloud === undefined) {
    return new LocalBackend(stack, { path: localStatePath(stack.node.id) });
  }
  const organization = cloud.organization ?? (environment?.[ORGANIZATION_VARIABLE] || undefined);
  if (organization === undefined) {
    throw configError(source, [
      {
        path: organizationPath,
        message: `is required: set it in the configuration or in the environment variable ${ORGANIZATION_VARIABLE}`,
      },
    ]);
  }
  return new CloudBackend(stack, { organization, workspaces: new NamedCloudWorkspace(cloud.workspace) });
}
