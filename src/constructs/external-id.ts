/**
 * What an external ID for the Cortex reader role must be, once, for both places that check it: the
 * archive's props schema (a literal value, at synth) and the Terraform preconditions of the reader
 * role (the sensitive variable, at plan time, so Terraform Cloud runs enforce it too).
 *
 * Cortex assumes every tenant's role from the same AWS account and role names are predictable, so the
 * external ID is the only secret between another tenant and these logs: it must be long and random.
 * AWS accepts 2–1224 characters of `[\w+=,.@:/-]` for `sts:ExternalId`
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, `ExternalId`); this
 * project asks for at least 32 (a UUID qualifies) with at least 8 different characters, and rejects
 * known placeholders.
 *
 * Preconditions, not variable `validation` blocks: Terraform 1.11 prints the value of a `sensitive`
 * root variable when its `validation` fails ("var.x is \"…\""), while a failed `lifecycle.precondition`
 * prints only its error message (both checked with the offline Terraform here; a test greps every
 * output of failed plans for the value).
 */
import { Fn, Op } from "cdktf";

/** Fewest characters accepted. */
export const EXTERNAL_ID_MIN_LENGTH = 32;

/** Most characters AWS accepts for `sts:ExternalId`. */
export const EXTERNAL_ID_MAX_LENGTH = 1224;

/** Fewest different characters accepted: rejects `aaaa…`, `abab…`, the nil UUID. */
export const EXTERNAL_ID_MIN_DISTINCT_CHARACTERS = 8;

/** The characters AWS accepts in `sts:ExternalId`, as a JavaScript pattern and as an RE2 pattern for Terraform. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9_+=,.@:/-]+$/;
const EXTERNAL_ID_RE2 = "^[A-Za-z0-9_+=,.@:/-]+$";

/**
 * Values that were published as examples or placeholders (compared in lower case): the original
 * scripts' placeholder, UUID templates, the nil and max UUIDs, and every UUID this repository's
 * documentation shows. Short ones are rejected by the length rule anyway; they are listed so the
 * message says why.
 */
export const KNOWN_PLACEHOLDER_EXTERNAL_IDS = [
  "your-external-id-here",
  "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx",
  "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "12345678-1234-1234-1234-123456789012",
  "2f0c8e4e-6a1b-4c3d-9e8f-7a6b5c4d3e2f",
] as const;

/** The rules, for messages. */
export const EXTERNAL_ID_RULES = `must be ${EXTERNAL_ID_MIN_LENGTH}–${EXTERNAL_ID_MAX_LENGTH} characters of letters, digits and _+=,.@:/- with at least ${EXTERNAL_ID_MIN_DISTINCT_CHARACTERS} different characters, not a published placeholder (a random UUID qualifies: node -e "console.log(crypto.randomUUID())")`;

/**
 * What is wrong with `value` as an external ID, or `undefined`. The phrase never contains the value.
 *
 * @returns a phrase starting with "must"
 */
export function externalIdProblem(value: string): string | undefined {
  if (value.length < EXTERNAL_ID_MIN_LENGTH || value.length > EXTERNAL_ID_MAX_LENGTH) {
    return `must be ${EXTERNAL_ID_MIN_LENGTH}–${EXTERNAL_ID_MAX_LENGTH} characters long (got ${value.length}): anyone who guesses it can read the logs through Cortex`;
  }
  if (!EXTERNAL_ID_PATTERN.test(value)) {
    return "must use only letters, digits and _+=,.@:/- (the characters AWS accepts for sts:ExternalId)";
  }
  if (new Set(value).size < EXTERNAL_ID_MIN_DISTINCT_CHARACTERS) {
    return `must use at least ${EXTERNAL_ID_MIN_DISTINCT_CHARACTERS} different characters: a repeated character or pattern is guessable`;
  }
  if ((KNOWN_PLACEHOLDER_EXTERNAL_IDS as readonly string[]).includes(value.toLowerCase())) {
    return "must not be a published placeholder or example: choose your own random value";
  }
  return undefined;
}

/** One `lifecycle.precondition` block. */
export interface Precondition {
  /** A Terraform boolean expression (a token). */
  readonly condition: unknown;
  /** Printed when the condition is false; names the rule, never the value. */
  readonly errorMessage: string;
}

/**
 * The external ID rules of {@link externalIdProblem} as Terraform preconditions on `externalId` (a
 * reference to the sensitive variable, or a literal), one per rule so the error says which one failed.
 * Each message names `subject` (e.g. `cortex_external_id`), never the value.
 */
export function externalIdPreconditions(externalId: string, subject: string): Precondition[] {
  const length = Fn.lengthOf(externalId);
  return [
    {
      condition: Op.and(Op.gte(length, EXTERNAL_ID_MIN_LENGTH), Op.lte(length, EXTERNAL_ID_MAX_LENGTH)),
      errorMessage: `${subject} must be ${EXTERNAL_ID_MIN_LENGTH}-${EXTERNAL_ID_MAX_LENGTH} characters long: Cortex assumes every tenant's role from the same account, so the external ID is the only secret that keeps other tenants out. Use a random UUID.`,
    },
    {
      condition: Fn.can(Fn.regex(EXTERNAL_ID_RE2, externalId)),
      errorMessage: `${subject} must use only letters, digits and _+=,.@:/- (the characters AWS accepts for sts:ExternalId).`,
    },
    {
      condition: Op.gte(
        Fn.lengthOf(Fn.distinct(Fn.split("", externalId))),
        EXTERNAL_ID_MIN_DISTINCT_CHARACTERS,
      ),
      errorMessage: `${subject} must use at least ${EXTERNAL_ID_MIN_DISTINCT_CHARACTERS} different characters: a repeated character or pattern is guessable. Use a random UUID.`,
    },
    {
      condition: Op.not(Fn.contains([...KNOWN_PLACEHOLDER_EXTERNAL_IDS], Fn.lower(externalId))),
      errorMessage: `${subject} is a published placeholder or example: choose your own random value (e.g. a random UUID) and set it in Cortex too.`,
    },
  ];
}
