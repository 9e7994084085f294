// The pure parts of `npm run check:cdktn` (issue 15). The check itself installs cdktn, generates
// the aws bindings and plans offline (about 2 minutes), so it is not part of npm test; its
// measured result is in docs/cdktf-and-cdktn.md.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../commands/lib/terraform-synth.js";
import { main, parseGnuTimeReport } from "../../scripts/check-cdktn.js";
import {
  cdktnPackageJson,
  comparablePlan,
  compareFile,
  explain,
  jsonDifferences,
  rewriteImportsForCdktn,
  unexplained,
} from "../../scripts/lib/cdktn-swap.js";

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));

describe("cdktnPackageJson", () => {
  const swapped = cdktnPackageJson(pkg);
  const all = { ...swapped.dependencies, ...swapped.devDependencies };

  it("swaps cdktf, cdktf-cli and the @cdktf providers for cdktn, cdktn-cli 0.24.0 and @cdktn/provider-archive", () => {
    expect(all).toMatchObject({
      cdktn: "0.24.0",
      "cdktn-cli": "0.24.0",
      "@cdktn/provider-archive": "14.0.1",
    });
    for (const name of ["cdktf", "cdktf-cli", "@cdktf/provider-aws", "@cdktf/provider-archive"]) {
      expect(all).not.toHaveProperty([name]);
    }
  });

  it("puts each replacement in the section of what it replaces", () => {
    const section = (name: string) =>
      pkg.dependencies?.[name] !== undefined ? "dependencies" : "devDependencies";
    expect(swapped[section("cdktf")]).toHaveProperty(["cdktn"]);
    expect(swapped[section("cdktf-cli")]).toHaveProperty(["cdktn-cli"]);
  });

  it("moves constructs into cdktn's peer range (>=10.6.0 <10.8.0)", () => {
    expect(all.constructs).toBe("10.6.0");
  });

  it("drops the peer dependencies on the cdktf packages: the copy is an app", () => {
    expect(swapped.peerDependencies).toBeUndefined();
  });

  it("keeps every other dependency at the project's version", () => {
    const {
      cdktf: _a,
      "cdktf-cli": _b,
      "@cdktf/provider-aws": _c,
      "@cdktf/provider-archive": _d,
      constructs: _e,
      ...rest
    } = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    expect(all).toMatchObject(rest);
  });

  it("rejects a package.json without cdktf, naming what it expected", () => {
    expect(() => cdktnPackageJson({ dependencies: {}, devDependencies: {} })).toThrow(
      "package.json: expected a dependency on cdktf to swap out",
    );
  });
});

describe("rewriteImportsForCdktn", () => {
  const rewrite = (source: string) =>
    rewriteImportsForCdktn("src/example.ts", source, "../.gen/providers/aws");

  it("imports cdktf's core from cdktn", () => {
    expect(rewrite('import { App, TerraformStack } from "cdktf";\n')).toBe(
      'import { App, TerraformStack } from "cdktn";\n',
    );
    expect(rewrite("import { x } from 'cdktf/lib/testing/matchers';")).toBe(
      "import { x } from 'cdktn/lib/testing/matchers';",
    );
  });

  it("imports AWS provider classes from the generated bindings", () => {
    expect(rewrite('import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";')).toBe(
      'import { S3Bucket } from "../.gen/providers/aws/s3-bucket/index.js";',
    );
    expect(rewrite('export { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";')).toBe(
      'export { SqsQueue } from "../.gen/providers/aws/sqs-queue/index.js";',
    );
    expect(rewrite('const m = await import("@cdktf/provider-aws/lib/kms-key");')).toBe(
      'const m = await import("../.gen/providers/aws/kms-key/index.js");',
    );
  });

  it("imports the archive provider from @cdktn/provider-archive", () => {
    expect(rewrite('import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";')).toBe(
      'import { DataArchiveFile } from "@cdktn/provider-archive/lib/data-archive-file";',
    );
  });

  it("changes only module specifiers: not strings, comments or look-alike names", () => {
    const source = [
      'import { z } from "zod";',
      'import { cdktfThing } from "./cdktf-helpers";',
      '// import { App } from "cdktf";',
      "const text = 'import * as aws from \"@cdktf/provider-aws\";';",
      'const other = "cdktf";',
    ].join("\n");
    expect(rewrite(source)).toBe(source);
  });

  it("rejects a root import of the AWS provider, naming the file", () => {
    expect(() => rewrite('import * as aws from "@cdktf/provider-aws";')).toThrow(
      'src/example.ts: import of "@cdktf/provider-aws": import each provider class by deep path (…/lib/<name>)',
    );
  });
});

describe("jsonDifferences", () => {
  it("lists differing leaves with their paths", () => {
    const before = { "//": { metadata: { version: "0.21.0" } }, terraform: { a: [1, 2] } };
    const after = { "//": { metadata: { version: "0.24.0" } }, terraform: { a: [1, 3] } };
    expect(jsonDifferences(before, after)).toEqual([
      { path: '$["//"].metadata.version', before: "0.21.0", after: "0.24.0" },
      { path: "$.terraform.a[1]", before: 2, after: 3 },
    ]);
  });

  it("reports a key present on one side only, and arrays of different lengths whole", () => {
    expect(jsonDifferences({ a: 1, b: [1] }, { b: [1, 2], c: 2 })).toEqual([
      { path: "$.a", before: 1, after: undefined },
      { path: "$.b", before: [1], after: [1, 2] },
      { path: "$.c", before: undefined, after: 2 },
    ]);
  });

  it("finds nothing in equal documents, whatever their key order", () => {
    expect(jsonDifferences({ a: 1, b: { c: [] } }, { b: { c: [] }, a: 1 })).toEqual([]);
  });
});

describe("compareFile and the expected differences", () => {
  const stack = "stacks/waf-log-pipeline-dev/cdk.tf.json";
  const json = (value: unknown, indent = 2) => Buffer.from(JSON.stringify(value, null, indent));

  it("calls equal bytes identical, and equal JSON with other whitespace layout", () => {
    expect(compareFile(stack, json({ a: [] }), json({ a: [] }))).toEqual({ file: stack, kind: "identical" });
    expect(compareFile(stack, json({ a: [] }, 2), json({ a: [] }, 4))).toEqual({
      file: stack,
      kind: "layout",
    });
  });

  it("explains the core version in the comment block, the aws source spelling and archive 2.8.1", () => {
    const before = json({
      "//": { metadata: { version: "0.21.0" } },
      terraform: { required_providers: { aws: { source: "aws" }, archive: { version: "2.7.1" } } },
    });
    const after = json({
      "//": { metadata: { version: "0.24.0" } },
      terraform: { required_providers: { aws: { source: "hashicorp/aws" }, archive: { version: "2.8.1" } } },
    });
    const comparison = compareFile(stack, before, after);
    expect(comparison).toMatchObject({ kind: "json", differences: { length: 3 } });
    expect(unexplained([comparison])).toEqual([]);
  });

  it("does not explain any other change, even at a known path with other values", () => {
    const comparison = compareFile(
      stack,
      json({ terraform: { required_providers: { aws: { source: "aws" } } }, resource: { x: 1 } }),
      json({ terraform: { required_providers: { aws: { source: "acme/aws" } } }, resource: { x: 2 } }),
    );
    expect(unexplained([comparison])).toEqual([
      `${stack} $.resource.x: 1 -> 2`,
      `${stack} $.terraform.required_providers.aws.source: "aws" -> "acme/aws"`,
    ]);
    expect(explain("manifest.json", { path: "$.version", before: "0.21.0", after: "0.24.0" })).toBeDefined();
  });

  it("does not explain a missing, added or non-JSON file", () => {
    expect(
      unexplained([
        compareFile("manifest.json", json({}), undefined),
        compareFile("stacks/x/extra.json", undefined, json({})),
        compareFile("stacks/x/assets/a/index.cjs", Buffer.from("a"), Buffer.from("b")),
      ]),
    ).toEqual(["manifest.json: missing", "stacks/x/extra.json: added", "stacks/x/assets/a/index.cjs: bytes"]);
  });
});

describe("comparablePlan", () => {
  it("drops the timestamp and orders relevant_attributes, so two plans of one configuration compare equal", () => {
    const first = {
      timestamp: "2026-12-04T01:00:00Z",
      relevant_attributes: [
        { resource: "b", attribute: ["id"] },
        { resource: "a", attribute: ["arn"] },
      ],
      planned_values: { x: 1 },
    };
    const second = {
      timestamp: "2026-12-04T02:00:00Z",
      relevant_attributes: [
        { resource: "a", attribute: ["arn"] },
        { resource: "b", attribute: ["id"] },
      ],
      planned_values: { x: 1 },
    };
    expect(jsonDifferences(comparablePlan(first), comparablePlan(second))).toEqual([]);
    expect(
      jsonDifferences(comparablePlan(first), comparablePlan({ ...second, planned_values: { x: 2 } })),
    ).toEqual([{ path: "$.planned_values.x", before: 1, after: 2 }]);
  });
});

describe("parseGnuTimeReport", () => {
  it("reads peak resident memory and wall time from /usr/bin/time -v", () => {
    const report = [
      '\tCommand being timed: "cdktn get"',
      "\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50",
      "\tMaximum resident set size (kbytes): 803952",
    ].join("\n");
    expect(parseGnuTimeReport(report)).toEqual({ peakBytes: 803952 * 1024, seconds: 62.5 });
  });

  it("rejects other text, quoting it", () => {
    expect(() => parseGnuTimeReport("Killed")).toThrow("not a GNU time -v report:\nKilled");
  });
});

describe("npm run check:cdktn", () => {
  const lines = () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return {
      out: { stdout: (l: string) => stdout.push(l), stderr: (l: string) => stderr.push(l) },
      stdout,
      stderr,
    };
  };

  it("is a package.json script that builds the bundle first, and npm test does not run it", () => {
    expect(pkg.scripts["check:cdktn"]).toBe("npm run build --silent && tsx scripts/check-cdktn.ts");
    expect(pkg.scripts.test).not.toContain("check:cdktn");
  });

  it("rejects an unknown option with its usage and exit code 2", async () => {
    const { out, stderr } = lines();
    expect(await main(["--frobnicate"], out)).toBe(2);
    expect(stderr.join("\n")).toMatch(
      /^check:cdktn: Unknown option '--frobnicate'.*\nusage: npm run check:cdktn \[-- --keep\] \[--tests\]$/s,
    );
  });
});
