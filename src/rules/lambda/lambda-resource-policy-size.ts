import { SecurityRule } from "../security-rule";
import { type Element, elementsOfType, refersTo } from "../terraform-elements";

/**
 * Most bytes a Lambda function's resource-based policy may have: "Function resource-based policy:
 * 20 KB" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); AddPermission fails
 * with `PolicyLengthExceededException` beyond it
 * (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html). 20 KB = 20,480 bytes.
 */
export const LAMBDA_RESOURCE_POLICY_LIMIT_BYTES = 20_480;

/** Longest region name (e.g. `ap-southeast-4`, `us-gov-west-1` fit), for a function ARN synth cannot know. */
const LONGEST_REGION = "xx-xxxxxxxxx-0";
/** `terraform-` followed by a 26-character id: the statement id the AWS provider generates when none is set. */
const GENERATED_STATEMENT_ID = `terraform-${"0".repeat(26)}`;

/** What one `aws_lambda_permission` puts in the function's policy, as far as synth knows it. */
export interface PermissionStatementInput {
  /** `statement_id`, or undefined for the provider's generated one. */
  readonly statementId?: string;
  readonly principal: string;
  readonly action: string;
  /** The function's name (its ARN goes into `Resource`). */
  readonly functionName: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
  readonly principalOrgId?: string;
}

/**
 * The policy statement Lambda writes for one permission, in the shape `GetPolicy` returns it
 * (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html): `Sid`, `Effect`,
 * `Principal` (`Service` for a service principal, else `AWS`), `Action`, `Resource` (the function ARN)
 * and the conditions `AWS:SourceAccount`, `AWS:SourceArn` (`ArnLike`) and `aws:PrincipalOrgID`. What
 * synth cannot know takes its longest form: the partition `aws-us-gov`, a region or account missing from
 * `source_arn`/`source_account`, a generated statement id. So the estimate errs on the large side.
 */
export function permissionStatement(input: PermissionStatementInput): Record<string, unknown> {
  const region = /^arn:[\w-]+:[\w-]+:([a-z0-9-]+):/.exec(input.sourceArn ?? "")?.[1] ?? LONGEST_REGION;
  const account = input.sourceAccount ?? "000000000000";
  const conditions: Record<string, Record<string, string>> = {};
  if (input.sourceAccount !== undefined)
    conditions.StringEquals = { "AWS:SourceAccount": input.sourceAccount };
  if (input.principalOrgId !== undefined) {
    conditions.StringEquals = { ...conditions.StringEquals, "aws:PrincipalOrgID": input.principalOrgId };
  }
  if (input.sourceArn !== undefined) conditions.ArnLike = { "AWS:SourceArn": input.sourceArn };
  return {
    Sid: input.statementId ?? GENERATED_STATEMENT_ID,
    Effect: "Allow",
    Principal: input.principal.endsWith(".amazonaws.com")
      ? { Service: input.principal }
      : { AWS: input.principal },
    Action: input.action,
    Resource: `arn:aws-us-gov:lambda:${region}:${account}:function:${input.functionName}`,
    ...(Object.keys(conditions).length === 0 ? {} : { Condition: conditions }),
  };
}

/**
 * Estimated size in bytes (UTF-8) of a function's resource-based policy holding `statements`: the
 * document `{"Version":"2012-10-17","Id":"default","Statement":[…]}` as JSON without spaces.
 */
export function resourcePolicyBytes(statements: readonly PermissionStatementInput[]): number {
  const document = { Version: "2012-10-17", Id: "default", Statement: statements.map(permissionStatement) };
  return Buffer.byteLength(JSON.stringify(document), "utf8");
}

/** A string value of a resolved configuration, or undefined when absent or a reference. */
function literal(value: unknown): string | undefined {
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/**
 * WLP-LMB-2: the resource-based policy of every Lambda function, estimated from the `aws_lambda_permission`s
 * of its stack ({@link resourcePolicyBytes}), stays below {@link LAMBDA_RESOURCE_POLICY_LIMIT_BYTES}, so
 * the apply does not fail with `PolicyLengthExceededException` half-way. One permission per log group
 * reached the limit near 50 WAF log groups; one permission for every `aws-waf-logs-*` log group does not
 * grow with them.
 */
export class LambdaResourcePolicySize extends SecurityRule {
  readonly id = "WLP-LMB-2";
  readonly description = `Every Lambda function's resource-based policy stays below ${LAMBDA_RESOURCE_POLICY_LIMIT_BYTES.toLocaleString("en-US")} bytes`;

  check(element: Element): string[] {
    if (element.type !== "aws_lambda_function") return [];
    const functionName = literal(element.config.function_name) ?? "x".repeat(64);
    const statements = elementsOfType(element.construct, "aws_lambda_permission")
      .filter(
        (permission) =>
          refersTo(permission.config.function_name, element) ||
          permission.config.function_name === element.config.function_name,
      )
      .map((permission): PermissionStatementInput => {
        const { config } = permission;
        const optional = (key: string, value: unknown) =>
          literal(value) === undefined ? {} : { [key]: literal(value) };
        return {
          ...optional("statementId", config.statement_id),
          principal: literal(config.principal) ?? "x".repeat(64),
          action: literal(config.action) ?? "lambda:InvokeFunction",
          functionName,
          ...optional("sourceArn", config.source_arn),
          ...optional("sourceAccount", config.source_account),
          ...optional("principalOrgId", config.principal_org_id),
        };
      });
    const bytes = resourcePolicyBytes(statements);
    if (bytes < LAMBDA_RESOURCE_POLICY_LIMIT_BYTES) return [];
    return [
      `${element.address} gets ${statements.length} permissions, a resource-based policy of about ${bytes.toLocaleString("en-US")} bytes, at or above the ${LAMBDA_RESOURCE_POLICY_LIMIT_BYTES.toLocaleString("en-US")}-byte limit (AddPermission fails with PolicyLengthExceededException); use one permission whose source_arn covers many sources, e.g. log-group:aws-waf-logs-*:*`,
    ];
  }
}
