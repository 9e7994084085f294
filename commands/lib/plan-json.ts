/**
 * The parts of Terraform's machine-readable plan (`terraform show -json <planfile>`) that this
 * project reads, validated with zod. Unknown fields are kept out of the parsed value, not rejected,
 * so newer Terraform versions with extra fields still parse.
 *
 * Format: https://developer.hashicorp.com/terraform/internals/json-format
 */
import { z } from "zod";

/** A change's actions, as Terraform lists them. */
export const ACTION_LISTS = [
  ["no-op"],
  ["create"],
  ["read"],
  ["update"],
  ["delete", "create"],
  ["create", "delete"],
  ["delete"],
  ["forget"],
] as const;

const actionsSchema = z
  .array(z.string())
  .refine((actions) => ACTION_LISTS.some((known) => known.join() === actions.join()), {
    message: `expected one of ${ACTION_LISTS.map((a) => JSON.stringify(a)).join(", ")}`,
  });

/** A JSON value whose shape Terraform leaves open (resource attributes, sensitivity masks). */
const anyJson = z.unknown();

/** A change representation: `before`/`after` values and the masks that describe them. */
const changeSchema = z.object({
  actions: actionsSchema,
  before: anyJson.optional(),
  after: anyJson.optional(),
  after_unknown: anyJson.optional(),
  before_sensitive: anyJson.optional(),
  after_sensitive: anyJson.optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
});

const resourceChangeSchema = z.object({
  address: z.string().min(1),
  mode: z.enum(["managed", "data"]),
  type: z.string().min(1),
  name: z.string(),
  change: changeSchema,
  action_reason: z.string().optional(),
});

/** `terraform show -json <planfile>` output, the parts this project uses. */
export const planJsonSchema = z.object({
  format_version: z.string().regex(/^1\./, { message: 'expected a 1.x format_version such as "1.2"' }),
  terraform_version: z.string().optional(),
  variables: z.record(z.string(), z.object({ value: anyJson.optional() })).optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  configuration: z
    .object({
      root_module: z
        .object({
          variables: z.record(z.string(), z.object({ sensitive: z.boolean().optional() })).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** A parsed plan. */
export type PlanJson = z.infer<typeof planJsonSchema>;
/** One entry of `resource_changes`. */
export type ResourceChange = z.infer<typeof resourceChangeSchema>;

/**
 * Parses and validates plan JSON text.
 *
 * @param text the file's content
 * @param fileName used in error messages
 * @throws Error `<fileName>: not JSON (…)` or `<fileName>: not a terraform show -json plan: <path>: <problem>; …`
 */
export function parsePlanJson(text: string, fileName: string): PlanJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = planJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new Error(`${fileName}: not a "terraform show -json" plan: ${problems.join("; ")}`);
  }
  return parsed.data;
}
