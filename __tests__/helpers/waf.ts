/**
 * Builders for the `waf` configuration in tests: web ACL ARNs and an environment with every WAF
 * option on.
 */

/** The id part of every test web ACL ARN (a UUID, as WAF writes it). */
export const WEB_ACL_ID = "a1b2c3d4-5678-90ab-cdef-111122223333";

/**
 * A wafv2 web ACL ARN.
 *
 * @param name web ACL name
 * @param options scope (`regional` by default), region (`us-east-1`), account (`111122223333`), partition (`aws`)
 */
export function webAclArn(
  name: string,
  options: { scope?: "regional" | "global"; region?: string; account?: string; partition?: string } = {},
): string {
  const { scope = "regional", region = "us-east-1", account = "111122223333", partition = "aws" } = options;
  return `arn:${partition}:wafv2:${region}:${account}:${scope}/webacl/${name}/${WEB_ACL_ID}`;
}

/**
 * Overrides of the minimal environment (account 111122223333, us-east-1) that turn on every WAF
 * option: two managed log groups with 14 days retention, a regional and a global web ACL, every kind of
 * redacted field, a keep-actions logging filter, one other subscription filter, processor-side
 * redaction.
 */
export function allWafOptions(): Record<string, unknown> {
  return {
    wafLogGroupNames: ["aws-waf-logs-shop-alb", "aws-waf-logs-shop-cloudfront"],
    processor: { redactHeaders: ["Authorization", "X-Api-Key"] },
    waf: {
      webAclArns: [
        { arn: webAclArn("shop-alb"), logGroupName: "aws-waf-logs-shop-alb" },
        {
          arn: webAclArn("shop-cloudfront", { scope: "global" }),
          logGroupName: "aws-waf-logs-shop-cloudfront",
        },
      ],
      manageLogGroup: true,
      retentionDays: 14,
      redactedFields: [
        "header:authorization",
        "header:cookie",
        "header:x-api-key",
        "queryString",
        "uriPath",
        "method",
      ],
      loggingFilter: { keepActions: ["BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"] },
      otherSubscriptionFilters: { "aws-waf-logs-shop-alb": 1 },
    },
  };
}
