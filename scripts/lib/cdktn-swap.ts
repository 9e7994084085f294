/**
 * The pure parts of `npm run check:cdktn` (scripts/check-cdktn.ts): how a copy of the project is
 * moved from cdktf 0.21 to CDK Terrain (cdktn) 0.24, and how its synth output is compared with
 * cdktf's. See docs/cdktf-and-cdktn.md for what the check found.
 *
 * cdktn: https://github.com/open-constructs/cdk-terrain (npm packages `cdktn`, `cdktn-cli`).
 */
import { isDeepStrictEqual } from "node:util";

/** cdktn release the check moves to (needs Node.js >= 22.19). */
export const CDKTN_VERSION = "0.24.0";

/** constructs release within cdktn 0.24's peer range (>=10.6.0 <10.8.0); the project pins 10.4.2. */
export const CDKTN_CONSTRUCTS_VERSION = "10.6.0";

/** The provider whose bindings `cdktn get` generates from the offline mirror. */
export const AWS_PROVIDER = { source: "hashicorp/aws", version: "5.100.0" } as const;

/**
 * Directory (relative to the copy's root) of the local package named `cdktf` that re-exports
 * cdktn, so the prebuilt `@cdktf/provider-archive` (whose code does `require("cdktf")`) runs on
 * cdktn's core: hashicorp/archive is not in the offline mirror, so its bindings cannot be generated
 * here. One cdktn instance serves both.
 */
export const CDKTF_SHIM_DIR = "cdktf-on-cdktn";

/** package.json of the project, as far as the swap reads and writes it. */
export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The copy's package.json: cdktf, cdktf-cli and @cdktf/provider-aws removed; cdktn and cdktn-cli
 * {@link CDKTN_VERSION}, constructs {@link CDKTN_CONSTRUCTS_VERSION} and `cdktf` as the local
 * re-export of cdktn ({@link CDKTF_SHIM_DIR}) added, with an override that makes it the cdktf of
 * @cdktf/provider-archive. Everything else is kept (an existing `overrides` is replaced). Pure.
 *
 * @throws Error when the input does not depend on cdktf, cdktf-cli and @cdktf/provider-aws
 */
export function cdktnPackageJson(pkg: PackageJson): PackageJson {
  const dependencies = { ...pkg.dependencies };
  const devDependencies = { ...pkg.devDependencies };
  for (const [name, where] of [
    ["cdktf", dependencies],
    ["@cdktf/provider-aws", dependencies],
    ["cdktf-cli", devDependencies],
  ] as const) {
    if (where[name] === undefined)
      throw new Error(`package.json: expected a dependency on ${name} to swap out`);
    delete where[name];
  }
  dependencies.cdktn = CDKTN_VERSION;
  dependencies.cdktf = `file:./${CDKTF_SHIM_DIR}`;
  dependencies.constructs = CDKTN_CONSTRUCTS_VERSION;
  devDependencies["cdktn-cli"] = CDKTN_VERSION;
  return {
    ...pkg,
    dependencies: sorted(dependencies),
    devDependencies: sorted(devDependencies),
    // @cdktf/provider-archive names cdktf ^0.21 as a peer: the shim answers it.
    // https://docs.npmjs.com/cli/v11/configuring-npm/package-json#overrides
    overrides: { "@cdktf/provider-archive": { cdktf: "$cdktf" } },
  };
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Files of the local `cdktf` package that re-exports cdktn (see {@link CDKTF_SHIM_DIR}). */
export const CDKTF_SHIM_FILES: Readonly<Record<string, string>> = {
  "package.json": `${JSON.stringify(
    {
      name: "cdktf",
      version: CDKTN_VERSION,
      private: true,
      description: "cdktn under the name cdktf, for prebuilt @cdktf/provider-* packages",
      main: "index.js",
      types: "index.d.ts",
    },
    null,
    2,
  )}\n`,
  "index.js": 'module.exports = require("cdktn");\n',
  "index.d.ts": 'export * from "cdktn";\n',
};

/**
 * Rewrites the module specifiers of one TypeScript file for cdktn: `cdktf` and `cdktf/…` become
 * `cdktn` and `cdktn/…`; `@cdktf/provider-aws/lib/<name>` becomes `<awsBindings>/<name>/index.js`
 * (the bindings `cdktn get` generated). `@cdktf/provider-archive/…` stays (served by the shim).
 * Specifiers after `from`, in `import "…"` and in `import("…")`. Pure.
 *
 * @param awsBindings import path of the generated aws bindings from this file, e.g.
 *   `../.gen/providers/aws`
 * @throws Error naming the specifier when a file imports `@cdktf/provider-aws` by its root (the
 *   project imports providers by deep path only)
 */
export function rewriteImportsForCdktn(source: string, awsBindings: string): string {
  return source.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\2/g,
    (whole, lead: string, quote: string, specifier: string) => {
      const swapped = swapSpecifier(specifier, awsBindings);
      return swapped === specifier ? whole : `${lead}${quote}${swapped}${quote}`;
    },
  );
}

function swapSpecifier(specifier: string, awsBindings: string): string {
  if (specifier === "cdktf") return "cdktn";
  if (specifier.startsWith("cdktf/")) return `cdktn/${specifier.slice("cdktf/".length)}`;
  if (specifier === "@cdktf/provider-aws" || specifier === "@cdktf/provider-aws/lib") {
    throw new Error(`import of "${specifier}": import each provider class by deep path (…/lib/<name>)`);
  }
  const aws = /^@cdktf\/provider-aws\/lib\/([\w-]+)$/.exec(specifier);
  if (aws) return `${awsBindings}/${aws[1]}/index.js`;
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
