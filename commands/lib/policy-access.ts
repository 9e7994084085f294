/**
 * Who a resource policy (or an IAM role's trust policy) lets in, and whether a change lets more in:
 * a principal it did not admit before, an account it did not name before, or access without
 * conditions where there were conditions. For plan-summary's warnings; the values it returns are
 * principals and account ids, never condition values (a trust policy's external ID stays out).
 *
 * Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html;
 * principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */

/** One principal an `Allow` statement admits, and whether that statement has conditions. */
export interface Admission {
  /** `*`, an IAM ARN (a bare account id as `arn:aws:iam::<id>:root`), `service:<name>`, `federated:<id>`, `canonical:<id>`. */
  readonly principal: string;
  /** False when the statement has no `Condition` (the principal gets in unconditionally). */
  readonly conditioned: boolean;
}

/** What a policy admits. */
export interface PolicyAccess {
  readonly admissions: readonly Admission[];
  /** Every account the `Allow` statements name, in principals or account-scoping conditions (or `o-…` organizations). */
  readonly accounts: ReadonlySet<string>;
}

/** Condition keys whose values name accounts (or organizations) that get in. */
const ACCOUNT_CONDITION_KEYS = new Set([
  "aws:principalaccount",
  "aws:sourceaccount",
  "aws:principalorgid",
  "kms:calleraccount",
]);

/** Condition keys whose values are ARNs whose account gets in. */
const ARN_CONDITION_KEYS = new Set(["aws:principalarn", "aws:sourcearn"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function asArray(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The account id in an ARN (`arn:<partition>:<service>:<region>:<account>:…`), or undefined. */
function accountOfArn(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The principals of a statement's `Principal` (`NotPrincipal` in an Allow admits everyone else: `*`). */
function principalsOf(statement: { [key: string]: Json }): string[] {
  if (statement.NotPrincipal !== undefined) return ["*"];
  const principal = statement.Principal;
  if (principal === "*") return ["*"];
  if (!isObject(principal)) return [];
  const out: string[] = [];
  for (const [kind, values] of Object.entries(principal)) {
    for (const value of asArray(values)) {
      if (typeof value !== "string") continue;
      if (kind === "AWS") {
        out.push(value === "*" ? "*" : /^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value);
      } else {
        out.push(`${kind.toLowerCase()}:${value}`);
      }
    }
  }
  return out;
}

/** Accounts a statement names: in its AWS principals and in account-scoping conditions. */
function accountsOf(statement: { [key: string]: Json }, principals: readonly string[]): string[] {
  const accounts = principals.flatMap((p) => accountOfArn(p) ?? []);
  const condition = statement.Condition;
  if (isObject(condition)) {
    for (const block of Object.values(condition)) {
      if (!isObject(block)) continue;
      for (const [key, values] of Object.entries(block)) {
        const name = key.toLowerCase();
        for (const value of asArray(values)) {
          if (typeof value !== "string") continue;
          if (ACCOUNT_CONDITION_KEYS.has(name)) accounts.push(value);
          if (ARN_CONDITION_KEYS.has(name)) {
            const account = accountOfArn(value);
            if (account !== undefined) accounts.push(account);
          }
        }
      }
    }
  }
  return accounts;
}

/**
 * What the `Allow` statements of a policy document (JSON text or a parsed object) admit, or
 * `undefined` when it cannot be read. `Deny` statements restrict and are left out.
 */
export function policyAccess(document: unknown): PolicyAccess | undefined {
  let parsed: Json;
  try {
    parsed = (typeof document === "string" ? JSON.parse(document) : document) as Json;
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const admissions: Admission[] = [];
  const accounts = new Set<string>();
  for (const statement of asArray(parsed.Statement)) {
    if (!isObject(statement) || statement.Effect !== "Allow") continue;
    const principals = principalsOf(statement);
    const conditioned = isObject(statement.Condition) && Object.keys(statement.Condition).length > 0;
    for (const principal of principals) admissions.push({ principal, conditioned });
    for (const account of accountsOf(statement, principals)) accounts.add(account);
  }
  return { admissions, accounts };
}

/**
 * How `after` lets in more than `before` (`before` undefined: a new policy, all of it is new):
 * one phrase per widening, in a fixed order (new principals, new accounts, condition-free access),
 * or `["… cannot be read …"]` when a document cannot be read. Empty when nothing widens.
 */
export function widenings(before: unknown, after: unknown): string[] {
  const was =
    before === undefined || before === null
      ? { admissions: [], accounts: new Set<string>() }
      : policyAccess(before);
  const is = policyAccess(after);
  if (was === undefined || is === undefined) {
    return ["the policy cannot be read from the plan, so it cannot be checked: read it yourself"];
  }
  const principalsBefore = new Set(was.admissions.map((a) => a.principal));
  const freeBefore = new Set(was.admissions.filter((a) => !a.conditioned).map((a) => a.principal));
  const found: string[] = [];
  const newPrincipals = [...new Set(is.admissions.map((a) => a.principal))]
    .filter((p) => !principalsBefore.has(p))
    .sort();
  if (newPrincipals.length > 0)
    found.push(`admits new principals ${newPrincipals.map((p) => `\`${p}\``).join(", ")}`);
  const newAccounts = [...is.accounts].filter((a) => !was.accounts.has(a)).sort();
  if (newAccounts.length > 0)
    found.push(`names new accounts ${newAccounts.map((a) => `\`${a}\``).join(", ")}`);
  const newlyFree = [...new Set(is.admissions.filter((a) => !a.conditioned).map((a) => a.principal))]
    .filter((p) => !freeBefore.has(p))
    .sort();
  if (newlyFree.length > 0) {
    found.push(`lets ${newlyFree.map((p) => `\`${p}\``).join(", ")} in without conditions`);
  }
  return found;
}
