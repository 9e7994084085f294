import {
  DefaultTokenResolver,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
  StringConcat,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Read access to the Terraform configuration that resources and data sources synthesize, for the
 * security rules. Values are read after token resolution, exactly as they appear in the synthesized
 * JSON (including `addOverride` escape hatches): references are strings such as
 * `${aws_s3_bucket.archive.arn}`, blocks are arrays of objects, keys are snake_case Terraform names,
 * and a `Fn.jsonencode(value)` is the JSON text of its value.
 */

/** A resource or data source of a stack, with its resolved configuration. */
export interface Element {
  /** The construct, where a rule puts its error annotation. */
  readonly construct: TerraformResource | TerraformDataSource;
  /** `resource` or `data`. */
  readonly kind: "resource" | "data";
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Terraform address, e.g. `aws_s3_bucket.archive` or `data.aws_iam_policy_document.reader`. */
  readonly address: string;
  /** Resolved configuration without cdktf's `//` metadata (snake_case keys). */
  readonly config: Record<string, unknown>;
}

/**
 * Resolves tokens as synth does, except a `Fn.jsonencode(value)` call: that becomes the JSON text of
 * its resolved argument (references inside stay `${…}` strings), the same form a policy written with
 * `JSON.stringify` has, so the rules read both without parsing HCL. cdktf represents the call as a
 * `FunctionCall` expression whose `name` and `args` it keeps on the instance (cdktf 0.21, pinned).
 */
class JsonencodeAsJsonResolver extends DefaultTokenResolver {
  override resolveToken(
    token: IResolvable,
    context: IResolveContext,
    postProcessor: IPostProcessor,
  ): unknown {
    const call = token as { readonly name?: unknown; readonly args?: unknown };
    if (
      token.constructor.name === "FunctionCall" &&
      call.name === "jsonencode" &&
      Array.isArray(call.args) &&
      call.args.length === 1
    ) {
      return JSON.stringify(context.resolve(call.args[0]));
    }
    return super.resolveToken(token, context, postProcessor);
  }
}

const resolver = new JsonencodeAsJsonResolver(new StringConcat());

/** The element for a construct, or `undefined` when the construct is not a resource or data source. */
export function elementOf(construct: IConstruct): Element | undefined {
  if (TerraformResource.isTerraformResource(construct)) return describe(construct, "resource");
  if (TerraformDataSource.isTerraformDataSource(construct)) return describe(construct, "data");
  return undefined;
}

function describe(construct: TerraformResource | TerraformDataSource, kind: "resource" | "data"): Element {
  const stack = TerraformStack.of(construct);
  const synthesized = Tokenization.resolve(construct.toTerraform(), { scope: stack, resolver }) as Record<
    string,
    Record<string, Record<string, Record<string, unknown>>>
  >;
  const type = construct.terraformResourceType;
  const name = construct.friendlyUniqueId;
  const { "//": _metadata, ...config } = synthesized[kind]?.[type]?.[name] ?? {};
  return {
    construct,
    kind,
    type,
    address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`,
    config,
  };
}

/**
 * Every resource (or data source, with `kind: "data"`) of the given Terraform type in the stack that
 * holds `scope`, in construct-tree order.
 */
export function elementsOfType(
  scope: IConstruct,
  type: string,
  kind: "resource" | "data" = "resource",
): Element[] {
  return TerraformStack.of(scope)
    .node.findAll()
    .filter((c) =>
      kind === "resource"
        ? TerraformResource.isTerraformResource(c) && c.terraformResourceType === type
        : TerraformDataSource.isTerraformDataSource(c) && c.terraformResourceType === type,
    )
    .map((c) => elementOf(c) as Element);
}

/**
 * True when `value` (any resolved configuration value) refers to an attribute of `element`, e.g.
 * `${aws_s3_bucket.archive.arn}`, `${aws_s3_bucket.archive.arn}/*` or `${jsonencode([aws_s3_bucket.archive.id])}`.
 *
 * @param attributes Restrict to these attributes (e.g. `["arn"]`); any attribute when omitted.
 */
export function refersTo(value: unknown, element: Element, attributes?: readonly string[]): boolean {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  const attribute = attributes ? `(?:${attributes.map(escape).join("|")})` : "[A-Za-z_][\\w-]*";
  return new RegExp(`(?<![\\w.-])${escape(element.address)}\\.${attribute}(?![\\w-])`).test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `config[key]` as an array of blocks (Terraform JSON writes a nested block as an array or an object). */
export function blocks(config: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const value = config[key];
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** True for a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the string contains a Terraform reference or expression (`${…}`), i.e. is known only at apply time. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}
