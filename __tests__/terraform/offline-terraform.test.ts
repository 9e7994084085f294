import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  replaceLogGroupDiscovery,
  pluginMirrorDir,
  buildArchive,
  OfflineTerraformError,
  prepareOfflineStack,
  resolveArchiveReferences,
  rewriteStackForOffline,
  type ArchiveOutputs,
  type ArchiveSpec,
} from "../../commands/lib/offline-terraform.js";

/** A synthesized stack as cdktf writes it: cloud backend, archive provider, one archive_file. */
function stackJson(): Record<string, unknown> {
  return {
    provider: {
      aws: [
        { region: "eu-west-1", allowed_account_ids: ["444455556666"], default_tags: [{ tags: { A: "b" } }] },
      ],
      archive: [{}],
    },
    terraform: {
      cloud: { organization: "example-org", workspaces: { name: "waf-log-pipeline-prod" } },
      required_providers: {
        aws: { source: "aws", version: "5.100.0" },
        archive: { source: "hashicorp/archive", version: "2.7.1" },
      },
    },
    data: {
      archive_file: {
        bundle: {
          type: "zip",
          source_dir: "assets/bundle/ABC",
          output_path: "bundle.zip",
          output_file_mode: "0644",
        },
      },
    },
    resource: {
      aws_lambda_function: {
        processor: {
          filename: "${data.archive_file.bundle.output_path}",
          source_code_hash: "${data.archive_file.bundle.output_base64sha256}",
          description: '${format("%s bytes", data.archive_file.bundle.output_size)}',
          depends_on: ["data.archive_file.bundle", "aws_iam_role.processor"],
        },
      },
    },
  };
}

/**
 * Names and Unix modes of a zip's entries, from its central directory file headers
 * (signature 0x02014b50; name length at +28, extra and comment lengths at +30 and +32, external
 * attributes at +38 with the mode in the high 16 bits, name at +46).
 * Format: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT section 4.3.12.
 */
function zipEntries(bytes: Buffer): { name: string; mode: number }[] {
  const entries: { name: string; mode: number }[] = [];
  for (let at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0 && at < bytes.length - 46;) {
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    entries.push({
      name: bytes.toString("utf8", at + 46, at + 46 + nameLength),
      mode: bytes.readUInt32LE(at + 38) >>> 16,
    });
    at = bytes.readUInt32LE(at + 46 + skip) === 0x02014b50 ? at + 46 + skip : -1;
  }
  return entries;
}

const outputs: ArchiveOutputs = {
  output_path: "offline-archives/bundle.zip",
  output_size: "163",
  output_md5: "m",
  output_sha: "s",
  output_sha256: "h",
  output_base64sha256: "B64=",
  output_sha512: "x",
  output_base64sha512: "y",
};

describe("rewriteStackForOffline", () => {
  it("gives every aws provider placeholder credentials and the skip flags, without allowed_account_ids", () => {
    const { stack } = rewriteStackForOffline(stackJson());
    expect((stack.provider as Record<string, unknown>).aws).toEqual([
      {
        region: "eu-west-1",
        default_tags: [{ tags: { A: "b" } }],
        access_key: "AKIAOFFLINEPLACEHOLDER",
        secret_key: "offline-plan-placeholder-secret-key",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
      },
    ]);
  });

  it("removes the cloud backend and reports it", () => {
    const { stack, backend } = rewriteStackForOffline(stackJson());
    expect(backend).toBe("cloud");
    expect(stack.terraform).not.toHaveProperty("cloud");
  });

  it("removes a local backend and reports its type", () => {
    const input = stackJson();
    (input.terraform as Record<string, unknown>).cloud = undefined;
    (input.terraform as Record<string, unknown>).backend = { local: { path: "terraform.dev.tfstate" } };
    const { stack, backend } = rewriteStackForOffline(input);
    expect(backend).toBe("local");
    expect(stack.terraform).not.toHaveProperty("backend");
  });

  it("removes the archive provider and the archive_file data sources, and lists the archives to build", () => {
    const { stack, archives } = rewriteStackForOffline(stackJson());
    expect(stack.provider).not.toHaveProperty("archive");
    expect((stack.terraform as Record<string, unknown>).required_providers).toEqual({
      aws: { source: "aws", version: "5.100.0" },
    });
    expect(stack).not.toHaveProperty("data");
    expect(archives).toEqual([
      {
        name: "bundle",
        source: { dir: "assets/bundle/ABC" },
        outputPath: "offline-archives/bundle.zip",
        mode: 0o644,
        excludes: [],
      },
    ]);
  });

  it("leaves its input unchanged", () => {
    const input = stackJson();
    rewriteStackForOffline(input);
    expect(input).toEqual(stackJson());
  });

  it("rejects an archive_file whose source_dir leaves the stack directory", () => {
    const input = stackJson();
    (input.data as Record<string, Record<string, Record<string, unknown>>>).archive_file!.bundle!.source_dir =
      "../../dist/waf-log-processor";
    expect(() => rewriteStackForOffline(input)).toThrow(
      new OfflineTerraformError(
        'data.archive_file.bundle.source_dir: expected a literal path inside the stack directory, got "../../dist/waf-log-processor"',
      ),
    );
  });

  it("rejects an archive_file with source_content", () => {
    const input = stackJson();
    (
      input.data as Record<string, Record<string, Record<string, unknown>>>
    ).archive_file!.bundle!.source_content = "x";
    expect(() => rewriteStackForOffline(input)).toThrow(
      "data.archive_file.bundle.source_content: not supported offline; use source_dir or source_file",
    );
  });
});

describe("resolveArchiveReferences", () => {
  it("replaces whole-string references by the plain value and embedded ones by a quoted string", () => {
    const { stack } = rewriteStackForOffline(stackJson());
    const resolved = resolveArchiveReferences(stack, { bundle: outputs });
    const fn = (resolved.resource as Record<string, Record<string, Record<string, unknown>>>)
      .aws_lambda_function!.processor!;
    expect(fn.filename).toBe("offline-archives/bundle.zip");
    expect(fn.source_code_hash).toBe("B64=");
    expect(fn.description).toBe('${format("%s bytes", "163")}');
  });

  it("drops depends_on entries that point at an archive_file", () => {
    const { stack } = rewriteStackForOffline(stackJson());
    const resolved = resolveArchiveReferences(stack, { bundle: outputs });
    const fn = (resolved.resource as Record<string, Record<string, Record<string, unknown>>>)
      .aws_lambda_function!.processor!;
    expect(fn.depends_on).toEqual(["aws_iam_role.processor"]);
  });

  it("names a reference to an archive that does not exist", () => {
    const { stack } = rewriteStackForOffline(stackJson());
    expect(() => resolveArchiveReferences(stack, {})).toThrow(
      "data.archive_file.bundle.output_path: cannot be resolved offline (no such archive output)",
    );
  });
});

describe("replaceLogGroupDiscovery", () => {
  const discovering = {
    data: {
      aws_cloudwatch_log_groups: { Found: { log_group_name_prefix: "aws-waf-logs-" } },
      aws_region: { Here: {} },
    },
    resource: {
      aws_cloudwatch_log_subscription_filter: {
        Each: {
          for_each:
            '${toset(tolist(setsubtract(data.aws_cloudwatch_log_groups.Found.log_group_names, ["aws-waf-logs-b"])))}',
          log_group_name: "${each.value}",
          depends_on: ["data.aws_cloudwatch_log_groups.Found", "aws_lambda_permission.P"],
        },
      },
    },
  };

  it("replaces the data source's log_group_names by the fixture's list for its prefix, and removes the data source", () => {
    const prefixes: string[] = [];
    const offline = replaceLogGroupDiscovery(discovering, (prefix) => {
      prefixes.push(prefix);
      return ["aws-waf-logs-a", "aws-waf-logs-b"];
    });

    expect(prefixes).toEqual(["aws-waf-logs-"]);
    expect(offline.data).toEqual({ aws_region: { Here: {} } });
    expect(offline.resource).toEqual({
      aws_cloudwatch_log_subscription_filter: {
        Each: {
          for_each:
            '${toset(tolist(setsubtract(tolist(["aws-waf-logs-a","aws-waf-logs-b"]), ["aws-waf-logs-b"])))}',
          log_group_name: "${each.value}",
          depends_on: ["aws_lambda_permission.P"],
        },
      },
    });
  });

  it("refuses an attribute other than log_group_names, which it cannot make up", () => {
    const stack = {
      ...discovering,
      output: { arns: { value: "${data.aws_cloudwatch_log_groups.Found.arns}" } },
    };

    expect(() => replaceLogGroupDiscovery(stack, () => [])).toThrow(
      "data.aws_cloudwatch_log_groups.Found.arns: cannot be replaced offline (only log_group_names is)",
    );
  });

  it("leaves a stack without discovery as it is", () => {
    const stack = { resource: { aws_sqs_queue: { Q: { name: "q" } } } };

    expect(replaceLogGroupDiscovery(stack, () => ["x"])).toEqual(stack);
  });
});

describe("buildArchive", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "waf-archive-test-"));
    mkdirSync(join(dir, "assets", "b", "lib"), { recursive: true });
    writeFileSync(join(dir, "assets", "b", "index.cjs"), "exports.handler = async () => {};\n");
    writeFileSync(join(dir, "assets", "b", "lib", "x.txt"), "x\n");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const spec: ArchiveSpec = {
    name: "bundle",
    source: { dir: "assets/b" },
    outputPath: "offline-archives/bundle.zip",
    mode: 0o644,
    excludes: [],
  };

  it("zips every file of source_dir with mode 0644 and returns the zip's real base64 SHA-256", async () => {
    const result = await buildArchive(dir, spec);
    const bytes = readFileSync(join(dir, "offline-archives", "bundle.zip"));
    expect(result.output_base64sha256).toBe(createHash("sha256").update(bytes).digest("base64"));
    expect(result.output_size).toBe(String(bytes.length));
    expect(zipEntries(bytes)).toEqual([
      { name: "index.cjs", mode: 0o100644 },
      { name: "lib/x.txt", mode: 0o100644 },
    ]);
  });

  it("builds the same bytes every time", async () => {
    const a = await buildArchive(dir, spec);
    const b = await buildArchive(dir, spec);
    expect(b.output_base64sha256).toBe(a.output_base64sha256);
  });

  it("names a missing source_dir", async () => {
    await expect(buildArchive(dir, { ...spec, source: { dir: "assets/missing" } })).rejects.toThrow(
      "data.archive_file.bundle.source_dir: assets/missing does not exist",
    );
  });
});

describe("prepareOfflineStack", () => {
  it("names the stack directory when it has no cdk.tf.json", async () => {
    await expect(prepareOfflineStack("/nonexistent/stack")).rejects.toThrow(
      '/nonexistent/stack/cdk.tf.json: not found (run "npm run synth" first)',
    );
  });
});

describe("pluginMirrorDir", () => {
  it("uses /opt/tf-plugins when TF_PLUGIN_MIRROR_DIR is not set", () => {
    expect(pluginMirrorDir({})).toBe("/opt/tf-plugins");
  });

  it("uses TF_PLUGIN_MIRROR_DIR when it is set", () => {
    expect(pluginMirrorDir({ TF_PLUGIN_MIRROR_DIR: "/srv/terraform-mirror" })).toBe("/srv/terraform-mirror");
  });

  it("ignores a blank TF_PLUGIN_MIRROR_DIR", () => {
    expect(pluginMirrorDir({ TF_PLUGIN_MIRROR_DIR: "  " })).toBe("/opt/tf-plugins");
  });
});
