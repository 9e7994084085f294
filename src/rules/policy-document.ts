import type { IConstruct } from "constructs";
import { type Element, blocks, elementsOfType, isRecord } from "./terraform-elements";

/**
 * Reads IAM policy documents in every form a cdktf stack writes them, into one statement shape:
 * - a JSON string (`JSON.stringify(...)`, with references such as `${aws_s3_bucket.b.arn}` inside);
 * - a `Fn.jsonencode(...)` call, which `terraform-elements` reads as the JSON text of its value;
 * - a reference to an `aws_iam_policy_document` data source (`${data.aws_iam_policy_document.x.json}`),
 *   whose `statement` blocks (and `source_policy_documents` / `override_policy_documents`) are read.
 *
 * Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 * Data source: https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/iam_policy_document
 */

/**
 * One policy statement as the rules read it (not as it is written: that is `PolicyStatement` of
 * `src/iam-policy.ts`). Single values are lists; booleans and numbers in conditions are strings.
 */
export interface ParsedStatement {
  /** `Sid`, when the statement has one. */
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `Principal`; `"*"` is `{ type: "*", identifiers: ["*"] }`, `{"AWS": "*"}` is `{ type: "AWS", identifiers: ["*"] }`. */
  readonly principals: readonly { readonly type: string; readonly identifiers: readonly string[] }[];
  /** `Condition`, one entry per operator and key, e.g. `{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }`. */
  readonly conditions: readonly {
    readonly test: string;
    readonly variable: string;
    readonly values: readonly string[];
  }[];
  /** Where the statement is, for messages: `statement "DenyInsecureTransport"` or `statement 2` (1-based). */
  readonly label: string;
}

/** Thrown when a policy cannot be read; the message says what was found and what was expected. */
export class PolicyReadError extends Error {
  override name = "PolicyReadError";
}

const DOCUMENT_REFERENCE = /^\$\{(data\.aws_iam_policy_document\.[\w-]+)\.(?:json|minified_json)\}$/;

/**
 * The `aws_iam_policy_document` data source that `value` (a resolved policy attribute) is exactly a
 * reference to, or `undefined` when the value is not such a reference.
 *
 * @throws PolicyReadError when the referenced data source is not in the stack of `scope`.
 */
export function referencedDocument(value: unknown, scope: IConstruct): Element | undefined {
  if (typeof value !== "string") return undefined;
  const match = DOCUMENT_REFERENCE.exec(value);
  if (!match) return undefined;
  const document = elementsOfType(scope, "aws_iam_policy_document", "data").find(
    (e) => e.address === match[1],
  );
  if (!document) throw new PolicyReadError(`it refers to ${match[1]}, which is not in this stack`);
  return document;
}

/**
 * The statements of a policy attribute value (JSON text, from `JSON.stringify` or `Fn.jsonencode`, or a reference to an
 * `aws_iam_policy_document` in the stack of `scope`).
 *
 * @throws PolicyReadError when the value is none of these forms or not a valid policy document.
 */
export function policyStatements(value: unknown, scope: IConstruct): ParsedStatement[] {
  const document = referencedDocument(value, scope);
  if (document) return documentStatements(document, scope);
  return jsonPolicyStatements(parsePolicyValue(value));
}

/**
 * The statements of an `aws_iam_policy_document` data source: its `statement` blocks, plus those of
 * its `source_policy_documents` and `override_policy_documents`.
 *
 * @throws PolicyReadError when a statement block or an included document cannot be read.
 */
export function documentStatements(document: Element, scope: IConstruct): ParsedStatement[] {
  const included = ["source_policy_documents", "override_policy_documents"].flatMap((key) => {
    const values = document.config[key];
    return Array.isArray(values) ? values.flatMap((v) => policyStatements(v, scope)) : [];
  });
  const own = blocks(document.config, "statement").map((block, index) => {
    const sid = optionalString(block.sid);
    const effect = block.effect ?? "Allow";
    if (effect !== "Allow" && effect !== "Deny") {
      throw new PolicyReadError(
        `statement ${index + 1} has effect ${JSON.stringify(effect)}, expected "Allow" or "Deny"`,
      );
    }
    return {
      ...(sid !== undefined ? { sid } : {}),
      effect,
      actions: stringList(block.actions),
      notActions: stringList(block.not_actions),
      resources: stringList(block.resources),
      notResources: stringList(block.not_resources),
      principals: blocks(block, "principals").map((p) => ({
        type: String(p.type),
        identifiers: stringList(p.identifiers),
      })),
      conditions: blocks(block, "condition").map((c) => ({
        test: String(c.test),
        variable: String(c.variable),
        values: stringList(c.values),
      })),
      label: sid ? `statement ${JSON.stringify(sid)}` : `statement ${index + 1}`,
    } satisfies ParsedStatement;
  });
  return [...included, ...own];
}

function parsePolicyValue(value: unknown): unknown {
  if (isRecord(value)) return value;
  if (typeof value !== "string") {
    throw new PolicyReadError(
      `expected a policy document (JSON string or jsonencode), found ${typeof value}`,
    );
  }
  const trimmed = value.trim();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed);
    } catch (error) {
      throw new PolicyReadError(`it is not valid JSON: ${(error as Error).message}`);
    }
  }
  const shown = trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed;
  throw new PolicyReadError(
    `expected a JSON policy document (JSON.stringify or Fn.jsonencode) or a reference to an aws_iam_policy_document, found ${JSON.stringify(shown)}`,
  );
}

/** Statements of a parsed JSON policy document (`{"Version": ..., "Statement": [...]}`). */
function jsonPolicyStatements(document: unknown): ParsedStatement[] {
  if (!isRecord(document)) throw new PolicyReadError("expected a JSON object with a Statement element");
  const raw = document.Statement;
  if (raw === undefined) throw new PolicyReadError("the policy document has no Statement element");
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((statement, index) => {
    if (!isRecord(statement)) throw new PolicyReadError(`statement ${index + 1} is not an object`);
    const sid = optionalString(statement.Sid);
    const label = sid ? `statement ${JSON.stringify(sid)}` : `statement ${index + 1}`;
    const effect = statement.Effect;
    if (effect !== "Allow" && effect !== "Deny") {
      throw new PolicyReadError(`${label} has Effect ${JSON.stringify(effect)}, expected "Allow" or "Deny"`);
    }
    return {
      ...(sid !== undefined ? { sid } : {}),
      effect,
      actions: stringList(statement.Action),
      notActions: stringList(statement.NotAction),
      resources: stringList(statement.Resource),
      notResources: stringList(statement.NotResource),
      principals: jsonPrincipals(statement.Principal),
      conditions: jsonConditions(statement.Condition, label),
      label,
    };
  });
}

function jsonPrincipals(principal: unknown): ParsedStatement["principals"] {
  if (principal === undefined) return [];
  if (principal === "*") return [{ type: "*", identifiers: ["*"] }];
  if (!isRecord(principal)) return [{ type: "?", identifiers: stringList(principal) }];
  return Object.entries(principal).map(([type, identifiers]) => ({
    type,
    identifiers: stringList(identifiers),
  }));
}

function jsonConditions(condition: unknown, label: string): ParsedStatement["conditions"] {
  if (condition === undefined) return [];
  if (!isRecord(condition)) throw new PolicyReadError(`${label} has a Condition that is not an object`);
  return Object.entries(condition).flatMap(([test, entries]) => {
    if (!isRecord(entries))
      throw new PolicyReadError(`${label} has a Condition ${test} that is not an object`);
    return Object.entries(entries).map(([variable, values]) => ({
      test,
      variable,
      values: stringList(values),
    }));
  });
}

function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * True when the statement denies every request made without TLS: `Effect: Deny`, every principal,
 * `Condition: {"Bool": {"aws:SecureTransport": "false"}}` and an action list that covers every action
 * of `service` (`*` or `<service>:*`).
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
 */
export function deniesInsecureTransport(statement: ParsedStatement, service: string): boolean {
  const everyone = statement.principals.some(
    (p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"),
  );
  const allActions = statement.actions.some((a) => a === "*" || a.toLowerCase() === `${service}:*`);
  const insecure = statement.conditions.some(
    (c) =>
      c.test === "Bool" &&
      c.variable.toLowerCase() === "aws:securetransport" &&
      c.values.length > 0 &&
      c.values.every((v) => v === "false"),
  );
  return (
    statement.effect === "Deny" && everyone && allActions && insecure && statement.notActions.length === 0
  );
}
