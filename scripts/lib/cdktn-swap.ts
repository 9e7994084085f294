/**
 * The pure parts of `npm run check:cdktn` (scripts/check-cdktn.ts): how a copy of the project is
 * moved from cdktf 0.21 to CDK Terrain (cdktn) 0.24, and how its synth output is compared with
 * cdktf's. See docs/cdktf-and-cdktn.md for what the check found.
 *
 * cdktn: https://github.com/open-constructs/cdk-terrain (npm packages `cdktn`, `cdktn-cli`).
 */
import { isDeepStrictEqual } from "node:util";
import ts from "typescript";

/** cdktn release the check moves to (needs Node.js >= 22.19). */
export const CDKTN_VERSION = "0.24.0";

/** constructs release within cdktn 0.24's peer range (>=10.6.0 <10.8.0); the project pins 10.4.2. */
export const CDKTN_CONSTRUCTS_VERSION = "10.6.0";

/** The provider whose bindings `cdktn get` generates from the offline mirror. */
export const AWS_PROVIDER = { source: "hashicorp/aws", version: "5.100.0" } as const;

/**
 * Prebuilt hashicorp/archive bindings for cdktn (archive provider 2.8.1; the project's
 * @cdktf/provider-archive 11.0.1 is built for 2.7.1). hashicorp/archive is not in the offline
 * mirror, so `cdktn get` cannot generate bindings for it here.
 */
export const CDKTN_ARCHIVE_BINDINGS = { name: "@cdktn/provider-archive", version: "14.0.1" } as const;

/** package.json of the project, as far as the swap reads and writes it. */
export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** Each package the swap removes, and what takes its place in the same section (if anything). */
const SWAPS: readonly (readonly [from: string, to: string | undefined, version: string])[] = [
  ["cdktf", "cdktn", CDKTN_VERSION],
  ["@cdktf/provider-aws", undefined, ""],
  ["@cdktf/provider-archive", CDKTN_ARCHIVE_BINDINGS.name, CDKTN_ARCHIVE_BINDINGS.version],
  ["cdktf-cli", "cdktn-cli", CDKTN_VERSION],
];

/**
 * The copy's package.json: cdktf, cdktf-cli, @cdktf/provider-aws and @cdktf/provider-archive
 * removed; cdktn and cdktn-cli {@link CDKTN_VERSION} and {@link CDKTN_ARCHIVE_BINDINGS} added in the
 * section (dependencies or devDependencies) of what they replace, constructs moved to
 * {@link CDKTN_CONSTRUCTS_VERSION}; the peer dependencies on the cdktf packages and constructs dropped
 * (the copy is an app, not a package). Everything else is kept. Pure.
 *
 * @throws Error naming the package when the input does not depend on one of the four
 */
export function cdktnPackageJson(pkg: PackageJson): PackageJson {
  const dependencies = { ...pkg.dependencies };
  const devDependencies = { ...pkg.devDependencies };
  const peerDependencies = { ...pkg.peerDependencies };
  for (const [from, to, version] of SWAPS) {
    const where = [dependencies, devDependencies].find((section) => section[from] !== undefined);
    if (where === undefined) throw new Error(`package.json: expected a dependency on ${from} to swap out`);
    delete where[from];
    delete peerDependencies[from];
    if (to !== undefined) where[to] = version;
  }
  const constructs = dependencies.constructs !== undefined ? dependencies : devDependencies;
  constructs.constructs = CDKTN_CONSTRUCTS_VERSION;
  delete peerDependencies.constructs;
  const { peerDependencies: _peers, ...rest } = pkg;
  return {
    ...rest,
    dependencies: sorted(dependencies),
    devDependencies: sorted(devDependencies),
    ...(Object.keys(peerDependencies).length > 0 ? { peerDependencies: sorted(peerDependencies) } : {}),
  };
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Rewrites the module specifiers of one TypeScript file for cdktn: `cdktf` and `cdktf/…` become
 * `cdktn` and `cdktn/…`; `@cdktf/provider-aws/lib/<name>` becomes `<awsBindings>/<name>/index.js`
 * (the bindings `cdktn get` generated); `@cdktf/provider-archive/…` becomes
 * `@cdktn/provider-archive/…`. Only real module specifiers change (import and export declarations,
 * `import("…")`, `import x = require("…")`), found with the TypeScript parser; the same text in a
 * string or comment stays. Pure.
 *
 * @param fileName the file's name, for TypeScript's parser (`.ts`, `.tsx`, …)
 * @param awsBindings import path of the generated aws bindings from this file, e.g.
 *   `../.gen/providers/aws`
 * @throws Error naming the file and specifier when a file imports `@cdktf/provider-aws` by its root
 *   (the project imports providers by deep path only)
 */
export function rewriteImportsForCdktn(fileName: string, source: string, awsBindings: string): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const specifiers: ts.StringLiteralLike[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteralLike(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) specifiers.push(argument);
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteralLike(node.expression)) {
      specifiers.push(node.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let result = source;
  // From the end, so earlier positions stay valid.
  for (const literal of specifiers.sort((a, b) => b.getStart(file) - a.getStart(file))) {
    const swapped = swapSpecifier(literal.text, awsBindings, fileName);
    if (swapped === literal.text) continue;
    // Between the quotes.
    result = `${result.slice(0, literal.getStart(file) + 1)}${swapped}${result.slice(literal.getEnd() - 1)}`;
  }
  return result;
}

function swapSpecifier(specifier: string, awsBindings: string, fileName: string): string {
  if (specifier === "cdktf") return "cdktn";
  if (specifier.startsWith("cdktf/")) return `cdktn/${specifier.slice("cdktf/".length)}`;
  if (specifier === "@cdktf/provider-aws" || specifier === "@cdktf/provider-aws/lib") {
    throw new Error(
      `${fileName}: import of "${specifier}": import each provider class by deep path (…/lib/<name>)`,
    );
  }
  const aws = /^@cdktf\/provider-aws\/lib\/([\w-]+)$/.exec(specifier);
  if (aws) return `${awsBindings}/${aws[1]}/index.js`;
  if (specifier.startsWith("@cdktf/provider-archive/")) {
    return `${CDKTN_ARCHIVE_BINDINGS.name}/${specifier.slice("@cdktf/provider-archive/".length)}`;
  }
  return specifier;
}

/** One difference between two JSON documents. */
export interface JsonDifference {
  /** Where, as a JSONPath-like string: `$.terraform.required_providers.aws.source`, `$["//"]`. */
  readonly path: string;
  /** The value in the first document, `undefined` when absent there. */
  readonly before: unknown;
  /** The value in the second document, `undefined` when absent there. */
  readonly after: unknown;
}

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every place where two JSON values differ, down to the first level where they do: differing
 * leaves, keys present on one side only, arrays of different lengths (reported whole). Pure.
 */
export function jsonDifferences(before: unknown, after: unknown, path = "$"): JsonDifference[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => jsonDifferences(before[key], after[key], childPath(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) => jsonDifferences(item, after[index], childPath(path, index)));
  }
  return [{ path, before, after }];
}

/** A difference between cdktf's and cdktn's synth output that is understood and harmless. */
export interface ExpectedDifference {
  /** Output files it occurs in (relative to the output directory). */
  readonly file: RegExp;
  /** Its {@link JsonDifference.path}. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Why it does not change what Terraform does. */
  readonly why: string;
}

/** The differences docs/cdktf-and-cdktn.md explains; any other one fails the check. */
export const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    file: /^stacks\/[^/]+\/cdk\.tf\.json$/,
    path: '$["//"].metadata.version',
    before: "0.21.0",
    after: CDKTN_VERSION,
    why: "the core's version in cdktf's \"//\" comment block, which Terraform ignores",
  },
  {
    file: /^stacks\/[^/]+\/cdk\.tf\.json$/,
    path: "$.terraform.required_providers.aws.source",
    before: "aws",
    after: AWS_PROVIDER.source,
    why: 'prebuilt bindings write the short source, generated ones the full one; Terraform reads "aws" as hashicorp/aws (registry.terraform.io/hashicorp/aws) either way',
  },
  {
    file: /^stacks\/[^/]+\/cdk\.tf\.json$/,
    path: "$.terraform.required_providers.archive.version",
    before: "2.7.1",
    after: "2.8.1",
    why: `${CDKTN_ARCHIVE_BINDINGS.name} ${CDKTN_ARCHIVE_BINDINGS.version} is built for hashicorp/archive 2.8.1 (archive_file takes the same arguments); the next terraform init installs 2.8.1`,
  },
  {
    file: /^manifest\.json$/,
    path: "$.version",
    before: "0.21.0",
    after: CDKTN_VERSION,
    why: "the core's version in cdktf's manifest, which only the cdktf/cdktn CLI reads",
  },
];

/** The expected difference that explains `difference` in `file`, if any. */
export function explain(file: string, difference: JsonDifference): ExpectedDifference | undefined {
  return EXPECTED_DIFFERENCES.find(
    (expected) =>
      expected.file.test(file) &&
      expected.path === difference.path &&
      isDeepStrictEqual(expected.before, difference.before) &&
      isDeepStrictEqual(expected.after, difference.after),
  );
}

/** How one output file compares between the two trees. */
export type FileComparison =
  | { readonly file: string; readonly kind: "identical" }
  | { readonly file: string; readonly kind: "missing" | "added" }
  /** Same JSON value, different bytes (whitespace, e.g. `[]` for an empty array). */
  | { readonly file: string; readonly kind: "layout" }
  | { readonly file: string; readonly kind: "json"; readonly differences: readonly JsonDifference[] }
  | { readonly file: string; readonly kind: "bytes" };

/**
 * Compares one file of the two trees: byte for byte, and for `.json` files also as JSON. Pure.
 *
 * @param before the file's bytes in cdktf's output, `undefined` when it has none
 * @param after the file's bytes in cdktn's output, `undefined` when it has none
 */
export function compareFile(
  file: string,
  before: Buffer | undefined,
  after: Buffer | undefined,
): FileComparison {
  if (before === undefined) return { file, kind: "added" };
  if (after === undefined) return { file, kind: "missing" };
  if (before.equals(after)) return { file, kind: "identical" };
  if (!file.endsWith(".json")) return { file, kind: "bytes" };
  const differences = jsonDifferences(
    JSON.parse(before.toString("utf8")),
    JSON.parse(after.toString("utf8")),
  );
  return differences.length === 0 ? { file, kind: "layout" } : { file, kind: "json", differences };
}

/** The differences of `comparisons` that {@link EXPECTED_DIFFERENCES} does not explain. */
export function unexplained(comparisons: readonly FileComparison[]): string[] {
  return comparisons.flatMap((comparison) => {
    switch (comparison.kind) {
      case "identical":
      case "layout":
        return [];
      case "json":
        return comparison.differences
          .filter((difference) => explain(comparison.file, difference) === undefined)
          .map(
            (d) => `${comparison.file} ${d.path}: ${JSON.stringify(d.before)} -> ${JSON.stringify(d.after)}`,
          );
      default:
        return [`${comparison.file}: ${comparison.kind}`];
    }
  });
}

/**
 * A `terraform show -json` plan without what differs between any two plans of the same
 * configuration: `timestamp` is dropped, and `relevant_attributes` (whose order Terraform does not
 * keep from one run to the next) is sorted. Pure.
 * Format: https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 */
export function comparablePlan(plan: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { timestamp: _timestamp, ...rest }: Record<string, unknown> = { ...plan };
  const relevant = rest.relevant_attributes;
  if (Array.isArray(relevant)) {
    rest.relevant_attributes = relevant
      .map((item) => ({ key: JSON.stringify(item), item }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ item }) => item);
  }
  return rest;
}
