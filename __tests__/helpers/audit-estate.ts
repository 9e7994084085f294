/**
 * A mocked WAF estate for the coverage audit: per account and region, a WAFV2 and a CloudWatch Logs
 * client mocked with aws-sdk-client-mock, answering with the response shapes of the AWS API references
 * (ListWebACLs, GetLoggingConfiguration, DescribeLogGroups, DescribeSubscriptionFilters). Tests state
 * the web ACLs, their logging destinations, the log groups and their subscription filters; the
 * estate's factory hands the audit the clients of each target and records which it asked for.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  type LogGroup,
  type SubscriptionFilter,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  GetLoggingConfigurationCommand,
  ListWebACLsCommand,
  type Scope,
  WAFNonexistentItemException,
  WAFV2Client,
  type WebACLSummary,
} from "@aws-sdk/client-wafv2";
import { mockClient } from "aws-sdk-client-mock";
import type { AuditClientFactory, AuditTarget } from "../../commands/lib/coverage-audit";

/** A web ACL in the estate and where it logs: a destination ARN, or `null` for logging off. */
export interface EstateWebAcl {
  readonly name: string;
  readonly destination: string | null;
  readonly managedByFirewallManager?: boolean;
}

/** A log group in the estate and its subscription filters: `[filter name, destination ARN]`. */
export interface EstateLogGroup {
  readonly name: string;
  readonly filters?: readonly (readonly [string, string])[];
}

/** Placeholder credentials: the mocks answer before any request is signed or sent. */
const CREDENTIALS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

function makePlace(region: string) {
  const wafv2 = new WAFV2Client({ region, credentials: CREDENTIALS });
  const logs = new CloudWatchLogsClient({ region, credentials: CREDENTIALS });
  return { wafv2, logs, wafMock: mockClient(wafv2), logsMock: mockClient(logs) };
}

/** The clients of one account and region and their mocks. */
export type EstatePlace = ReturnType<typeof makePlace>;

/** A web ACL id (a UUID) derived from its name, so ARNs are stable. */
export function webAclId(name: string): string {
  const hex = [...name]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .padStart(8, "0");
  return `${hex}-5a3d-4f6e-8b1c-9d0e2f4a6b8c`;
}

/** The ARN of web ACL `name`: `arn:aws:wafv2:<region>:<account>:regional|global/webacl/<name>/<id>`. */
export function estateWebAclArn(accountId: string, region: string, scope: Scope, name: string): string {
  return `arn:aws:wafv2:${region}:${accountId}:${scope === "CLOUDFRONT" ? "global" : "regional"}/webacl/${name}/${webAclId(name)}`;
}

/** A log group ARN as WAF's `LogDestinationConfigs` holds it (no `:*`). */
export function logGroupDestination(accountId: string, region: string, name: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${name}`;
}

/** A web ACL summary as ListWebACLs returns it. */
export function webAclSummary(accountId: string, region: string, scope: Scope, name: string): WebACLSummary {
  return {
    Name: name,
    Id: webAclId(name),
    Description: `${name} web ACL`,
    LockToken: "3c4b8a5e-1f2d-4e6a-9b7c-0d1e2f3a4b5c",
    ARN: estateWebAclArn(accountId, region, scope, name),
  };
}

/** A log group as DescribeLogGroups returns it. */
export function logGroupEntry(accountId: string, region: string, name: string): LogGroup {
  const arn = logGroupDestination(accountId, region, name);
  return {
    logGroupName: name,
    creationTime: 1_767_225_600_000,
    retentionInDays: 7,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: 0,
    logGroupClass: "STANDARD",
    logGroupArn: arn,
  };
}

/** A subscription filter as DescribeSubscriptionFilters returns it. */
export function subscriptionFilterEntry(
  logGroupName: string,
  filterName: string,
  destinationArn: string,
): SubscriptionFilter {
  return {
    filterName,
    logGroupName,
    filterPattern: "",
    destinationArn,
    ...(destinationArn.includes(":firehose:")
      ? {
          roleArn: destinationArn.replace(
            /:firehose:[a-z0-9-]+:(\d{12}):.*$/,
            ":iam::$1:role/CWLtoFirehoseRole",
          ),
        }
      : {}),
    distribution: "ByLogStream",
    applyOnTransformedLogs: false,
    creationTime: 1_767_225_600_000,
  };
}

/** The error WAF answers GetLoggingConfiguration with for a web ACL without logging. */
export function noLoggingConfiguration(): WAFNonexistentItemException {
  return new WAFNonexistentItemException({
    message: "AWS WAF couldn’t perform the operation because your resource doesn’t exist.",
    $metadata: { httpStatusCode: 400 },
  });
}

/** Mocked accounts and regions; `factory` is the audit's client factory. */
export class MockedEstate {
  /** The targets the audit asked clients for, in order. */
  readonly targets: AuditTarget[] = [];
  private readonly places = new Map<string, EstatePlace>();

  /** The clients of `accountId` in `region`, created (and mocked) on first use. */
  place(accountId: string, region: string): EstatePlace {
    const key = `${accountId} ${region}`;
    let place = this.places.get(key);
    if (place === undefined) {
      place = makePlace(region);
      this.places.set(key, place);
    }
    return place;
  }

  readonly factory: AuditClientFactory = (target) => {
    this.targets.push(target);
    const place = this.places.get(`${target.accountId} ${target.region}`);
    if (place === undefined)
      throw new Error(`the test estate has no clients for ${target.accountId} ${target.region}`);
    return { wafv2: place.wafv2, logs: place.logs };
  };

  /**
   * The web ACLs of one scope in one place (one ListWebACLs page, as WAF answers it: with a
   * `NextMarker` that leads to an empty page) and their logging configurations.
   */
  webAcls(accountId: string, region: string, scope: Scope, webAcls: readonly EstateWebAcl[]): this {
    const { wafMock } = this.place(accountId, region);
    const marker = `${scope}-end`;
    wafMock
      .on(ListWebACLsCommand, { Scope: scope })
      .resolves({
        NextMarker: marker,
        WebACLs: webAcls.map((w) => webAclSummary(accountId, region, scope, w.name)),
      })
      .on(ListWebACLsCommand, { Scope: scope, NextMarker: marker })
      .resolves({ NextMarker: marker, WebACLs: [] });
    for (const webAcl of webAcls) {
      const arn = estateWebAclArn(accountId, region, scope, webAcl.name);
      const stub = wafMock.on(GetLoggingConfigurationCommand, { ResourceArn: arn });
      if (webAcl.destination === null) stub.rejects(noLoggingConfiguration());
      else
        stub.resolves({
          LoggingConfiguration: {
            ResourceArn: arn,
            LogDestinationConfigs: [webAcl.destination],
            RedactedFields: [
              { SingleHeader: { Name: "authorization" } },
              { SingleHeader: { Name: "cookie" } },
            ],
            ManagedByFirewallManager: webAcl.managedByFirewallManager ?? false,
            LogType: "WAF_LOGS",
            LogScope: "CUSTOMER",
          },
        });
    }
    return this;
  }

  /** The `aws-waf-logs-*` log groups of one place (one DescribeLogGroups page) and their subscription filters. */
  logGroups(accountId: string, region: string, groups: readonly EstateLogGroup[]): this {
    const { logsMock } = this.place(accountId, region);
    logsMock
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: "aws-waf-logs-" })
      .resolves({ logGroups: groups.map((g) => logGroupEntry(accountId, region, g.name)) });
    for (const group of groups) {
      logsMock.on(DescribeSubscriptionFiltersCommand, { logGroupName: group.name }).resolves({
        subscriptionFilters: (group.filters ?? []).map(([name, destination]) =>
          subscriptionFilterEntry(group.name, name, destination),
        ),
      });
    }
    return this;
  }
}
