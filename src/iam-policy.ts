/**
 * IAM policy documents as JSON strings. Terraform references inside (bucket ARNs, the external ID
 * variable) stay `${…}` interpolations that Terraform fills in at plan time, and sensitivity of a
 * referenced variable carries over to the attribute that holds the document.
 *
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

/** One IAM policy statement, in the JSON spelling of the policy grammar. */
export interface PolicyStatement {
  /** Statement id, unique within the document (letters and digits). */
  readonly Sid: string;
  /** "Allow" or "Deny". */
  readonly Effect: "Allow" | "Deny";
  /** `"*"` or `{ "Service": [...] }` / `{ "AWS": [...] }` (resource-based policies only). */
  readonly Principal?: "*" | Readonly<Record<string, string | readonly string[]>>;
  /** Actions like `s3:GetObject`. */
  readonly Action: string | readonly string[];
  /** Resource ARNs (omitted in trust policies). */
  readonly Resource?: string | readonly string[];
  /** Condition operator → condition key → value(s). */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document, `{"Version":"2012-10-17","Statement":[…]}`, as a JSON string. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * A statement that denies every request made without TLS (`aws:SecureTransport` false) to the given
 * resources, for resource-based policies (bucket and queue policies).
 *
 * @param actions e.g. `s3:*` or `sqs:*`
 * @param resources the ARNs the statement covers
 */
export function denyInsecureTransport(actions: string, resources: readonly string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: actions,
    Resource: resources,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * The ARN partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** ARN of a CloudWatch Logs log group, without the `:*` suffix that subscriptions and IAM add. */
export function logGroupArn(region: string, accountId: string, logGroupName: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${logGroupName}`;
}

/**
 * The S3 endpoint host of a region as the `kms:ViaService` condition key names it, e.g.
 * `s3.eu-west-1.amazonaws.com` (`amazonaws.com.cn` in the China regions).
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function s3ServiceHost(region: string): string {
  return `s3.${region}.amazonaws.com${partitionOf(region) === "aws-cn" ? ".cn" : ""}`;
}
