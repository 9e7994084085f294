// The validation blocks of the sensitive variable `cortex_external_id`, as Terraform itself runs them
// (the unit tests only check the same rules as a JavaScript RegExp): an offline plan of the dev stack
// with the placeholder of the original scripts and with a one-character value fails with the
// validation's error message; with a UUID it succeeds. One synth, one init and validate, three plans.
// Needs the lambda bundle (`npm run build`), terraform on PATH and the provider mirror; skipped loudly
// without.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackName } from "../../src/naming.js";
import {
  EXTERNAL_ID_PLACEHOLDER,
  EXTERNAL_ID_VALIDATIONS,
  EXTERNAL_ID_VARIABLE,
} from "../../src/waf-log-pipeline-stack.js";
import { offlinePlanEach, type OfflinePlanAttempt } from "../../commands/lib/offline-terraform.js";
import { synthApp } from "../../commands/lib/terraform-synth.js";
import { configInput } from "../helpers/config.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";

const skip = await skipWithoutOfflineTerraform(`terraform validation of ${EXTERNAL_ID_VARIABLE}`, {
  bundle: true,
});

const UUID = "3f6c1a2b-8d4e-4f5a-9b6c-7d8e9f0a1b2c";
/** The values planned, in order. */
const VALUES = [EXTERNAL_ID_PLACEHOLDER, "a", UUID] as const;

const [LENGTH_AND_CHARACTERS, NOT_PLACEHOLDER] = EXTERNAL_ID_VALIDATIONS;

let workDir: string;
const attempts = new Map<string, OfflinePlanAttempt>();

beforeAll(async () => {
  if (skip) return;
  workDir = await mkdtemp(join(tmpdir(), "waf-external-id-"));
  const configFile = join(workDir, "waf-pipeline.config.json");
  await writeFile(configFile, JSON.stringify(configInput()));
  const stacks = await synthApp(join(workDir, "out"), { env: { WAF_PIPELINE_CONFIG: configFile } });
  const stack = stacks.find((s) => s.name === stackName("dev"));
  if (stack === undefined)
    throw new Error(`no stack ${stackName("dev")} in ${stacks.map((s) => s.name).join(", ")}`);
  const result = await offlinePlanEach(
    stack.dir,
    VALUES.map((value) => ({ [EXTERNAL_ID_VARIABLE]: value })),
  );
  VALUES.forEach((value, index) => attempts.set(value, result.attempts[index]!));
}, 600_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/**
 * The error messages of the variable validations that refused the plan with `value`, in order, each
 * with Terraform's line wrapping undone: the paragraph between the diagnostic's source snippet and
 * "This was checked by the validation rule".
 */
function validationErrors(value: string): string[] {
  const attempt = attempts.get(value);
  if (attempt === undefined) throw new Error(`no plan for ${JSON.stringify(value)}`);
  if (attempt.ok) throw new Error(`the plan with ${JSON.stringify(value)} succeeded`);
  const diagnostic =
    /Error: Invalid value for variable\n\n[\s\S]*?\n\n([\s\S]*?)\n\nThis was checked by the validation rule/g;
  return [...attempt.error.message.matchAll(diagnostic)].map((match) => match[1]!.replace(/\s+/g, " "));
}

describe(`terraform validation of ${EXTERNAL_ID_VARIABLE}`, () => {
  it.skipIf(skip)("refuses the placeholder your-external-id-here, only for being the placeholder", () => {
    expect(validationErrors(EXTERNAL_ID_PLACEHOLDER)).toEqual([NOT_PLACEHOLDER.errorMessage]);
  });

  it.skipIf(skip)("refuses a one-character external ID for its length", () => {
    expect(validationErrors("a")).toEqual([LENGTH_AND_CHARACTERS.errorMessage]);
  });

  it.skipIf(skip)("plans with a UUID", () => {
    expect(attempts.get(UUID)?.ok).toBe(true);
  });
});
