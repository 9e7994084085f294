/**
 * Zod pieces shared by the configuration schemas (`config.ts`, `alarms-config.ts`,
 * `encryption-config.ts`, `waf-config.ts`), so every field reports a problem the same way: what is
 * allowed and, when a value was given, what it was.
 */
import { z } from "zod";

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
