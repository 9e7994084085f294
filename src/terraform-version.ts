import { readFileSync } from "node:fs";

/**
 * The Terraform version this project is tested with: the single line of `.terraform-version` at the
 * project root (read by tfenv, CI and Terraform Cloud workspace setup), e.g. `1.11.4`.
 *
 * @throws Error when the file is missing or does not hold a version like `1.11.4`
 */
export function projectTerraformVersion(): string {
  const file = new URL("../.terraform-version", import.meta.url);
  const version = readFileSync(file, "utf8").trim();
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`.terraform-version must hold one version like 1.11.4, got ${JSON.stringify(version)}`);
  }
  return version;
}

/** The stacks' `terraform.required_version`: exactly the version of `.terraform-version`, e.g. `= 1.11.4`. */
export function requiredTerraformVersion(): string {
  return `= ${projectTerraformVersion()}`;
}
