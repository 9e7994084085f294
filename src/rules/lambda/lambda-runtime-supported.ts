import { SecurityRule } from "../security-rule";
import type { Element } from "../terraform-elements";

/**
 * Runtimes allowed for Lambda functions: accepted by the pinned AWS provider 5.100.0 and not deprecated
 * by AWS (nodejs22.x is supported until 2027-04-30).
 * Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export const ALLOWED_LAMBDA_RUNTIMES = ["nodejs22.x"] as const;

/** Node.js runtimes AWS has deprecated (nodejs20.x on 2026-04-30; the others earlier). */
export const DEPRECATED_LAMBDA_RUNTIMES = [
  "nodejs20.x",
  "nodejs18.x",
  "nodejs16.x",
  "nodejs14.x",
  "nodejs12.x",
  "nodejs10.x",
  "nodejs8.10",
  "nodejs6.10",
  "nodejs4.3",
  "nodejs4.3-edge",
  "nodejs",
] as const;

/** Runtimes newer than the pinned provider: AWS provider 5.100.0 rejects them at plan time (nodejs24.x needs ≥ 6.19). */
export const RUNTIMES_NEWER_THAN_PROVIDER = ["nodejs24.x"] as const;

/**
 * WLP-LMB-1: every `aws_lambda_function` packaged as a .zip has a runtime in
 * {@link ALLOWED_LAMBDA_RUNTIMES}. Functions packaged as container images (`package_type = "Image"`)
 * have no runtime and are not checked.
 */
export class LambdaRuntimeSupported extends SecurityRule {
  readonly id = "WLP-LMB-1";
  readonly description =
    "Every Lambda function uses a runtime that AWS provider 5.100.0 accepts and AWS has not deprecated";

  check(element: Element): string[] {
    if (element.type !== "aws_lambda_function" || element.config.package_type === "Image") return [];
    const runtime = element.config.runtime;
    const allowed = ALLOWED_LAMBDA_RUNTIMES.join(", ");
    if (typeof runtime !== "string") return [`${element.address} has no runtime; expected one of ${allowed}`];
    if ((ALLOWED_LAMBDA_RUNTIMES as readonly string[]).includes(runtime)) return [];
    if ((DEPRECATED_LAMBDA_RUNTIMES as readonly string[]).includes(runtime)) {
      return [`${element.address} uses ${runtime}, which AWS has deprecated; expected one of ${allowed}`];
    }
    if ((RUNTIMES_NEWER_THAN_PROVIDER as readonly string[]).includes(runtime)) {
      return [
        `${element.address} uses ${runtime}, which AWS provider 5.100.0 does not accept; expected one of ${allowed}`,
      ];
    }
    return [`${element.address} uses ${runtime}; expected one of ${allowed}`];
  }
}
