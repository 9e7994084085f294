/**
 * Offline `terraform validate` and `terraform plan` of a synthesized cdktf stack.
 *
 * The machines that build this project have Terraform and one provider (hashicorp/aws, in the
 * mirror `/opt/tf-plugins`) but no network. A synthesized stack cannot be planned as it is: the
 * AWS provider wants credentials, the backend wants Terraform Cloud or a state file, and the
 * `archive_file` data source needs the archive provider, which is not in the mirror. So this module
 * copies ONLY the stack directory (which also proves that directory is self-sufficient, as
 * Terraform Cloud uploads nothing else) into a temporary directory, rewrites the copy so it plans
 * offline, and runs Terraform there. What users deploy is never touched.
 *
 * The rewrite (see {@link rewriteStackForOffline}):
 * - every `aws` provider block gets placeholder static credentials and `skip_credentials_validation`,
 *   `skip_requesting_account_id`, `skip_metadata_api_check`; `allowed_account_ids`, `profile`,
 *   `assume_role` and `assume_role_with_web_identity` are removed (they need AWS to check);
 * - the backend (`terraform.backend` or `terraform.cloud`) is removed, so state is local and empty;
 * - every `data.archive_file` is replaced by a zip built here from the same files (mode from its
 *   `output_file_mode`, fixed timestamps), and every reference to its outputs becomes a literal;
 *   the archive provider is removed from `provider` and `terraform.required_providers`;
 * - every `aws_cloudwatch_log_groups` data source (log group discovery) is replaced by a fixture list
 *   (see {@link replaceLogGroupDiscovery}).
 *
 * Terraform JSON syntax: https://developer.hashicorp.com/terraform/language/syntax/json
 * archive_file: https://registry.terraform.io/providers/hashicorp/archive/latest/docs/data-sources/file
 */
import archiver from "archiver";
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Provider mirror on the build machines (`terraform init -plugin-dir`). */
export const DEFAULT_PLUGIN_DIR = "/opt/tf-plugins";

/**
 * The provider mirror to use: `TF_PLUGIN_MIRROR_DIR` when set (and not blank), else
 * {@link DEFAULT_PLUGIN_DIR}.
 */
export function pluginMirrorDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env.TF_PLUGIN_MIRROR_DIR?.trim();
  return dir ? dir : DEFAULT_PLUGIN_DIR;
}

/**
 * Value of the `cortex_external_id` variable for offline plans: a random UUIDv4 (the form users are
 * told to choose), new in every process, so no fixed value in this repository could pass the reader
 * role's preconditions and be copied into a deployment. It is sensitive in the stack, so it never
 * shows in the plan output.
 */
export const PLACEHOLDER_EXTERNAL_ID: string = randomUUID();

/** Placeholder static credentials: never valid, never sent anywhere (no refresh, no apply). */
const PLACEHOLDER_ACCESS_KEY = "AKIAOFFLINEPLACEHOLDER";
const PLACEHOLDER_SECRET_KEY = "offline-plan-placeholder-secret-key";

/** Fixed timestamp of every zip entry (the archive provider also ignores file times). */
// Local time on purpose: zip entries store a local DOS date, so this is 2000-01-01 00:00 in every time zone.
const ZIP_ENTRY_DATE = new Date(2000, 0, 1);

/** Directory, relative to the stack copy, where the replacement zips are written. */
const ARCHIVE_DIR = "offline-archives";

/** The synthesized stack file name inside a stack directory. */
export const STACK_FILE = "cdk.tf.json";

/** Error with the Terraform command, its exit code and its output, or a rewrite problem. */
export class OfflineTerraformError extends Error {
  override name = "OfflineTerraformError";
}

/** One diagnostic of `terraform validate -json`. */
export interface ValidateDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
}

/**
 * Output of `terraform validate -json`.
 * Source: https://developer.hashicorp.com/terraform/cli/commands/validate#json
 */
export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly ValidateDiagnostic[];
}

/** Options of {@link offlinePlan}. */
export interface OfflinePlanOptions {
  /**
   * Values for the stack's variables, passed with `-var name=value`.
   * @default `{ cortex_external_id: PLACEHOLDER_EXTERNAL_ID }` where the stack declares it
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** Provider mirror passed to `terraform init -plugin-dir`. @default `$TF_PLUGIN_MIRROR_DIR`, else "/opt/tf-plugins" */
  readonly pluginDir?: string;
  /** Terraform executable. @default "terraform" (from PATH) */
  readonly terraformBin?: string;
  /** Keep the temporary directory (its path is returned as `workDir`). @default false */
  readonly keepWorkDir?: boolean;
  /**
   * What the `aws_cloudwatch_log_groups` data sources (log group discovery) find, since the plan cannot
   * ask AWS (see {@link replaceLogGroupDiscovery}). @default no log groups
   */
  readonly discoveredLogGroups?: DiscoveryFixture;
}

/** Result of {@link offlinePlan}. */
export interface OfflinePlanResult {
  /** `terraform validate -json` output (0 errors and 0 warnings, or offlinePlan throws). */
  readonly validate: ValidateResult;
  /** `terraform show -json <planfile>` output. Format: https://developer.hashicorp.com/terraform/internals/json-format */
  readonly planJson: Record<string, unknown>;
  /** Human-readable plan as `terraform plan -no-color` printed it. */
  readonly planText: string;
  /** The backend the synthesized stack declared (`"cloud"`, `"local"`, …) or `undefined`. */
  readonly backend: string | undefined;
  /** The temporary directory, when `keepWorkDir` is set; otherwise it has been removed. */
  readonly workDir: string | undefined;
}

/** An archive to build: which files, where, with which mode. Paths relative to the stack copy. */
export interface ArchiveSpec {
  /** Name of the `archive_file` data source. */
  readonly name: string;
  /** `source_dir` (every file under it) or `source_file` (that file), relative to the stack directory. */
  readonly source: { readonly dir: string } | { readonly file: string };
  /** Where the zip is written, relative to the stack directory (POSIX separators). */
  readonly outputPath: string;
  /** Unix mode of every entry, from `output_file_mode` (octal string). @default 0o644 */
  readonly mode: number;
  /** Paths under `source_dir` to leave out (`excludes`). */
  readonly excludes: readonly string[];
}

/** archive_file attributes this module can replace by a literal. */
const ARCHIVE_OUTPUT_ATTRIBUTES = [
  "output_path",
  "output_size",
  "output_md5",
  "output_sha",
  "output_sha256",
  "output_base64sha256",
  "output_sha512",
  "output_base64sha512",
] as const;

/** Digests of a built zip, named as the archive_file attributes that expose them. */
export type ArchiveOutputs = Readonly<Record<(typeof ARCHIVE_OUTPUT_ATTRIBUTES)[number], string>>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Result of {@link rewriteStackForOffline} before the archive references are resolved. */
export interface OfflineRewrite {
  /** The stack JSON without backend, archive provider and archive_file data sources. */
  readonly stack: JsonObject;
  /** The archives to build, in name order. */
  readonly archives: readonly ArchiveSpec[];
  /** The backend the stack declared: `"cloud"`, a `terraform.backend` type such as `"local"`, or undefined. */
  readonly backend: string | undefined;
}

/**
 * Makes a synthesized stack (parsed `cdk.tf.json`) plannable offline. Pure: returns a new object.
 * Archive references are left in place; {@link resolveArchiveReferences} replaces them once the
 * zips exist.
 *
 * @throws OfflineTerraformError when an `archive_file` uses a form this module cannot rebuild
 *   (a type other than zip, `source_content`, `source` blocks, or a path outside the stack directory).
 */
export function rewriteStackForOffline(input: Record<string, unknown>): OfflineRewrite {
  const stack = structuredClone(input) as JsonObject;

  const providers = isObject(stack.provider) ? stack.provider : undefined;
  if (providers) {
    const aws = providers.aws;
    const blocks = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
    for (const block of blocks) {
      if (!isObject(block)) continue;
      for (const key of ["allowed_account_ids", "forbidden_account_ids", "profile", "assume_role"]) {
        delete block[key];
      }
      delete block.assume_role_with_web_identity;
      block.access_key = PLACEHOLDER_ACCESS_KEY;
      block.secret_key = PLACEHOLDER_SECRET_KEY;
      block.skip_credentials_validation = true;
      block.skip_requesting_account_id = true;
      block.skip_metadata_api_check = true;
    }
    delete providers.archive;
  }

  let backend: string | undefined;
  const terraform = isObject(stack.terraform) ? stack.terraform : undefined;
  if (terraform) {
    if (terraform.cloud !== undefined) backend = "cloud";
    if (isObject(terraform.backend)) backend = Object.keys(terraform.backend)[0];
    delete terraform.cloud;
    delete terraform.backend;
    if (isObject(terraform.required_providers)) delete terraform.required_providers.archive;
  }

  const archives: ArchiveSpec[] = [];
  const data = isObject(stack.data) ? stack.data : undefined;
  const archiveFiles = data && isObject(data.archive_file) ? data.archive_file : {};
  for (const name of Object.keys(archiveFiles).sort()) {
    const block = archiveFiles[name];
    if (!isObject(block)) throw new OfflineTerraformError(`data.archive_file.${name}: expected an object`);
    archives.push(archiveSpec(name, block));
  }
  if (data) {
    delete data.archive_file;
    if (Object.keys(data).length === 0) delete stack.data;
  }
  return { stack, archives, backend };
}

function archiveSpec(name: string, block: JsonObject): ArchiveSpec {
  const where = `data.archive_file.${name}`;
  if (block.type !== "zip") {
    throw new OfflineTerraformError(`${where}.type: expected "zip", got ${JSON.stringify(block.type)}`);
  }
  for (const unsupported of ["source_content", "source_content_filename", "source"]) {
    if (block[unsupported] !== undefined) {
      throw new OfflineTerraformError(
        `${where}.${unsupported}: not supported offline; use source_dir or source_file`,
      );
    }
  }
  const mode = block.output_file_mode === undefined ? "0644" : block.output_file_mode;
  if (typeof mode !== "string" || !/^0?[0-7]{3}$/.test(mode)) {
    throw new OfflineTerraformError(
      `${where}.output_file_mode: expected an octal string such as "0644", got ${JSON.stringify(mode)}`,
    );
  }
  let source: ArchiveSpec["source"];
  if (typeof block.source_dir === "string")
    source = { dir: stackRelative(`${where}.source_dir`, block.source_dir) };
  else if (typeof block.source_file === "string")
    source = { file: stackRelative(`${where}.source_file`, block.source_file) };
  else throw new OfflineTerraformError(`${where}: expected source_dir or source_file (a string)`);
  const excludes = Array.isArray(block.excludes) ? block.excludes.map(String) : [];
  return { name, source, outputPath: `${ARCHIVE_DIR}/${name}.zip`, mode: parseInt(mode, 8), excludes };
}

/** A path from the stack JSON that must stay inside the stack directory (no interpolation). */
function stackRelative(field: string, path: string): string {
  const normalized = posix.normalize(path);
  if (path.includes("${") || isAbsolute(path) || normalized.startsWith("..")) {
    throw new OfflineTerraformError(
      `${field}: expected a literal path inside the stack directory, got ${JSON.stringify(path)}`,
    );
  }
  return normalized;
}

/**
 * Replaces every reference `data.archive_file.<name>.<attribute>` inside `${…}` expressions by the
 * literal value of the built zip (a whole-string reference becomes the plain value; a reference
 * inside a larger expression becomes a quoted HCL string), and drops `depends_on` entries that
 * point at the removed data sources. Pure: returns a new object.
 *
 * @throws OfflineTerraformError when a reference names an archive or attribute that has no value.
 */
export function resolveArchiveReferences(
  stack: Record<string, unknown>,
  outputs: Readonly<Record<string, ArchiveOutputs>>,
): Record<string, unknown> {
  const reference = /data\.archive_file\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/g;
  const valueOf = (name: string, attribute: string | undefined): string => {
    const archive = outputs[name];
    const known = (ARCHIVE_OUTPUT_ATTRIBUTES as readonly (string | undefined)[]).includes(attribute);
    const value = archive && known ? archive[attribute as keyof ArchiveOutputs] : undefined;
    if (value === undefined) {
      const what = attribute ? `data.archive_file.${name}.${attribute}` : `data.archive_file.${name}`;
      throw new OfflineTerraformError(`${what}: cannot be resolved offline (no such archive output)`);
    }
    return value;
  };
  const visit = (value: Json, key: string | undefined): Json => {
    if (typeof value === "string") {
      const whole = /^\$\{data\.archive_file\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/.exec(value);
      if (whole) return valueOf(whole[1]!, whole[2]);
      return value.replace(reference, (_, name: string, attribute: string | undefined) =>
        JSON.stringify(valueOf(name, attribute)),
      );
    }
    if (Array.isArray(value)) {
      const items =
        key === "depends_on" ? value.filter((v) => !String(v).startsWith("data.archive_file.")) : value;
      return items.map((item) => visit(item, undefined));
    }
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    }
    return value;
  };
  return visit(stack as Json, undefined) as Record<string, unknown>;
}

/**
 * The log groups an offline plan pretends the `aws_cloudwatch_log_groups` data source `dataSource` found
 * for `prefix` (the data source calls AWS, which an offline plan cannot).
 */
export type DiscoveryFixture = (prefix: string, dataSource: string) => readonly string[];

/**
 * Replaces every `aws_cloudwatch_log_groups` data source (discovery of WAF log groups at plan time,
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/cloudwatch_log_groups)
 * by a fixture: each reference `data.aws_cloudwatch_log_groups.<name>.log_group_names` becomes the
 * literal list `tolist([…])` of `fixture(prefix, name)`, and the data source is removed. Pure.
 *
 * @throws OfflineTerraformError when a reference names another attribute (only `log_group_names` is
 *   replaced) or a data source without a literal `log_group_name_prefix`
 */
export function replaceLogGroupDiscovery(
  input: Record<string, unknown>,
  fixture: DiscoveryFixture,
): Record<string, unknown> {
  const stack = structuredClone(input) as JsonObject;
  const data = isObject(stack.data) ? stack.data : undefined;
  const sources = data && isObject(data.aws_cloudwatch_log_groups) ? data.aws_cloudwatch_log_groups : {};
  const lists = new Map<string, readonly string[]>();
  for (const [name, block] of Object.entries(sources)) {
    const prefix = isObject(block) ? block.log_group_name_prefix : undefined;
    if (typeof prefix !== "string" || prefix.includes("${")) {
      throw new OfflineTerraformError(
        `data.aws_cloudwatch_log_groups.${name}.log_group_name_prefix: expected a literal prefix, got ${JSON.stringify(prefix)}`,
      );
    }
    lists.set(name, fixture(prefix, name));
  }
  if (lists.size === 0) return stack;
  delete data!.aws_cloudwatch_log_groups;
  if (Object.keys(data!).length === 0) delete stack.data;
  const reference = /data\.aws_cloudwatch_log_groups\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/g;
  const visit = (value: Json, key: string | undefined): Json => {
    if (typeof value === "string") {
      return value.replace(reference, (whole, name: string, attribute: string | undefined) => {
        const list = lists.get(name);
        if (list === undefined || attribute !== "log_group_names") {
          throw new OfflineTerraformError(`${whole}: cannot be replaced offline (only log_group_names is)`);
        }
        return `tolist(${JSON.stringify(list)})`;
      });
    }
    if (Array.isArray(value)) {
      const items =
        key === "depends_on"
          ? value.filter((v) => !String(v).startsWith("data.aws_cloudwatch_log_groups."))
          : value;
      return items.map((item) => visit(item, undefined));
    }
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    }
    return value;
  };
  return visit(stack, undefined) as Record<string, unknown>;
}

/** Files of `dir` (recursively), as POSIX paths relative to it, sorted. */
function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path).isFile())) {
        files.push(relative(dir, path).split(sep).join("/"));
      }
    }
  };
  walk(dir);
  return files.sort();
}

/**
 * Writes the zip of `spec` under `stackDir` and returns its archive_file outputs. The zip is
 * byte-identical for identical files: entries in sorted order, fixed mode and timestamp.
 *
 * @throws OfflineTerraformError when the source is missing or has no files.
 */
export async function buildArchive(stackDir: string, spec: ArchiveSpec): Promise<ArchiveOutputs> {
  const where = `data.archive_file.${spec.name}`;
  const entries: { path: string; name: string }[] = [];
  if ("dir" in spec.source) {
    const dir = join(stackDir, spec.source.dir);
    if (!existsSync(dir))
      throw new OfflineTerraformError(`${where}.source_dir: ${spec.source.dir} does not exist`);
    for (const name of listFiles(dir)) {
      if (!spec.excludes.includes(name)) entries.push({ path: join(dir, name), name });
    }
  } else {
    const file = join(stackDir, spec.source.file);
    if (!existsSync(file))
      throw new OfflineTerraformError(`${where}.source_file: ${spec.source.file} does not exist`);
    entries.push({ path: file, name: posix.basename(spec.source.file) });
  }
  if (entries.length === 0) throw new OfflineTerraformError(`${where}: the source has no files to zip`);

  const zip = archiver("zip", { zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  zip.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolvePromise, reject) => {
    zip.on("end", () => resolvePromise());
    zip.on("error", reject);
    zip.on("warning", reject);
  });
  for (const entry of entries) {
    zip.append(await readFile(entry.path), { name: entry.name, mode: spec.mode, date: ZIP_ENTRY_DATE });
  }
  await zip.finalize();
  await done;
  const bytes = Buffer.concat(chunks);

  const outputFile = join(stackDir, spec.outputPath);
  await mkdir(join(outputFile, ".."), { recursive: true });
  await writeFile(outputFile, bytes);
  const digest = (algorithm: string, encoding: "hex" | "base64") =>
    createHash(algorithm).update(bytes).digest(encoding);
  return {
    output_path: spec.outputPath,
    output_size: String(bytes.length),
    output_md5: digest("md5", "hex"),
    output_sha: digest("sha1", "hex"),
    output_sha256: digest("sha256", "hex"),
    output_base64sha256: digest("sha256", "base64"),
    output_sha512: digest("sha512", "hex"),
    output_base64sha512: digest("sha512", "base64"),
  };
}

/** Whether offline Terraform can run here, and if not, why. */
export type OfflineAvailability =
  { readonly available: true } | { readonly available: false; readonly reason: string };

/**
 * Checks that the Terraform executable runs and the provider mirror holds hashicorp/aws.
 * Never throws: the reason says what is missing.
 */
export async function offlineTerraformAvailability(
  options: Pick<OfflinePlanOptions, "pluginDir" | "terraformBin" | "discoveredLogGroups"> = {},
): Promise<OfflineAvailability> {
  const bin = options.terraformBin ?? "terraform";
  const pluginDir = options.pluginDir ?? pluginMirrorDir();
  try {
    await execFileAsync(bin, ["version"], { env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  } catch (error) {
    return {
      available: false,
      reason: `"${bin} version" failed: ${(error as Error).message.split("\n")[0]}`,
    };
  }
  const aws = join(pluginDir, "registry.terraform.io", "hashicorp", "aws");
  if (!existsSync(aws)) {
    return { available: false, reason: `the provider mirror has no hashicorp/aws (${aws} does not exist)` };
  }
  return { available: true };
}

/** Declared variable names of a stack JSON. */
function declaredVariables(stack: Record<string, unknown>): string[] {
  const variables = stack.variable;
  return typeof variables === "object" && variables !== null ? Object.keys(variables) : [];
}

/**
 * Copies `stackDir` (only it) into a new temporary directory and rewrites the copy for an offline
 * plan: see the module doc. Returns the copy's path; the caller removes `root` when done.
 *
 * @throws OfflineTerraformError when `stackDir` has no `cdk.tf.json` or the rewrite fails.
 */
export async function prepareOfflineStack(
  stackDir: string,
  discoveredLogGroups: DiscoveryFixture = () => [],
): Promise<{ root: string; stackCopy: string; variables: string[]; backend: string | undefined }> {
  const source = resolve(stackDir);
  const stackFile = join(source, STACK_FILE);
  if (!existsSync(stackFile))
    throw new OfflineTerraformError(`${stackFile}: not found (run "npm run synth" first)`);
  const root = await mkdtemp(join(tmpdir(), "waf-offline-plan-"));
  try {
    const stackCopy = join(root, "stack");
    await cp(source, stackCopy, {
      recursive: true,
      // A previous `terraform init` in the original directory must not leak into the copy.
      filter: (path) => !/(^|[\\/])(\.terraform|terraform\.tfstate[^\\/]*)$/.test(path),
    });
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(await readFile(join(stackCopy, STACK_FILE), "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new OfflineTerraformError(`${stackFile}: not valid JSON (${(error as Error).message})`, {
        cause: error,
      });
    }
    const rewrite = rewriteStackForOffline(parsed);
    const outputs: Record<string, ArchiveOutputs> = {};
    for (const archive of rewrite.archives) outputs[archive.name] = await buildArchive(stackCopy, archive);
    const offline = replaceLogGroupDiscovery(
      resolveArchiveReferences(rewrite.stack, outputs),
      discoveredLogGroups,
    );
    await writeFile(join(stackCopy, STACK_FILE), `${JSON.stringify(offline, null, 2)}\n`);
    // The machines point TF_CLI_CONFIG_FILE at a missing file (a warning on every command).
    await writeFile(join(root, "terraformrc"), "");
    return { root, stackCopy, variables: declaredVariables(parsed), backend: rewrite.backend };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Environment of the Terraform runs: the caller's, made quiet, local and offline. */
function terraformEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(root, "terraformrc"),
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
  };
  for (const name of [
    "TF_WORKSPACE",
    "TF_DATA_DIR",
    "TF_PLUGIN_CACHE_DIR",
    "AWS_PROFILE",
    "TF_CLOUD_ORGANIZATION",
  ]) {
    delete env[name];
  }
  return env;
}

async function runTerraform(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(bin, args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    throw new OfflineTerraformError(
      `terraform ${args[0]} failed (exit ${failure.code ?? "?"}) in ${cwd}:\n${failure.stderr ?? ""}${failure.stdout ?? ""}`,
      { cause: error },
    );
  }
}

/** A stack copy after `terraform init` and a clean `terraform validate`, ready to plan. */
interface ValidatedStack {
  readonly bin: string;
  readonly stackCopy: string;
  readonly env: NodeJS.ProcessEnv;
  /** Variables the stack declares. */
  readonly variables: readonly string[];
  readonly validate: ValidateResult;
}

/**
 * Copies and rewrites `stackDir` (see {@link prepareOfflineStack}), runs `terraform init` and
 * `terraform validate` there, calls `use` with the validated copy, and removes the copy afterwards
 * (unless `keepWorkDir`).
 *
 * @throws OfflineTerraformError when Terraform fails or `validate` reports any error or warning
 */
async function withValidatedStack<T>(
  stackDir: string,
  options: OfflinePlanOptions,
  use: (stack: ValidatedStack, root: string, backend: string | undefined) => Promise<T>,
): Promise<T> {
  const bin = options.terraformBin ?? "terraform";
  const pluginDir = options.pluginDir ?? pluginMirrorDir();
  const { root, stackCopy, variables, backend } = await prepareOfflineStack(
    stackDir,
    options.discoveredLogGroups,
  );
  try {
    const env = terraformEnv(root);
    await runTerraform(
      bin,
      ["init", "-input=false", "-no-color", `-plugin-dir=${pluginDir}`],
      stackCopy,
      env,
    );

    const validateOutput = await execFileAsync(bin, ["validate", "-json", "-no-color"], {
      cwd: stackCopy,
      env,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "{}" }));
    const validate = JSON.parse(validateOutput.stdout) as ValidateResult;
    if (validate.error_count !== 0 || validate.warning_count !== 0) {
      const lines = validate.diagnostics.map(
        (d) => `  ${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}`,
      );
      throw new OfflineTerraformError(
        `terraform validate of ${stackDir}: ${validate.error_count} error(s), ${validate.warning_count} warning(s)\n${lines.join("\n")}`,
      );
    }
    return await use({ bin, stackCopy, env, variables, validate }, root, backend);
  } finally {
    if (!options.keepWorkDir) await rm(root, { recursive: true, force: true });
  }
}

/**
 * `terraform plan` and `show -json` in a validated stack copy, with `cortex_external_id` set to
 * {@link PLACEHOLDER_EXTERNAL_ID} where declared, overridden by `values`.
 *
 * @throws OfflineTerraformError when Terraform fails (its message holds Terraform's output)
 */
async function planValidatedStack(
  stack: ValidatedStack,
  values: Readonly<Record<string, string>> | undefined,
): Promise<{ planJson: Record<string, unknown>; planText: string }> {
  const { bin, stackCopy, env } = stack;
  const all: Record<string, string> = {};
  if (stack.variables.includes("cortex_external_id")) all.cortex_external_id = PLACEHOLDER_EXTERNAL_ID;
  Object.assign(all, values);
  const varArgs = Object.entries(all).flatMap(([name, value]) => ["-var", `${name}=${value}`]);
  const plan = await runTerraform(
    bin,
    ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", "-out=offline.tfplan", ...varArgs],
    stackCopy,
    env,
  );
  const show = await runTerraform(bin, ["show", "-json", "-no-color", "offline.tfplan"], stackCopy, env);
  return { planJson: JSON.parse(show.stdout) as Record<string, unknown>, planText: plan.stdout };
}

/**
 * Offline `terraform init`, `validate`, `plan` and `show -json` of one synthesized stack directory
 * (e.g. `cdktf.out/stacks/waf-log-pipeline-dev`), in a temporary copy of only that directory.
 *
 * @throws OfflineTerraformError when Terraform fails, or `validate` reports any error or warning
 *   (the message lists the diagnostics).
 */
export async function offlinePlan(
  stackDir: string,
  options: OfflinePlanOptions = {},
): Promise<OfflinePlanResult> {
  return withValidatedStack(stackDir, options, async (stack, root, backend) => {
    const { planJson, planText } = await planValidatedStack(stack, options.variables);
    return {
      validate: stack.validate,
      planJson,
      planText,
      backend,
      workDir: options.keepWorkDir ? root : undefined,
    };
  });
}

/** One plan of {@link offlinePlanEach}: the plan, or the error Terraform refused it with. */
export type OfflinePlanAttempt =
  | { readonly ok: true; readonly planJson: Record<string, unknown>; readonly planText: string }
  | { readonly ok: false; readonly error: OfflineTerraformError };

/** Result of {@link offlinePlanEach}. */
export interface OfflinePlanEachResult {
  /** `terraform validate -json` output (0 errors and 0 warnings, or offlinePlanEach throws). */
  readonly validate: ValidateResult;
  /** One attempt per variable set, in the same order. */
  readonly attempts: readonly OfflinePlanAttempt[];
}

/**
 * Like {@link offlinePlan}, but initializes and validates the stack copy once and then plans it once
 * per entry of `variableSets` (each passed as `-var`, over the `cortex_external_id` placeholder), for
 * checks of variable validation. A plan that Terraform refuses (e.g. a failed `validation` block) is
 * returned as `{ ok: false, error }`, whose message holds Terraform's output, instead of thrown.
 *
 * @throws OfflineTerraformError when `init` fails, or `validate` reports any error or warning
 */
export async function offlinePlanEach(
  stackDir: string,
  variableSets: readonly Readonly<Record<string, string>>[],
  options: Pick<OfflinePlanOptions, "pluginDir" | "terraformBin" | "discoveredLogGroups"> = {},
): Promise<OfflinePlanEachResult> {
  return withValidatedStack(stackDir, options, async (stack) => {
    const attempts: OfflinePlanAttempt[] = [];
    for (const values of variableSets) {
      try {
        attempts.push({ ok: true, ...(await planValidatedStack(stack, values)) });
      } catch (error) {
        if (!(error instanceof OfflineTerraformError)) throw error;
        attempts.push({ ok: false, error });
      }
    }
    return { validate: stack.validate, attempts };
  });
}

/** Everything Terraform printed for one plan of {@link offlinePlanOutputs}. */
export interface OfflinePlanOutputs {
  /** Whether `terraform plan` succeeded. */
  readonly ok: boolean;
  /** stdout and stderr of `terraform plan -no-color -out=…`. */
  readonly plan: { readonly stdout: string; readonly stderr: string };
  /** stdout and stderr of `terraform plan -json` (machine-readable UI, one JSON object per line). */
  readonly planJsonUi: { readonly stdout: string; readonly stderr: string };
  /** `terraform show -json` of the saved plan, when the plan succeeded; otherwise undefined. */
  readonly showJson: string | undefined;
}

/** Runs Terraform and resolves with its exit code and output, whatever the exit code. */
async function runTerraformCapturing(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(bin, args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

/**
 * Like {@link offlinePlanEach}, but returns every byte Terraform printed for each variable set: the
 * human plan (stdout, stderr), the machine-readable `plan -json` UI output, and `show -json` of the
 * saved plan when there is one. For checks that a value never appears in any output.
 *
 * @throws OfflineTerraformError when `init` fails, or `validate` reports any error or warning
 */
export async function offlinePlanOutputs(
  stackDir: string,
  variableSets: readonly Readonly<Record<string, string>>[],
  options: Pick<OfflinePlanOptions, "pluginDir" | "terraformBin"> = {},
): Promise<readonly OfflinePlanOutputs[]> {
  return withValidatedStack(stackDir, options, async (stack) => {
    const results: OfflinePlanOutputs[] = [];
    for (const [index, values] of variableSets.entries()) {
      const all: Record<string, string> = {};
      if (stack.variables.includes("cortex_external_id")) all.cortex_external_id = PLACEHOLDER_EXTERNAL_ID;
      Object.assign(all, values);
      const varArgs = Object.entries(all).flatMap(([name, value]) => ["-var", `${name}=${value}`]);
      const common = ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color"];
      const planFile = `attempt-${index}.tfplan`;
      const plan = await runTerraformCapturing(
        stack.bin,
        [...common, `-out=${planFile}`, ...varArgs],
        stack.stackCopy,
        stack.env,
      );
      const planJsonUi = await runTerraformCapturing(
        stack.bin,
        [...common, "-json", ...varArgs],
        stack.stackCopy,
        stack.env,
      );
      const showJson =
        plan.code === 0
          ? (
              await runTerraform(
                stack.bin,
                ["show", "-json", "-no-color", planFile],
                stack.stackCopy,
                stack.env,
              )
            ).stdout
          : undefined;
      results.push({
        ok: plan.code === 0,
        plan: { stdout: plan.stdout, stderr: plan.stderr },
        planJsonUi: { stdout: planJsonUi.stdout, stderr: planJsonUi.stderr },
        showJson,
      });
    }
    return results;
  });
}
