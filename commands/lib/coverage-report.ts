/**
 * The coverage audit's report as text (an aligned table for people) and as JSON (the same rows, for
 * scripts). Pure: takes a {@link CoverageReport}, returns strings.
 */
import {
  type CoverageReport,
  type CoverageRow,
  type LogGroupRef,
  parseLogDestination,
} from "./coverage-audit";

/** Counts of the rows by status. */
export interface CoverageSummary {
  /** Rows: one per web ACL logging destination (one for a web ACL without logging). */
  readonly webAclDestinations: number;
  readonly forwarded: number;
  readonly gaps: number;
  readonly unknown: number;
  /** Failed AWS calls. */
  readonly errors: number;
}

/** Counts the rows of `report` by status. */
export function summarizeCoverage(report: CoverageReport): CoverageSummary {
  const count = (status: CoverageRow["status"]) => report.rows.filter((row) => row.status === status).length;
  return {
    webAclDestinations: report.rows.length,
    forwarded: count("forwarded"),
    gaps: count("gap"),
    unknown: count("unknown"),
    errors: report.errors.length,
  };
}

/**
 * The destination as the table shows it: `(logging off)`, the log group name when it is in the web
 * ACL's own account and region, else the ARN.
 */
export function destinationText(row: CoverageRow): string {
  if (row.destination === null) return "(logging off)";
  const target = parseLogDestination(row.destination);
  if (
    target.kind === "logs" &&
    target.accountId === row.webAcl.accountId &&
    target.region === row.webAcl.region
  ) {
    return target.logGroupName;
  }
  return row.destination;
}

/** Rows of cells as lines, every column but the last padded to its widest cell, two spaces apart. */
function alignedTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

const FORWARDED_TEXT: Record<CoverageRow["status"], string> = { forwarded: "yes", gap: "NO", unknown: "?" };

function refLines(refs: readonly LogGroupRef[]): string[] {
  return alignedTable(refs.map((ref) => [ref.accountId, ref.region, ref.logGroupName])).map(
    (line) => `  ${line}`,
  );
}

/**
 * The report for people, e.g.
 * ```
 * Coverage audit of environment prod: 3 web ACL destinations, 1 forwarded, 2 gaps, 0 unknown
 *
 * WEB ACL   SCOPE       REGION     ACCOUNT       LOGGING DESTINATION    FORWARDED  WHY NOT
 * shop-alb  REGIONAL    eu-west-1  444455556666  aws-waf-logs-shop-alb  yes
 * shop-api  REGIONAL    eu-west-1  444455556666  (logging off)          NO         logging-off: the web ACL has no logging configuration: …
 * ```
 * then the listed log groups that do not exist, the `aws-waf-logs-*` log groups no web ACL logs to,
 * and the AWS calls that failed, each section only when it has entries.
 */
export function formatCoverageReport(report: CoverageReport): string {
  const summary = summarizeCoverage(report);
  const lines = [
    `Coverage audit of environment ${report.environment}: ${summary.webAclDestinations} web ACL destination${summary.webAclDestinations === 1 ? "" : "s"}, ${summary.forwarded} forwarded, ${summary.gaps} gap${summary.gaps === 1 ? "" : "s"}, ${summary.unknown} unknown`,
    "",
  ];
  if (report.rows.length === 0) {
    lines.push(
      report.errors.length === 0
        ? "No web ACLs found in the sources' accounts and regions."
        : "No web ACLs could be read (see the failed calls below).",
    );
  } else {
    lines.push(
      ...alignedTable([
        ["WEB ACL", "SCOPE", "REGION", "ACCOUNT", "LOGGING DESTINATION", "FORWARDED", "WHY NOT"],
        ...report.rows.map((row) => [
          row.webAcl.name,
          row.webAcl.scope,
          row.webAcl.region,
          row.webAcl.accountId,
          destinationText(row),
          FORWARDED_TEXT[row.status],
          row.reason === null
            ? ""
            : `${row.reason}: ${row.detail}${row.managedByFirewallManager ? " (logging managed by AWS Firewall Manager)" : ""}`,
        ]),
      ]),
    );
  }
  if (report.missingLogGroups.length > 0) {
    lines.push(
      "",
      "Listed log groups that do not exist (informational):",
      ...refLines(report.missingLogGroups),
    );
  }
  if (report.unusedLogGroups.length > 0) {
    lines.push(
      "",
      "aws-waf-logs-* log groups no web ACL logs to (informational):",
      ...refLines(report.unusedLogGroups),
    );
  }
  if (report.errors.length > 0) {
    lines.push(
      "",
      "AWS calls that failed (the audit is incomplete; rows that depend on them are unknown):",
      ...report.errors.map((e) => `  account ${e.accountId}, ${e.region}: ${e.call}: ${e.error}`),
    );
  }
  if (summary.gaps + summary.unknown + summary.errors > 0) {
    lines.push("", "What each reason means and what to do: docs/audit.md");
  }
  return lines.join("\n");
}

/**
 * The report as one JSON document: `{environment, summary, rows, missingLogGroups, unusedLogGroups,
 * errors}`, rows as in {@link CoverageRow} (destination ARN, status, reason, detail).
 */
export function coverageReportJson(report: CoverageReport): string {
  return JSON.stringify(
    {
      environment: report.environment,
      summary: summarizeCoverage(report),
      rows: report.rows,
      missingLogGroups: report.missingLogGroups,
      unusedLogGroups: report.unusedLogGroups,
      errors: report.errors,
    },
    null,
    2,
  );
}
