/**
 * Markdown summary of a Terraform plan for a pull-request comment: counts, a table of every
 * changed resource, and a warning block when the plan deletes or replaces something that holds
 * data or grants access (the bucket, a queue, a log group, the Cortex reader role, the KMS key), or
 * changes who may assume the Cortex reader role, who may use the KMS key (its key policy) or what the
 * Cortex reader role may read (its inline policy).
 *
 * Sensitive values never appear in the output: it prints resource addresses, actions and
 * attribute NAMES only, and as a second guard it redacts every value that the plan marks
 * sensitive (`before_sensitive`/`after_sensitive`) and every value of a sensitive variable
 * (`configuration.root_module.variables.<name>.sensitive`), wherever it would occur.
 *
 * Input format: https://developer.hashicorp.com/terraform/internals/json-format
 */
import { isDeepStrictEqual } from "node:util";
import { resourceNames, stackName } from "../../src/naming.js";
import type { PlanJson, ResourceChange } from "./plan-json.js";

/** Name suffix of the Cortex reader role (`waf-log-pipeline-<env>-cortex-reader`, from src/naming.ts). */
export const CORTEX_READER_ROLE_SUFFIX = resourceNames("x").cortexReaderRole.slice(stackName("x").length);

/** Address fragment of the Cortex reader role's resources: the construct id `CortexReaderRole` of the stack. */
export const CORTEX_READER_CONSTRUCT_ID = "CortexReaderRole";

/** Text that replaces a sensitive value wherever it would appear. */
export const REDACTED = "(sensitive)";

/** What a change does, as counted in the summary. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget";

/** Options of {@link summarizePlan}. */
export interface SummaryOptions {
  /** Heading, e.g. the stack name. @default no heading */
  readonly title?: string;
  /** A paragraph under the heading, e.g. that the plan ran offline. @default none */
  readonly note?: string;
}

/** One changed resource. */
export interface ResourceSummary {
  readonly address: string;
  readonly kind: ChangeKind;
  /** How the table shows the action, e.g. `replace (destroy, then create)`. */
  readonly action: string;
  /** Top-level attribute names whose value changes (updates and replacements), sorted. */
  readonly changedAttributes: readonly string[];
  /** Attribute names that force the replacement (`replace_paths`), sorted. */
  readonly replacePaths: readonly string[];
}

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  switch (actions.join()) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete,create":
    case "create,delete":
      return "replace";
    case "delete":
      return "delete";
    case "forget":
      return "forget";
    default:
      return undefined; // no-op, read
  }
}

const ACTION_LABELS: Record<string, string> = {
  create: "create",
  update: "update",
  "delete,create": "replace (destroy, then create)",
  "create,delete": "replace (create, then destroy)",
  delete: "delete",
  forget: "forget (removed from state, not destroyed)",
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Top-level attribute names whose value differs between `before` and `after`, or that become
 * unknown (computed at apply) where they had a value. Names only, sorted.
 */
export function changedAttributeNames(change: ResourceChange["change"]): string[] {
  const before = asRecord(change.before);
  const after = asRecord(change.after);
  const unknown = asRecord(change.after_unknown);
  const names = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...names]
    .filter((name) => {
      if (unknown[name] !== undefined && unknown[name] !== false) return before[name] !== undefined;
      return !isDeepStrictEqual(before[name] ?? null, after[name] ?? null);
    })
    .sort();
}

/** Summarizes each managed resource that changes (no-ops and data source reads are left out). */
export function resourceSummaries(plan: PlanJson): ResourceSummary[] {
  const summaries: ResourceSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const kind = kindOf(rc.change.actions);
    if (rc.mode !== "managed" || kind === undefined) continue;
    const detailed = kind === "update" || kind === "replace";
    summaries.push({
      address: rc.address,
      kind,
      action: ACTION_LABELS[rc.change.actions.join()] ?? rc.change.actions.join(", "),
      changedAttributes: detailed ? changedAttributeNames(rc.change) : [],
      replacePaths: [...new Set((rc.change.replace_paths ?? []).map((path) => String(path[0])))].sort(),
    });
  }
  return summaries;
}

/** String forms of every leaf of `value` where `mask` is `true` (the plan's sensitivity masks). */
function sensitiveLeaves(value: unknown, mask: unknown, into: Set<string>): void {
  if (mask === true) {
    collectLeaves(value, into);
  } else if (Array.isArray(mask) && Array.isArray(value)) {
    mask.forEach((m, i) => sensitiveLeaves(value[i], m, into));
  } else if (typeof mask === "object" && mask !== null && typeof value === "object" && value !== null) {
    for (const [key, m] of Object.entries(mask))
      sensitiveLeaves((value as Record<string, unknown>)[key], m, into);
  }
}

function collectLeaves(value: unknown, into: Set<string>): void {
  if (typeof value === "string" || typeof value === "number") {
    into.add(String(value));
  } else if (Array.isArray(value)) {
    value.forEach((item) => collectLeaves(item, into));
  } else if (typeof value === "object" && value !== null) {
    Object.values(value).forEach((item) => collectLeaves(item, into));
  }
}

/**
 * Every value the plan marks sensitive: values of sensitive variables, and the parts of resource
 * `before`/`after` values that `before_sensitive`/`after_sensitive` mark. Strings and numbers (as
 * text) of 3 or more characters; booleans are left out.
 */
export function sensitiveValues(plan: PlanJson): Set<string> {
  const secrets = new Set<string>();
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, variable] of Object.entries(declared)) {
    if (variable.sensitive) collectLeaves(plan.variables?.[name]?.value, secrets);
  }
  for (const rc of plan.resource_changes ?? []) {
    sensitiveLeaves(rc.change.before, rc.change.before_sensitive, secrets);
    sensitiveLeaves(rc.change.after, rc.change.after_sensitive, secrets);
  }
  // Values of one or two characters ("0", "a") cannot be redacted without destroying unrelated
  // text; the summary never prints values, so they cannot leak through it either.
  for (const secret of secrets) if (secret.length < 3) secrets.delete(secret);
  return secrets;
}

/** Replaces each secret in `text` by {@link REDACTED}, longest first. */
export function redact(text: string, secrets: Iterable<string>): string {
  return [...secrets]
    .sort((a, b) => b.length - a.length)
    .reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/** Name of a resource's AWS object, from `after` or (for deletions) `before`. */
function nameOf(rc: ResourceChange, attribute: string): string | undefined {
  const after = asRecord(rc.change.after)[attribute];
  const before = asRecord(rc.change.before)[attribute];
  const value = typeof after === "string" ? after : before;
  return typeof value === "string" ? value : undefined;
}

/** Whether `rc` is the Cortex reader role: an `aws_iam_role` whose name ends with `-cortex-reader`. */
export function isCortexReaderRole(rc: ResourceChange): boolean {
  return rc.type === "aws_iam_role" && (nameOf(rc, "name")?.endsWith(CORTEX_READER_ROLE_SUFFIX) ?? false);
}

/**
 * Whether `rc` is the Cortex reader role's inline policy: an `aws_iam_role_policy` whose `role` (the
 * role name, after or, when unknown or deleted, before) ends with `-cortex-reader`, or whose address
 * contains the construct id `CortexReaderRole` (which also finds it when neither value is known).
 */
export function isCortexReaderPolicy(rc: ResourceChange): boolean {
  if (rc.type !== "aws_iam_role_policy") return false;
  const roleName = nameOf(rc, "role");
  return (
    (roleName?.endsWith(CORTEX_READER_ROLE_SUFFIX) ?? false) ||
    rc.address.includes(CORTEX_READER_CONSTRUCT_ID)
  );
}

/** What a resource holds, for the warning, or undefined when deleting it loses nothing. */
function holds(rc: ResourceChange): string | undefined {
  switch (rc.type) {
    case "aws_s3_bucket":
      return "the log bucket: it holds the archived WAF logs that Cortex reads";
    case "aws_sqs_queue":
      return "a queue: it holds messages not yet processed (S3 notifications for Cortex, dead letters or failed events)";
    case "aws_cloudwatch_log_group":
      return nameOf(rc, "name")?.startsWith("/aws/lambda/")
        ? "the processor's log group: it holds the processor's logs"
        : "a log group: it holds log events";
    case "aws_iam_role":
      return isCortexReaderRole(rc)
        ? "the Cortex reader role: Cortex loses access to the logs until it is re-created and re-verified"
        : undefined;
    case "aws_kms_key":
      return "the customer-managed KMS key: the objects and messages encrypted with it become unreadable once it is deleted at the end of its deletion window";
    default:
      return undefined;
  }
}

/** Lines of the warning block (without the `> ` quoting), one per risky change. */
export function riskWarnings(plan: PlanJson): string[] {
  const warnings: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const kind = kindOf(rc.change.actions);
    if (rc.mode !== "managed") continue;
    const what = holds(rc);
    if (what && (kind === "delete" || kind === "replace")) {
      warnings.push(`- **${kind}** \`${rc.address}\`: ${what}.`);
    }
    if (
      isCortexReaderRole(rc) &&
      kind === "update" &&
      changedAttributeNames(rc.change).includes("assume_role_policy")
    ) {
      warnings.push(
        `- **trust policy change** \`${rc.address}\`: \`assume_role_policy\` of the Cortex reader role changes; it decides who may assume the role (the Cortex account and the external ID).`,
      );
    }
    const changesAccess = kind === "update" || kind === "replace" || kind === "delete";
    if (rc.type === "aws_kms_key_policy" && changesAccess) {
      warnings.push(
        `- **key policy ${kind}** \`${rc.address}\`: the KMS key policy decides who may use the key, and so who may decrypt the logs and messages (the processor, S3, Cortex, CloudWatch); a missing grant stops the pipeline or cuts Cortex off.`,
      );
    }
    if (isCortexReaderPolicy(rc) && changesAccess) {
      warnings.push(
        `- **Cortex reader policy ${kind}** \`${rc.address}\`: the Cortex reader role's policy decides what Cortex may read (the objects, the notification queue, \`kms:Decrypt\`); a narrower policy cuts Cortex off, a wider one lets it read more.`,
      );
    }
  }
  return warnings;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/**
 * Renders the Markdown summary of `plan`:
 * an optional `### <title>` heading and note, the warning block (a GitHub `[!CAUTION]` alert) when
 * {@link riskWarnings} finds anything, the line `**Plan:** N to create, N to update, N to replace,
 * N to delete.`, and a table `| Resource | Action | Changed attributes |` of every changed
 * resource in plan order (or `No changes.`). Sensitive values are redacted (see module doc).
 */
export function summarizePlan(plan: PlanJson, options: SummaryOptions = {}): string {
  const summaries = resourceSummaries(plan);
  const count = (kind: ChangeKind) => summaries.filter((s) => s.kind === kind).length;
  const lines: string[] = [];
  if (options.title) lines.push(`### ${options.title}`, "");
  if (options.note) lines.push(options.note, "");

  const warnings = riskWarnings(plan);
  if (warnings.length > 0) {
    lines.push(
      "> [!CAUTION]",
      "> **This plan deletes or replaces resources that hold data or grant access, or changes who may assume the Cortex role, use the KMS key or what Cortex may read. Check each line below before you approve.**",
      ">",
      ...warnings.map((warning) => `> ${warning}`),
      "",
    );
  }

  const counts = `${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete`;
  const forget = count("forget") > 0 ? `, ${count("forget")} to forget` : "";
  lines.push(`**Plan:** ${counts}${forget}.`, "");

  if (summaries.length === 0) {
    lines.push("No changes.");
  } else {
    lines.push("| Resource | Action | Changed attributes |", "| --- | --- | --- |");
    for (const s of summaries) {
      const attributes = s.changedAttributes
        .map((name) => `\`${name}\`${s.replacePaths.includes(name) ? " (forces replacement)" : ""}`)
        .join(", ");
      lines.push(`| \`${cell(s.address)}\` | ${s.action} | ${cell(attributes)} |`);
    }
  }
  return `${redact(lines.join("\n"), sensitiveValues(plan))}\n`;
}
