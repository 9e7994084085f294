/**
 * Validation shared by the construct props schemas and the configuration file schema: one error type
 * that lists every problem with its path, and the zod pieces every schema uses so each field reports a
 * problem the same way (what is allowed and, when a value was given, what it was).
 */
import { Token } from "cdktf";
import { z } from "zod";

/** One problem: the path of the field and what is wrong or allowed. */
export interface Issue {
  /** Path like `environments.dev.lifecycle.glacierDays`, `logGroupNames[1]`, or `""` for the value itself. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/**
 * Input that cannot be used: a configuration file or a construct's props. `message` lists every
 * issue, one per line: `Invalid <subject> (2 problems):` then `  - <path>: <message>`.
 */
export class ValidationError extends Error {
  /** Every problem found, in input order. */
  public readonly issues: readonly Issue[];
  /** What was validated, e.g. `configuration in waf-pipeline.config.json` or `WafLogArchive props`. */
  public readonly subject: string;

  constructor(subject: string, issues: readonly Issue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`);
    super([`Invalid ${subject} (${count}):`, ...lines].join("\n"));
    this.name = "ValidationError";
    this.subject = subject;
    this.issues = issues;
  }
}

/** Renders a zod path as `environments.dev.wafLogGroupNames[1]` (keys that are not identifiers quoted). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const name = String(segment);
      if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}

/** Flattens zod issues into one {@link Issue} per problem (one per unknown key, per bad record key). */
export function issuesOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        message: "is not a known field (check the spelling against the configuration reference in README.md)",
      }));
    }
    if (issue.code === "invalid_key") {
      return [{ path: formatPath(path), message: issue.issues.map((inner) => inner.message).join("; ") }];
    }
    return [{ path: formatPath(path), message: issue.message }];
  });
}

/**
 * Parses `input` with `schema` and returns its output (defaults applied).
 *
 * @param subject what is parsed, for the error message (e.g. `WafLogArchive props`)
 * @throws ValidationError listing every problem with its path
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(subject, issuesOf(result.error.issues));
  return result.data;
}

/**
 * An error function that states what is allowed and, when a value was given, what it was:
 * `is required: <text>` for a missing value, `<text>, got <value as JSON>` otherwise.
 */
export function allowed(text: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `is required: ${text}` : `${text}, got ${JSON.stringify(issue.input)}`;
}

/** A whole number in [min, max] with one message (see {@link allowed}) for every way it can be wrong. */
export function wholeNumber(min: number, max: number, text: string) {
  const error = allowed(text);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/**
 * A string checked by `problem` (a function returning a phrase that starts with "must", or
 * `undefined`): the issue reads `<problem>, got <value>`. A Terraform reference (an unresolved token,
 * e.g. another resource's attribute) is accepted unchecked: its value is known only at apply time.
 */
export function checkedString(problem: (value: string) => string | undefined, rules: string) {
  return z.string({ error: allowed(rules) }).superRefine((value, ctx) => {
    if (Token.isUnresolved(value)) return;
    const found = problem(value);
    if (found !== undefined)
      ctx.addIssue({ code: "custom", message: `${found}, got ${JSON.stringify(value)}` });
  });
}

/**
 * A refinement for arrays: adds an issue at `[index]` for every item whose `key` equals an earlier
 * one's: `must be distinct: [<what> ]"<key>" is already listed at index <first>`.
 */
export function distinct<T>(key: (value: T) => string, what?: string) {
  return (values: readonly T[], ctx: z.RefinementCtx): void => {
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
      const k = key(value);
      const first = seen.get(k);
      if (first === undefined) seen.set(k, index);
      else
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `must be distinct: ${what === undefined ? "" : `${what} `}${JSON.stringify(k)} is already listed at index ${first}`,
        });
    });
  };
}

/** AWS account ids: 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** AWS region names like `us-east-1` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const ACCOUNT_ID_RULES = 'must be a 12-digit AWS account id in quotes, e.g. "111122223333"';
const REGION_RULES = 'must be an AWS region name like "us-east-1"';

/** A 12-digit AWS account id (a string). */
export const accountIdSchema = z
  .string({ error: allowed(ACCOUNT_ID_RULES) })
  .regex(ACCOUNT_ID_PATTERN, { error: allowed(ACCOUNT_ID_RULES) });

/** An AWS region name. */
export const regionSchema = z
  .string({ error: allowed(REGION_RULES) })
  .regex(REGION_PATTERN, { error: allowed(REGION_RULES) });

const NAME_RULES =
  "must be 1–40 letters, digits, - and _ (every resource name starts with it, e.g. <name>-processor)";

/**
 * The `name` prop of the constructs: the prefix of every AWS resource name they create, e.g.
 * `waf-log-pipeline-prod` → `waf-log-pipeline-prod-processor`. At most 40 characters, so the longest
 * derived name (`<name>-processor-failures`, a queue, and `<name>-cortex-reader`, a role of at most 64)
 * fits every service's limit.
 */
export const resourceNameSchema = z
  .string({ error: allowed(NAME_RULES) })
  .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: allowed(NAME_RULES) });
