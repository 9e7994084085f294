/**
 * The coverage audit's real AWS clients: one WAFV2 and one CloudWatch Logs client per account and
 * region. A source with `roleArn` is read through that role, assumed with STS AssumeRole
 * (`fromTemporaryCredentials`, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
 * using the default credential chain (environment, `AWS_PROFILE`, SSO, instance or task role); without
 * it the default credential chain reads the account directly.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { WAFV2Client } from "@aws-sdk/client-wafv2";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AuditClientFactory, AuditClients, AuditTarget } from "./coverage-audit";

/** Session name of the assumed roles, as CloudTrail shows it. */
export const AUDIT_ROLE_SESSION_NAME = "waf-log-pipeline-audit";

/** Makes the clients of `target`; STS is called in the target's region, only when the role is first used. */
export const awsAuditClients: AuditClientFactory = (target: AuditTarget): AuditClients => {
  const credentials =
    target.roleArn === undefined
      ? undefined
      : fromTemporaryCredentials({
          params: { RoleArn: target.roleArn, RoleSessionName: AUDIT_ROLE_SESSION_NAME },
          clientConfig: { region: target.region },
        });
  const config = { region: target.region, ...(credentials !== undefined ? { credentials } : {}) };
  return { wafv2: new WAFV2Client(config), logs: new CloudWatchLogsClient(config) };
};
