/**
 * The availability check that every offline terraform test file (`__tests__/terraform/offline-plan*.test.ts`,
 * `external-id-validation.test.ts`) runs before it synthesizes and plans: those tests need terraform on
 * PATH, hashicorp/aws in the provider mirror and, for some, the processor bundle. Where something is
 * missing they skip, and say so loudly instead of passing silently.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { offlineTerraformAvailability, pluginMirrorDir } from "../../commands/lib/offline-terraform.js";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth.js";

/** Options of {@link skipWithoutOfflineTerraform}. */
export interface OfflineTerraformNeeds {
  /**
   * Also require the processor bundle `dist/waf-log-processor/index.cjs` (`npm run build`).
   * @default false
   */
  readonly bundle?: boolean;
}

/**
 * True when the offline terraform tests of a file cannot run here, after printing a warning
 * `*** SKIPPED: <what> cannot run here: <reason>. ***` (plus how to install terraform and the provider
 * mirror when those are missing). Never throws.
 *
 * @param what What the file checks, e.g. `offline terraform plan with every WAF option`.
 */
export async function skipWithoutOfflineTerraform(
  what: string,
  needs: OfflineTerraformNeeds = {},
): Promise<boolean> {
  const availability = await offlineTerraformAvailability();
  const bundle = join(PROJECT_ROOT, "dist", "waf-log-processor", "index.cjs");
  const reason = !availability.available
    ? availability.reason
    : needs.bundle && !existsSync(bundle)
      ? `the processor bundle ${bundle} is missing (run npm run build)`
      : undefined;
  if (reason === undefined) return false;
  const install = availability.available
    ? ""
    : `*** Install Terraform (see .terraform-version) and hashicorp/aws 5.100.0 in ${pluginMirrorDir()}. ***\n`;
  console.warn(`\n*** SKIPPED: ${what} cannot run here: ${reason}. ***\n${install}`);
  return true;
}
