// The external ID rules as Terraform itself runs them: preconditions of the Cortex reader role,
// evaluated by an offline `terraform plan` of the dev stack with bad values and with a good one. A
// failed plan must name the rule and never print the value: every output of every plan (stdout and
// stderr of the human plan, of `plan -json`, and `show -json` of a saved plan) is searched for it.
// The last case shows why there are no variable `validation` blocks: Terraform 1.11 prints a sensitive
// variable's value when its validation fails. Needs the lambda bundle (`npm run build`), terraform on
// PATH and the provider mirror; skipped loudly without.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalIdPreconditions } from "../../src/constructs/external-id";
import { stackName } from "../../src/naming.js";
import { EXTERNAL_ID_VARIABLE } from "../../src/waf-log-pipeline-stack.js";
import { offlinePlanOutputs, type OfflinePlanOutputs } from "../../commands/lib/offline-terraform.js";
import { synthApp, type SynthesizedStack } from "../../commands/lib/terraform-synth.js";
import { configInput } from "../helpers/config.js";
import { skipWithoutOfflineTerraform } from "../helpers/offline-terraform-availability.js";

const skip = await skipWithoutOfflineTerraform(`terraform preconditions of ${EXTERNAL_ID_VARIABLE}`, {
  bundle: true,
});

const messages = externalIdPreconditions("x", EXTERNAL_ID_VARIABLE).map((p) => p.errorMessage);
const [LENGTH, CHARACTERS, DISTINCT, PLACEHOLDER] = [messages[0]!, messages[1]!, messages[2]!, messages[3]!];

/**
 * Bad values and the rules each breaks. Each value is distinctive, so finding it in an output can only
 * mean it leaked (the placeholder is given in upper case: the rule compares in lower case, and the list
 * of placeholders in the condition, which Terraform may quote, holds only lower case).
 */
const BAD = [
  { what: "short", value: "Zq9Short", rules: [LENGTH] },
  { what: "one repeated character", value: "Q".repeat(40), rules: [DISTINCT] },
  {
    what: "characters AWS refuses",
    value: "Kx7 spaces are not allowed in sts ExternalId",
    rules: [CHARACTERS],
  },
  { what: "a published placeholder", value: "2F0C8E4E-6A1B-4C3D-9E8F-7A6B5C4D3E2F", rules: [PLACEHOLDER] },
] as const;

const GOOD = "3f6c1a2b-8d4e-4f5a-9b6c-7d8e9f0a1b2c";

const execFileAsync = promisify(execFile);

let workDir: string;
let stack: SynthesizedStack;
const outputs = new Map<string, OfflinePlanOutputs>();

beforeAll(async () => {
  if (skip) return;
  workDir = await mkdtemp(join(tmpdir(), "waf-external-id-"));
  const configFile = join(workDir, "waf-pipeline.config.json");
  await writeFile(configFile, JSON.stringify(configInput()));
  const stacks = await synthApp(join(workDir, "out"), { env: { WAF_PIPELINE_CONFIG: configFile } });
  const found = stacks.find((s) => s.name === stackName("dev"));
  if (found === undefined)
    throw new Error(`no stack ${stackName("dev")} in ${stacks.map((s) => s.name).join(", ")}`);
  stack = found;
  const values = [...BAD.map((b) => b.value), GOOD];
  const results = await offlinePlanOutputs(
    stack.dir,
    values.map((value) => ({ [EXTERNAL_ID_VARIABLE]: value })),
  );
  values.forEach((value, index) => outputs.set(value, results[index]!));
}, 900_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Every output of the plans with `value`, as one text per output. */
function everyOutput(value: string): string[] {
  const result = outputs.get(value);
  if (result === undefined) throw new Error(`no plan for ${value}`);
  return [
    result.plan.stdout,
    result.plan.stderr,
    result.planJsonUi.stdout,
    result.planJsonUi.stderr,
    result.showJson ?? "",
  ];
}

/** The error messages of the failed preconditions, Terraform's line wrapping undone. */
function preconditionErrors(value: string): string[] {
  const result = outputs.get(value)!;
  const text = `${result.plan.stdout}\n${result.plan.stderr}`;
  return [...text.matchAll(/Error: Resource precondition failed\n\n[\s\S]*?\n\n([\s\S]*?)\n(?:╵|$)/g)].map(
    (m) => m[1]!.replace(/[│\s]+/g, " ").trim(),
  );
}

describe(`terraform preconditions of ${EXTERNAL_ID_VARIABLE}`, () => {
  describe.each(BAD)("an external ID with $what", ({ value, rules }) => {
    it.skipIf(skip)("fails the plan, naming the rule it breaks", () => {
      expect(outputs.get(value)?.ok).toBe(false);
      expect(preconditionErrors(value)).toEqual(rules.map((rule) => rule.replace(/\s+/g, " ")));
    });

    it.skipIf(skip)("appears in no output of the plan", () => {
      for (const output of everyOutput(value)) expect(output).not.toContain(value);
    });
  });

  it.skipIf(skip)("plans with a random UUID", () => {
    expect(outputs.get(GOOD)?.ok).toBe(true);
  });

  it.skipIf(skip)("keeps a good value out of the human plan and the plan -json UI output", () => {
    const [stdout, stderr, uiStdout, uiStderr] = everyOutput(GOOD);
    for (const output of [stdout, stderr, uiStdout, uiStderr]) expect(output).not.toContain(GOOD);
  });

  it.skipIf(skip)(
    "shows that a saved plan holds the value (so the README tells users to protect plan files)",
    () => {
      expect(outputs.get(GOOD)?.showJson).toContain(GOOD);
    },
  );

  it.skipIf(skip)(
    "is not a variable validation: Terraform prints a sensitive variable's value when its validation fails",
    async () => {
      const dir = join(workDir, "validation");
      await mkdir(dir);
      await writeFile(
        join(dir, "main.tf.json"),
        JSON.stringify({
          variable: {
            secret: {
              type: "string",
              sensitive: true,
              validation: [{ condition: "${length(var.secret) >= 32}", error_message: "too short" }],
            },
          },
        }),
      );
      await writeFile(join(dir, "terraformrc"), "");
      const env = { ...process.env, TF_CLI_CONFIG_FILE: join(dir, "terraformrc"), CHECKPOINT_DISABLE: "1" };
      await execFileAsync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
      const failed = await execFileAsync(
        "terraform",
        ["plan", "-input=false", "-no-color", "-var", "secret=Zq9Leaked"],
        {
          cwd: dir,
          env,
        },
      ).catch((error: { stdout: string; stderr: string }) => error);

      expect(`${failed.stdout}${failed.stderr}`).toContain("Zq9Leaked");
    },
    120_000,
  );
});
