/**
 * zod setup for the Lambda bundle. Modules use the tree-shakeable `zod/mini` API
 * (`import * as z from "zod/mini"`, members only) and import this module, which installs only the
 * English error messages. The classic `zod` entry pulls every locale into the bundle (~450 KB) and
 * slows the cold start.
 */
import { config, type core } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

/** Lists every failed path of a zod error as `path: message`, separated by `; ` (`(root)` for the value itself). */
export function describeIssues(error: core.$ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
