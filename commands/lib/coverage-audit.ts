/**
 * The coverage audit: does every web ACL of an environment's sources get its logs to the archive?
 *
 * Reads, with read-only calls only:
 * - AWS WAF `ListWebACLs` (Scope `REGIONAL` in each source's region, Scope `CLOUDFRONT` in `us-east-1`
 *   once per account) and `GetLoggingConfiguration` per web ACL
 *   (https://docs.aws.amazon.com/waf/latest/APIReference/API_ListWebACLs.html,
 *   https://docs.aws.amazon.com/waf/latest/APIReference/API_GetLoggingConfiguration.html);
 * - CloudWatch Logs `DescribeLogGroups` (prefix `aws-waf-logs-`) in each cloudwatch source's account and
 *   region, and `DescribeSubscriptionFilters` on the log groups that web ACLs log to
 *   (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeSubscriptionFilters.html).
 *
 * and returns one row per web ACL logging destination: forwarded, a gap (and why), or unknown (a read
 * failed). AWS errors are never swallowed: each is kept with the account, region and call, and makes
 * the rows that depend on it `unknown`.
 *
 * The reading (`auditCoverage`) takes its SDK clients from a factory, so tests pass mocked clients;
 * the classification (`classifyWebAcl`) is pure.
 */
import {
  type CloudWatchLogsClient,
  paginateDescribeLogGroups,
  paginateDescribeSubscriptionFilters,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  GetLoggingConfigurationCommand,
  ListWebACLsCommand,
  type Scope,
  WAFNonexistentItemException,
  type WAFV2Client,
} from "@aws-sdk/client-wafv2";
import { WAF_LOG_GROUP_PREFIX } from "../../src/cloudwatch-logs";
import { partitionOf } from "../../src/iam-policy";
import { MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP } from "../../src/cloudwatch-logs";
import {
  type AuditInput,
  type AuditSource,
  type CloudWatchAuditSource,
  logGroupSelectionProblem,
  parseAuditInput,
} from "./coverage-input";

// ---------------------------------------------------------------------------------------------
// Clients

/** Where the audit reads: one account and region, through an optional role. */
export interface AuditTarget {
  readonly accountId: string;
  readonly region: string;
  /** Role to assume for this account. @default undefined (default credential chain) */
  readonly roleArn?: string;
}

/** The SDK clients for one {@link AuditTarget}. */
export interface AuditClients {
  readonly wafv2: WAFV2Client;
  readonly logs: CloudWatchLogsClient;
}

/** Makes the clients for a target; called once per distinct (account, region, role). */
export type AuditClientFactory = (target: AuditTarget) => AuditClients;

/** Region of every CloudFront (Scope `CLOUDFRONT`) web ACL and of its logs. */
export const CLOUDFRONT_REGION = "us-east-1";

/** `ListWebACLs` page size (the API's maximum). */
export const LIST_WEB_ACLS_LIMIT = 100;

/** `DescribeLogGroups` page size (the API's maximum). */
export const DESCRIBE_LOG_GROUPS_LIMIT = 50;

// ---------------------------------------------------------------------------------------------
// Result

/** Why a web ACL's logs are not forwarded (or `not-read`: the audit could not tell). */
export type CoverageReason =
  /** GetLoggingConfiguration: WAFNonexistentItemException. */
  | "logging-off"
  /** The log group is not in any source's selection (no source for its account/region, not listed, excluded). */
  | "log-group-not-configured"
  /** A CloudFront web ACL logging to us-east-1 where its account has no cloudwatch source. */
  | "cloudfront-no-us-east-1-source"
  /** The web ACL logs to a log group that does not exist. */
  | "log-group-missing"
  /** The log group has no subscription filter. */
  | "not-subscribed"
  /** The log group's subscription filters (fewer than two) send elsewhere. */
  | "subscribed-elsewhere"
  /** Two subscription filters already, neither the pipeline's: a third would be needed. */
  | "third-filter-slot-needed"
  /** WAF logs to an S3 bucket no s3 source reads. */
  | "s3-bucket-not-covered"
  /** WAF logs to a Firehose delivery stream, which the pipeline does not read. */
  | "firehose-not-covered"
  /** A read this row depends on failed (see the errors). */
  | "not-read";

/** One web ACL logging destination and whether its logs reach the archive. */
export interface CoverageRow {
  readonly webAcl: {
    readonly name: string;
    /** `REGIONAL` or `CLOUDFRONT`. */
    readonly scope: Scope;
    readonly region: string;
    readonly accountId: string;
    readonly arn: string;
  };
  /** The logging destination ARN (log group without `:*`, bucket, delivery stream); `null` when logging is off. */
  readonly destination: string | null;
  /** `forwarded`, `gap`, or `unknown` (a read failed). */
  readonly status: "forwarded" | "gap" | "unknown";
  /** Why not forwarded; `null` when forwarded. */
  readonly reason: CoverageReason | null;
  /** The facts behind the status, one sentence. */
  readonly detail: string;
  /** The logging configuration is managed by AWS Firewall Manager (change it in the Firewall Manager policy). */
  readonly managedByFirewallManager: boolean;
}

/** A log group named by an account, region and name. */
export interface LogGroupRef {
  readonly accountId: string;
  readonly region: string;
  readonly logGroupName: string;
}

/** An AWS call that failed. */
export interface AuditReadError {
  readonly accountId: string;
  readonly region: string;
  /** The call and its subject, e.g. `wafv2:ListWebACLs Scope=REGIONAL`. */
  readonly call: string;
  /** The error's name and message, e.g. `AccessDeniedException: User … is not authorized …`. */
  readonly error: string;
}

/** Everything the audit found. */
export interface CoverageReport {
  readonly environment: string;
  /** One per web ACL logging destination, sorted by account, region, scope, web ACL name. */
  readonly rows: readonly CoverageRow[];
  /** Listed log groups (`logGroups.names`) that do not exist. Informational. */
  readonly missingLogGroups: readonly LogGroupRef[];
  /** Existing `aws-waf-logs-*` log groups of cloudwatch sources that no web ACL logs to. Informational. */
  readonly unusedLogGroups: readonly LogGroupRef[];
  /** AWS calls that failed; rows that depend on them are `unknown`. */
  readonly errors: readonly AuditReadError[];
}

/** 0 when every row is forwarded and every read succeeded, else 1. */
export function auditExitCode(report: CoverageReport): 0 | 1 {
  return report.errors.length === 0 && report.rows.every((row) => row.status === "forwarded") ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// ARNs

/** A log group ARN's parts, or `undefined`. Accepts the form with and without the trailing `:*`. */
export function parseLogGroupArn(
  arn: string,
): { partition: string; region: string; accountId: string; logGroupName: string } | undefined {
  const match = /^arn:([\w-]+):logs:([a-z0-9-]+):(\d{12}):log-group:([^:*]+)(?::\*)?$/.exec(arn);
  if (match === null) return undefined;
  return { partition: match[1]!, region: match[2]!, accountId: match[3]!, logGroupName: match[4]! };
}

/** What a WAF logging destination ARN points at (`LogDestinationConfigs` of a LoggingConfiguration). */
export type LogDestination =
  | {
      readonly kind: "logs";
      readonly accountId: string;
      readonly region: string;
      readonly logGroupName: string;
      readonly arn: string;
    }
  | { readonly kind: "s3"; readonly bucketArn: string; readonly arn: string }
  | { readonly kind: "firehose"; readonly arn: string }
  | { readonly kind: "other"; readonly arn: string };

/**
 * Classifies a logging destination ARN: a CloudWatch Logs log group
 * (`arn:aws:logs:<region>:<account>:log-group:<name>`, `:*` tolerated and dropped), an S3 bucket
 * (`arn:aws:s3:::<bucket>[/<prefix>]`), a Firehose delivery stream
 * (`arn:aws:firehose:<region>:<account>:deliverystream/<name>`), or something else.
 * Source: https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html
 */
export function parseLogDestination(arn: string): LogDestination {
  const logGroup = parseLogGroupArn(arn);
  if (logGroup !== undefined) {
    return {
      kind: "logs",
      accountId: logGroup.accountId,
      region: logGroup.region,
      logGroupName: logGroup.logGroupName,
      arn: arn.replace(/:\*$/, ""),
    };
  }
  const bucket = /^(arn:[\w-]+:s3:::[^/]+)(\/.*)?$/.exec(arn);
  if (bucket !== null) return { kind: "s3", bucketArn: bucket[1]!, arn };
  if (/^arn:[\w-]+:firehose:/.test(arn)) return { kind: "firehose", arn };
  return { kind: "other", arn };
}

// ---------------------------------------------------------------------------------------------
// Observations: what the reads returned

/** A web ACL and its logging configuration as read. */
export interface ObservedWebAcl {
  readonly name: string;
  readonly arn: string;
  readonly scope: Scope;
  readonly accountId: string;
  readonly region: string;
  readonly logging:
    | { readonly state: "off" }
    | {
        readonly state: "on";
        readonly destinations: readonly string[];
        readonly managedByFirewallManager: boolean;
      }
    | { readonly state: "error"; readonly error: AuditReadError };
}

/** A subscription filter as read (`DescribeSubscriptionFilters`). */
export interface ObservedFilter {
  readonly filterName: string;
  readonly destinationArn: string;
}

/** The `aws-waf-logs-*` log groups of one account and region, or the error that kept them unread. */
export type ObservedLogGroups =
  | { readonly ok: true; readonly names: ReadonlySet<string> }
  | { readonly ok: false; readonly error: AuditReadError };

/** Subscription filters of one log group, or the error. */
export type ObservedFilters =
  | { readonly ok: true; readonly filters: readonly ObservedFilter[] }
  | { readonly ok: false; readonly error: AuditReadError };

/** What {@link classifyWebAcl} needs to know about the estate. */
export interface EstateView {
  readonly sources: readonly AuditSource[];
  /** Log groups by `<account> <region>`, for each cloudwatch source. */
  readonly logGroups: ReadonlyMap<string, ObservedLogGroups>;
  /** Subscription filters by log group ARN (without `:*`). */
  readonly filters: ReadonlyMap<string, ObservedFilters>;
}

/** Key of an account and region in {@link EstateView} maps. */
export function placeKey(accountId: string, region: string): string {
  return `${accountId} ${region}`;
}

function cloudWatchSourceAt(sources: readonly AuditSource[], accountId: string, region: string) {
  return sources.find(
    (s): s is CloudWatchAuditSource =>
      s.type === "cloudwatch" && s.accountId === accountId && s.region === region,
  );
}

function describeError(error: AuditReadError): string {
  return `${error.call} failed in account ${error.accountId}, ${error.region}: ${error.error}`;
}

function filterList(filters: readonly ObservedFilter[]): string {
  return filters.map((f) => `${f.filterName} → ${f.destinationArn}`).join(", ");
}

/**
 * The row of one web ACL logging destination (or of a web ACL without logging). Pure.
 *
 * Order of the checks: logging off; S3 / Firehose destinations (covered only by an s3 source for that
 * bucket); a log group whose account and region have no cloudwatch source (for a CloudFront web ACL
 * logging to us-east-1: `cloudfront-no-us-east-1-source`); not in the source's selection; missing;
 * then its subscription filters: one to the source's `expectedDestinationArn` is forwarded.
 */
export function classifyWebAcl(
  webAcl: ObservedWebAcl,
  destination: string | null,
  view: EstateView,
): CoverageRow {
  const managedByFirewallManager = webAcl.logging.state === "on" && webAcl.logging.managedByFirewallManager;
  const row = (
    status: CoverageRow["status"],
    reason: CoverageReason | null,
    detail: string,
  ): CoverageRow => ({
    webAcl: {
      name: webAcl.name,
      scope: webAcl.scope,
      region: webAcl.region,
      accountId: webAcl.accountId,
      arn: webAcl.arn,
    },
    destination,
    status,
    reason,
    detail,
    managedByFirewallManager,
  });
  const gap = (reason: CoverageReason, detail: string) => row("gap", reason, detail);

  if (webAcl.logging.state === "error")
    return row("unknown", "not-read", describeError(webAcl.logging.error));
  if (webAcl.logging.state === "off" || destination === null) {
    return gap("logging-off", "the web ACL has no logging configuration: WAF writes no logs for it");
  }

  const target = parseLogDestination(destination);
  switch (target.kind) {
    case "s3": {
      const source = view.sources.find((s) => s.type === "s3" && s.s3BucketArn === target.bucketArn);
      if (source !== undefined) {
        return row(
          "forwarded",
          null,
          `WAF writes to the bucket of the s3 source of account ${source.accountId} (${source.region})`,
        );
      }
      return gap(
        "s3-bucket-not-covered",
        `WAF writes to the S3 bucket ${target.bucketArn}, which no s3 source of the environment reads`,
      );
    }
    case "firehose":
      return gap(
        "firehose-not-covered",
        `WAF writes to the Firehose delivery stream ${target.arn}, which the pipeline does not read`,
      );
    case "other":
      return gap(
        "log-group-not-configured",
        `the logging destination ${target.arn} is not a log group, bucket or delivery stream the pipeline reads`,
      );
    case "logs":
      break;
  }

  const { accountId, region, logGroupName } = target;
  const source = cloudWatchSourceAt(view.sources, accountId, region);
  if (source === undefined) {
    if (webAcl.scope === "CLOUDFRONT" && region === CLOUDFRONT_REGION) {
      return gap(
        "cloudfront-no-us-east-1-source",
        `a CloudFront web ACL logs only in ${CLOUDFRONT_REGION}, and account ${accountId} has no cloudwatch source in ${CLOUDFRONT_REGION}: ${logGroupName} is not forwarded`,
      );
    }
    return gap(
      "log-group-not-configured",
      `the log group ${logGroupName} is in account ${accountId}, ${region}, where the environment has no cloudwatch source`,
    );
  }
  const selectionProblem = logGroupSelectionProblem(source.logGroups, logGroupName);
  if (selectionProblem !== undefined) {
    return gap("log-group-not-configured", `the log group ${logGroupName} ${selectionProblem}`);
  }

  const groups = view.logGroups.get(placeKey(accountId, region));
  if (groups === undefined) throw new Error(`log groups of ${accountId} ${region} were not read`);
  if (!groups.ok) return row("unknown", "not-read", describeError(groups.error));
  if (!groups.names.has(logGroupName)) {
    return gap(
      "log-group-missing",
      `the log group ${logGroupName} does not exist in account ${accountId}, ${region}: WAF cannot deliver the logs`,
    );
  }

  const observed = view.filters.get(target.arn);
  if (observed === undefined) throw new Error(`subscription filters of ${target.arn} were not read`);
  if (!observed.ok) return row("unknown", "not-read", describeError(observed.error));
  const filters = observed.filters;
  const ours = filters.find((f) => f.destinationArn === source.expectedDestinationArn);
  if (ours !== undefined) {
    const name =
      ours.filterName === source.expectedFilterName
        ? ""
        : ` (expected the name ${source.expectedFilterName})`;
    return row("forwarded", null, `subscription filter ${ours.filterName}${name} → ${ours.destinationArn}`);
  }
  if (filters.length === 0) {
    return gap(
      "not-subscribed",
      `the log group ${logGroupName} has no subscription filter; expected ${source.expectedFilterName} → ${source.expectedDestinationArn}`,
    );
  }
  if (filters.length >= MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP) {
    return gap(
      "third-filter-slot-needed",
      `the log group ${logGroupName} already has ${filters.length} subscription filters, none to the processor (${filterList(filters)}); CloudWatch Logs allows ${MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP} per log group`,
    );
  }
  return gap(
    "subscribed-elsewhere",
    `the log group ${logGroupName} is subscribed to something else (${filterList(filters)}); expected ${source.expectedFilterName} → ${source.expectedDestinationArn}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

/** An AWS call's error as `Name: message`. */
function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Runs `call`; an error from it becomes an {@link AuditReadError}. */
async function attempt<T>(
  where: { accountId: string; region: string },
  call: string,
  run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: AuditReadError }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return {
      ok: false,
      error: { accountId: where.accountId, region: where.region, call, error: errorText(error) },
    };
  }
}

/**
 * Every web ACL of one scope: `ListWebACLs` pages of {@link LIST_WEB_ACLS_LIMIT}, following
 * `NextMarker`. WAF returns a `NextMarker` even with the last page (reported in boto/boto3#3715), so
 * the listing also ends at an empty page or a marker seen before.
 *
 * @throws the SDK's error; an Error when a web ACL's ARN names another account than `accountId`
 *   (the credentials reach the wrong account)
 */
async function listWebAcls(client: WAFV2Client, scope: Scope, accountId: string) {
  const webAcls: { name: string; arn: string }[] = [];
  const markers = new Set<string>();
  let marker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListWebACLsCommand({
        Scope: scope,
        Limit: LIST_WEB_ACLS_LIMIT,
        ...(marker ? { NextMarker: marker } : {}),
      }),
    );
    const summaries = page.WebACLs ?? [];
    for (const summary of summaries) {
      if (summary.ARN === undefined || summary.Name === undefined) continue;
      const owner = /^arn:[\w-]+:wafv2:[a-z0-9-]+:(\d{12}):/.exec(summary.ARN)?.[1];
      if (owner !== accountId) {
        throw new Error(
          `the credentials reach account ${owner ?? "(unknown)"} (web ACL ${summary.ARN}), not account ${accountId}: check the source's roleArn or the AWS profile`,
        );
      }
      webAcls.push({ name: summary.Name, arn: summary.ARN });
    }
    marker = page.NextMarker;
    if (marker === undefined || marker === "" || summaries.length === 0 || markers.has(marker)) break;
    markers.add(marker);
  }
  return webAcls;
}

/** The web ACLs of one scope in one place, each with its logging configuration. */
async function readWebAcls(
  clients: AuditClients,
  where: { accountId: string; region: string },
  scope: Scope,
  errors: AuditReadError[],
): Promise<ObservedWebAcl[]> {
  const listed = await attempt(where, `wafv2:ListWebACLs Scope=${scope}`, () =>
    listWebAcls(clients.wafv2, scope, where.accountId),
  );
  if (!listed.ok) {
    errors.push(listed.error);
    return [];
  }
  const observed: ObservedWebAcl[] = [];
  for (const webAcl of listed.value) {
    const got = await attempt(where, `wafv2:GetLoggingConfiguration ${webAcl.arn}`, async () => {
      try {
        return (await clients.wafv2.send(new GetLoggingConfigurationCommand({ ResourceArn: webAcl.arn })))
          .LoggingConfiguration;
      } catch (error) {
        // No logging configuration: the web ACL does not log.
        if (error instanceof WAFNonexistentItemException) return undefined;
        throw error;
      }
    });
    let logging: ObservedWebAcl["logging"];
    if (!got.ok) {
      errors.push(got.error);
      logging = { state: "error", error: got.error };
    } else if (got.value === undefined || (got.value.LogDestinationConfigs ?? []).length === 0) {
      logging = { state: "off" };
    } else {
      logging = {
        state: "on",
        destinations: got.value.LogDestinationConfigs ?? [],
        managedByFirewallManager: got.value.ManagedByFirewallManager === true,
      };
    }
    observed.push({
      name: webAcl.name,
      arn: webAcl.arn,
      scope,
      accountId: where.accountId,
      region: where.region,
      logging,
    });
  }
  return observed;
}

/** Names of the `aws-waf-logs-*` log groups of one place (`DescribeLogGroups`, every page). */
async function readLogGroups(client: CloudWatchLogsClient, accountId: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const page of paginateDescribeLogGroups(
    { client, pageSize: DESCRIBE_LOG_GROUPS_LIMIT },
    { logGroupNamePrefix: WAF_LOG_GROUP_PREFIX },
  )) {
    for (const group of page.logGroups ?? []) {
      if (group.logGroupName === undefined) continue;
      const owner = parseLogGroupArn(group.arn ?? group.logGroupArn ?? "")?.accountId;
      if (owner !== undefined && owner !== accountId) {
        throw new Error(
          `the credentials reach account ${owner} (log group ${group.logGroupName}), not account ${accountId}: check the source's roleArn or the AWS profile`,
        );
      }
      names.add(group.logGroupName);
    }
  }
  return names;
}

/** Subscription filters of one log group (`DescribeSubscriptionFilters`, every page). */
async function readFilters(client: CloudWatchLogsClient, logGroupName: string): Promise<ObservedFilter[]> {
  const filters: ObservedFilter[] = [];
  for await (const page of paginateDescribeSubscriptionFilters({ client }, { logGroupName })) {
    for (const filter of page.subscriptionFilters ?? []) {
      filters.push({
        filterName: filter.filterName ?? "(unnamed)",
        destinationArn: filter.destinationArn ?? "(none)",
      });
    }
  }
  return filters;
}

/**
 * Audits an environment: reads every source's web ACLs, logging configurations, `aws-waf-logs-*` log
 * groups and subscription filters, and classifies each web ACL. Calls run one after another (WAF's
 * API rate limits are low), each account and region through `clients(target)`, created once per
 * target. The role of a place is that of its first source; CloudFront web ACLs are read in
 * `us-east-1` through the account's `us-east-1` source if it has one, else its first source's role.
 * CloudFront web ACLs are listed for accounts in the `aws` partition only; the CLOUDFRONT scope of
 * other partitions is not audited.
 *
 * @param input the environment and its sources (checked with {@link parseAuditInput})
 * @param clients makes the SDK clients of a target
 * @returns the report; AWS errors are in `report.errors`, never thrown
 * @throws AuditInputError when `input` is invalid
 */
export async function auditCoverage(input: AuditInput, clients: AuditClientFactory): Promise<CoverageReport> {
  const { environment, sources } = parseAuditInput(input);
  const errors: AuditReadError[] = [];
  const clientCache = new Map<string, AuditClients>();
  const clientsFor = (target: AuditTarget) => {
    const key = `${target.accountId} ${target.region} ${target.roleArn ?? ""}`;
    let made = clientCache.get(key);
    if (made === undefined) {
      made = clients(target);
      clientCache.set(key, made);
    }
    return made;
  };
  const targetAt = (accountId: string, region: string): AuditTarget => {
    const source =
      sources.find((s) => s.accountId === accountId && s.region === region) ??
      sources.find((s) => s.accountId === accountId);
    return { accountId, region, ...(source?.roleArn !== undefined ? { roleArn: source.roleArn } : {}) };
  };

  // Web ACLs: regional ones per place, CloudFront ones once per account.
  const places = unique(sources.map((s) => [s.accountId, s.region] as const));
  const webAcls: ObservedWebAcl[] = [];
  const incompletePlaces = new Set<string>();
  const read = async (accountId: string, region: string, scope: Scope) => {
    const before = errors.length;
    webAcls.push(
      ...(await readWebAcls(clientsFor(targetAt(accountId, region)), { accountId, region }, scope, errors)),
    );
    if (errors.length > before) incompletePlaces.add(placeKey(accountId, region));
  };
  for (const [accountId, region] of places) await read(accountId, region, "REGIONAL");
  for (const accountId of unique(
    sources.filter((s) => partitionOf(s.region) === "aws").map((s) => s.accountId),
  )) {
    await read(accountId, CLOUDFRONT_REGION, "CLOUDFRONT");
  }

  // Log groups of each cloudwatch source.
  const logGroups = new Map<string, ObservedLogGroups>();
  for (const source of sources) {
    if (source.type !== "cloudwatch") continue;
    const where = { accountId: source.accountId, region: source.region };
    const got = await attempt(
      where,
      `logs:DescribeLogGroups logGroupNamePrefix=${WAF_LOG_GROUP_PREFIX}`,
      () => readLogGroups(clientsFor(targetAt(source.accountId, source.region)).logs, source.accountId),
    );
    if (got.ok) logGroups.set(placeKey(source.accountId, source.region), { ok: true, names: got.value });
    else {
      errors.push(got.error);
      logGroups.set(placeKey(source.accountId, source.region), { ok: false, error: got.error });
    }
  }

  // Subscription filters of each selected, existing log group a web ACL logs to.
  const filters = new Map<string, ObservedFilters>();
  for (const webAcl of webAcls) {
    if (webAcl.logging.state !== "on") continue;
    for (const destination of webAcl.logging.destinations) {
      const target = parseLogDestination(destination);
      if (target.kind !== "logs" || filters.has(target.arn)) continue;
      const source = cloudWatchSourceAt(sources, target.accountId, target.region);
      if (
        source === undefined ||
        logGroupSelectionProblem(source.logGroups, target.logGroupName) !== undefined
      )
        continue;
      const groups = logGroups.get(placeKey(target.accountId, target.region));
      if (groups === undefined || !groups.ok || !groups.names.has(target.logGroupName)) continue;
      const where = { accountId: target.accountId, region: target.region };
      const got = await attempt(
        where,
        `logs:DescribeSubscriptionFilters logGroupName=${target.logGroupName}`,
        () => readFilters(clientsFor(targetAt(target.accountId, target.region)).logs, target.logGroupName),
      );
      if (got.ok) filters.set(target.arn, { ok: true, filters: got.value });
      else {
        errors.push(got.error);
        filters.set(target.arn, { ok: false, error: got.error });
      }
    }
  }

  const view: EstateView = { sources, logGroups, filters };
  const rows = webAcls
    .flatMap((webAcl) =>
      webAcl.logging.state === "on"
        ? webAcl.logging.destinations.map((destination) => classifyWebAcl(webAcl, destination, view))
        : [classifyWebAcl(webAcl, null, view)],
    )
    .sort(compareRows);

  return {
    environment,
    rows,
    missingLogGroups: missingLogGroups(sources, logGroups),
    unusedLogGroups: unusedLogGroups(sources, logGroups, webAcls, incompletePlaces),
    errors,
  };
}

/** Listed log groups that do not exist (only where the log groups were read). */
function missingLogGroups(
  sources: readonly AuditSource[],
  logGroups: ReadonlyMap<string, ObservedLogGroups>,
) {
  const missing: LogGroupRef[] = [];
  for (const source of sources) {
    if (source.type !== "cloudwatch" || !("names" in source.logGroups)) continue;
    const groups = logGroups.get(placeKey(source.accountId, source.region));
    if (groups === undefined || !groups.ok) continue;
    for (const logGroupName of source.logGroups.names) {
      if (!groups.names.has(logGroupName))
        missing.push({ accountId: source.accountId, region: source.region, logGroupName });
    }
  }
  return missing.sort(compareRefs);
}

/**
 * Existing `aws-waf-logs-*` log groups no web ACL logs to, in places whose web ACLs were all read
 * (elsewhere the answer would be a guess). For us-east-1 that includes the account's CloudFront web ACLs.
 */
function unusedLogGroups(
  sources: readonly AuditSource[],
  logGroups: ReadonlyMap<string, ObservedLogGroups>,
  webAcls: readonly ObservedWebAcl[],
  incompletePlaces: ReadonlySet<string>,
) {
  const used = new Set<string>();
  for (const webAcl of webAcls) {
    if (webAcl.logging.state !== "on") continue;
    for (const destination of webAcl.logging.destinations) {
      const target = parseLogDestination(destination);
      if (target.kind === "logs")
        used.add(`${placeKey(target.accountId, target.region)} ${target.logGroupName}`);
    }
  }
  const unused: LogGroupRef[] = [];
  for (const source of sources) {
    if (source.type !== "cloudwatch") continue;
    const key = placeKey(source.accountId, source.region);
    const groups = logGroups.get(key);
    if (groups === undefined || !groups.ok || incompletePlaces.has(key)) continue;
    if (
      source.region === CLOUDFRONT_REGION &&
      incompletePlaces.has(placeKey(source.accountId, CLOUDFRONT_REGION))
    )
      continue;
    for (const logGroupName of groups.names) {
      if (!used.has(`${key} ${logGroupName}`))
        unused.push({ accountId: source.accountId, region: source.region, logGroupName });
    }
  }
  return unused.sort(compareRefs);
}

function unique<T extends string | readonly string[]>(values: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const value of values) {
    const key = typeof value === "string" ? value : value.join(" ");
    if (!seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()];
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: CoverageRow, b: CoverageRow): number {
  return (
    compare(a.webAcl.accountId, b.webAcl.accountId) ||
    compare(a.webAcl.region, b.webAcl.region) ||
    compare(a.webAcl.scope, b.webAcl.scope) ||
    compare(a.webAcl.name, b.webAcl.name) ||
    compare(a.destination ?? "", b.destination ?? "")
  );
}

function compareRefs(a: LogGroupRef, b: LogGroupRef): number {
  return (
    compare(a.accountId, b.accountId) ||
    compare(a.region, b.region) ||
    compare(a.logGroupName, b.logGroupName)
  );
}
