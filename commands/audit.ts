/**
 * `npm run audit -- --env <env> [--json] [--config FILE]`
 *
 * Coverage audit: lists every web ACL of the environment's accounts and regions with its logging
 * destination, and says whether its logs reach the archive and, when not, why. Read-only. Exit code
 * 0 when everything is forwarded, 1 on any gap or failed AWS call, 2 on a bad command line or
 * configuration. See docs/audit.md.
 */
import { loadConfig, type PipelineConfig } from "../src/config";
import { auditInputFromEnvironment, auditInputFromEstate } from "./lib/audit-config";
import { awsAuditClients } from "./lib/audit-clients";
import {
  type CommandOutput,
  isMainModule,
  parseCommandLine,
  PROCESS_OUTPUT,
  startCommand,
  UsageError,
} from "./lib/cli";
import { type AuditClientFactory, auditCoverage, auditExitCode } from "./lib/coverage-audit";
import { AuditInputError } from "./lib/coverage-input";
import { coverageReportJson, formatCoverageReport } from "./lib/coverage-report";

export const AUDIT_USAGE = `usage: npm run audit -- --env <env> [--json] [--config FILE]

Lists every AWS WAF web ACL of environment <env> (regional ones in the environment's region,
CloudFront ones in us-east-1) with its logging destination, and whether its logs are forwarded to
the archive; when not, why not (logging off, log group outside the configuration, not subscribed,
subscribed to something else, a third subscription filter slot needed, ...). Read-only calls.

  --env <env>      environment in the configuration file
  --config FILE    configuration file (default: $WAF_PIPELINE_CONFIG, else waf-pipeline.config.json)
  --json           print the report as one JSON document instead of a table

Credentials come from the standard AWS chain (AWS_PROFILE, SSO, environment, instance role).
Exit code: 0 every web ACL is forwarded, 1 a gap or a failed AWS call, 2 bad command line or
configuration. What each reason means and the IAM policy the audit needs: docs/audit.md.`;

/** The command line, parsed. */
export interface AuditCommand {
  readonly env: string;
  readonly json: boolean;
  /** Configuration file; undefined: `$WAF_PIPELINE_CONFIG` or `waf-pipeline.config.json`. */
  readonly config: string | undefined;
  readonly help: boolean;
}

/**
 * Parses the audit's arguments (without the `node script` prefix).
 *
 * @throws UsageError for unknown options, positional arguments, or a missing `--env`
 */
export function parseAuditArgs(argv: readonly string[]): AuditCommand {
  const { values } = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      env: { type: "string" },
      json: { type: "boolean", default: false },
      config: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { env: "", json: false, config: undefined, help: true };
  if (values.env === undefined || values.env === "") throw new UsageError("--env <env> is required");
  if (values.config === "") throw new UsageError("--config needs a file name");
  return { env: values.env, json: values.json, config: values.config, help: false };
}

/** What main needs from outside: the configuration and the AWS clients. */
export interface AuditDependencies {
  /** @throws ValidationError when the configuration file is missing or invalid */
  readonly loadConfig: (path: string | undefined) => PipelineConfig;
  readonly clients: AuditClientFactory;
}

/**
 * The command: parses `argv`, builds the audit input from the environment, audits, prints the report
 * (stdout) and a one-line verdict (stderr). Resolves with the exit code: 0 everything forwarded, 1 a
 * gap or a failed AWS call, 2 bad command line or configuration.
 */
export async function main(
  argv: readonly string[],
  out: CommandOutput,
  deps: AuditDependencies,
): Promise<number> {
  const started = startCommand(argv, out, {
    name: "audit",
    usage: AUDIT_USAGE,
    parse: parseAuditArgs,
    loadConfig: (command) => deps.loadConfig(command.config),
  });
  if (typeof started === "number") return started;
  const { command, config } = started;

  const environment = config.environments[command.env];
  const estate = config.estates[command.env];
  if (environment === undefined && estate === undefined) {
    const known = [...Object.keys(config.environments), ...Object.keys(config.estates)].sort().join(", ");
    out.stderr(`audit: unknown environment ${JSON.stringify(command.env)}; known environments: ${known}`);
    return 2;
  }

  let report;
  try {
    const input =
      environment !== undefined
        ? auditInputFromEnvironment(command.env, environment)
        : auditInputFromEstate(command.env, estate!);
    report = await auditCoverage(input, deps.clients);
  } catch (error) {
    if (error instanceof AuditInputError) {
      out.stderr(`audit: ${error.message}`);
      return 2;
    }
    throw error;
  }
  out.stdout(command.json ? coverageReportJson(report) : formatCoverageReport(report));
  const code = auditExitCode(report);
  if (report.errors.length > 0) {
    out.stderr(
      `audit: ${report.errors.length} AWS call${report.errors.length === 1 ? "" : "s"} failed; the audit is incomplete (see the report)`,
    );
  } else if (code !== 0) {
    out.stderr("audit: some web ACLs' logs are not forwarded (see the report)");
  }
  return code;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), PROCESS_OUTPUT, {
    loadConfig: (path) => loadConfig(path),
    clients: awsAuditClients,
  });
}
