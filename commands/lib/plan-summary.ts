/**
 * Markdown summary of a Terraform plan for a pull-request comment: counts, a table of every
 * changed resource, and a warning block when the plan
 * - deletes or replaces something that holds data or grants access (a bucket, a queue, a log group,
 *   the Cortex reader role, the KMS key), the legacy failure queue with a note to drain it first;
 * - widens who gets in, on any resource: a changed trust policy of any IAM role, a bucket, queue, topic
 *   or key policy that admits a new principal or account or lets one in without conditions (see
 *   `policy-access.ts`), a policy that becomes known only at apply, and changes of the KMS key policy
 *   or of what the Cortex reader role may read;
 * - lowers the archive's integrity: S3 Versioning suspended or removed, S3 Object Lock removed,
 *   replaced or its retention shortened.
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
import { widenings } from "./policy-access.js";

/** Name suffix of the Cortex reader role (`waf-log-pipeline-<env>-cortex-reader`, from src/naming.ts). */
export const CORTEX_READER_ROLE_SUFFIX = resourceNames("x").cortexReaderRole.slice(stackName("x").length);

/** Address fragment of the Cortex reader role's resources: the construct id `CortexReaderRole` of the stack. */
export const CORTEX_READER_CONSTRUCT_ID = "CortexReaderRole";

/** Name suffix of the legacy failure queue (`waf-log-pipeline-<env>-processor-failures`). */
export const FAILURE_QUEUE_SUFFIX = resourceNames("x").failureQueue.slice(stackName("x").length);

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

/** Whether `rc` is a forwarder's failure store: by its construct id, or a name like `<name>-failures-<account>-<region>`. */
export function isFailureStore(rc: ResourceChange): boolean {
  return (
    rc.address.includes("FailureStore") || /-failures-\d{12}-[a-z0-9-]+$/.test(nameOf(rc, "bucket") ?? "")
  );
}

/** What a resource holds, for the warning, or undefined when deleting it loses nothing. */
function holds(rc: ResourceChange): string | undefined {
  switch (rc.type) {
    case "aws_s3_bucket":
      return isFailureStore(rc)
        ? "the failure store: it holds the on-failure records of events the processor gave up on; run `npm run redrive` before it goes"
        : "the log bucket: it holds the archived WAF logs that Cortex reads";
    case "aws_sqs_queue":
      return nameOf(rc, "name")?.endsWith(FAILURE_QUEUE_SUFFIX)
        ? "the legacy failure queue: every message in it is an event the processor gave up on and that is in no bucket; drain it with `npm run redrive -- --env <env>` first (redrive says when it is empty), and only then remove it with `keepFailureQueue: false`"
        : "a queue: it holds messages not yet processed (S3 notifications for Cortex, dead letters or failed events)";
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

/**
 * Resource types whose policy decides who gets in, the attribute that holds it, and the attribute
 * naming the existing resource a separate policy resource attaches to (a policy created for a resource
 * that is itself new is part of a first deploy, not a widening).
 */
const POLICY_RESOURCES: Readonly<Record<string, { policy: string; target?: string; what: string }>> = {
  aws_s3_bucket_policy: { policy: "policy", target: "bucket", what: "bucket policy" },
  aws_s3_bucket: { policy: "policy", what: "bucket policy" },
  aws_sqs_queue_policy: { policy: "policy", target: "queue_url", what: "queue policy" },
  aws_sqs_queue: { policy: "policy", what: "queue policy" },
  aws_kms_key_policy: { policy: "policy", target: "key_id", what: "key policy" },
  aws_kms_key: { policy: "policy", what: "key policy" },
  aws_sns_topic_policy: { policy: "policy", target: "arn", what: "topic policy" },
};

/** Whether `attribute` of the change's `after` is known only at apply. */
function unknownAfter(rc: ResourceChange, attribute: string): boolean {
  const unknown = asRecord(rc.change.after_unknown)[attribute];
  return unknown !== undefined && unknown !== false;
}

/** Warning lines about who gets in through a policy of `rc` (see {@link POLICY_RESOURCES}). */
function accessWarnings(rc: ResourceChange, kind: ChangeKind | undefined): string[] {
  const spec = POLICY_RESOURCES[rc.type];
  if (spec === undefined || kind === undefined || kind === "delete" || kind === "forget") return [];
  const before = kind === "create" ? undefined : asRecord(rc.change.before)[spec.policy];
  const after = asRecord(rc.change.after)[spec.policy];
  if (kind === "create") {
    // A policy for a resource created in the same plan belongs to a first deploy.
    if (spec.target === undefined || unknownAfter(rc, spec.target)) return [];
  }
  if (unknownAfter(rc, spec.policy)) {
    return kind === "create" && before === undefined && spec.target === undefined
      ? []
      : [
          `- **access unknown** \`${rc.address}\`: the new ${spec.what} is known only at apply, so who it lets in cannot be checked here; review the configuration change that causes it.`,
        ];
  }
  if (typeof after !== "string" || after === "" || (typeof before === "string" && before === after))
    return [];
  return widenings(before, after).map(
    (widening) => `- **access widened** \`${rc.address}\`: the ${spec.what} ${widening}.`,
  );
}

/** Warning lines about the integrity of archived objects: versioning and Object Lock. */
function integrityWarnings(rc: ResourceChange, kind: ChangeKind | undefined): string[] {
  if (rc.type === "aws_s3_bucket_versioning") {
    const status = (attribute: "before" | "after") =>
      (asRecord(rc.change[attribute]).versioning_configuration as { status?: string }[] | undefined)?.[0]
        ?.status;
    if (
      kind === "delete" ||
      (kind !== "create" && status("after") !== undefined && status("after") !== "Enabled")
    ) {
      return [
        `- **versioning ${kind === "delete" ? "removed" : "suspended"}** \`${rc.address}\`: S3 suspends versioning (it cannot be turned off); from then on an overwrite or delete of an object cannot be undone.`,
      ];
    }
  }
  if (rc.type === "aws_s3_bucket_object_lock_configuration") {
    const days = (attribute: "before" | "after") => {
      const rule = (
        asRecord(rc.change[attribute]).rule as
          { default_retention?: { days?: number; years?: number; mode?: string }[] }[] | undefined
      )?.[0];
      const retention = rule?.default_retention?.[0];
      return retention === undefined ? undefined : (retention.days ?? 0) + 365 * (retention.years ?? 0);
    };
    if (kind === "delete" || kind === "replace") {
      return [
        `- **Object Lock ${kind}** \`${rc.address}\`: the default retention of new objects is removed until it is configured again (S3 keeps Object Lock on for the bucket).`,
      ];
    }
    if (kind === "update" && (days("after") ?? 0) < (days("before") ?? 0)) {
      return [
        `- **Object Lock retention shortened** \`${rc.address}\`: new objects are protected for fewer days than before.`,
      ];
    }
  }
  return [];
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
      rc.type === "aws_iam_role" &&
      (kind === "update" || kind === "replace") &&
      changedAttributeNames(rc.change).includes("assume_role_policy")
    ) {
      const cortex = isCortexReaderRole(rc)
        ? " of the Cortex reader role changes; it decides who may assume the role (the Cortex account and the external ID)"
        : " changes; it decides who may assume the role";
      const wider = unknownAfter(rc, "assume_role_policy")
        ? ["the new trust policy is known only at apply"]
        : widenings(
            asRecord(rc.change.before).assume_role_policy,
            asRecord(rc.change.after).assume_role_policy,
          );
      warnings.push(
        `- **trust policy change** \`${rc.address}\`: \`assume_role_policy\`${cortex}${wider.length > 0 ? `; it ${wider.join("; it ")}` : ""}.`,
      );
    }
    warnings.push(...accessWarnings(rc, kind));
    warnings.push(...integrityWarnings(rc, kind));
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
      "> **This plan deletes or replaces resources that hold data or grant access, changes who may get in, or lowers the protection of archived objects. Check each line below before you approve.**",
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
