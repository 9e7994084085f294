/**
 * Output of `npm run cost`: a readable text table, or one JSON object (`--json`).
 */
import { ASSUMPTIONS } from "./cost-assumptions";
import type { InputOrigin } from "./cost-inputs";
import {
  BYTES_PER_GB,
  type CostEstimate,
  type CostLine,
  SOURCE_TYPES,
  type SourceEstimate,
} from "./cost-model";
import { PRICE_REGION, PRICES, WAF_LOG_CREDIT } from "./cost-prices";

/** What the report says about where the inputs came from. */
export interface ReportContext {
  /** Environment the inputs were read from, or undefined for the stack's defaults. */
  readonly environment: string | undefined;
  /** Where each input came from. */
  readonly origins: Readonly<Record<string, InputOrigin>>;
}

/** The sentence every report carries about regions. */
export const REGION_NOTE = `Prices are for ${PRICE_REGION} (US East, N. Virginia); other regions differ. Vended-log delivery is billed in the web ACL's region.`;

/** `1234567.891` → `1,234,568`; small numbers keep up to 3 significant decimals. */
export function formatQuantity(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100 || value === 0 || Number.isInteger(value)) {
    return Math.round(value).toLocaleString("en-US");
  }
  return Number(value.toPrecision(3)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** USD with two decimals and thousands separators, `-` before a credit. */
export function formatUsd(usd: number): string {
  const rounded = Math.round(usd * 100) / 100;
  const text = Math.abs(rounded).toLocaleString("en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return rounded < 0 ? `-${text}` : text;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function sourceTable(estimate: SourceEstimate): string[] {
  const rows = estimate.lines.map((l: CostLine) => [
    l.item,
    `${formatQuantity(l.quantity)} ${l.unit}`,
    formatUsd(l.usd),
  ]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ["item", "quantity / month", "USD / month"][i]!.length),
  );
  const out = [
    `${pad("item", widths[0]!)}  ${pad("quantity / month", widths[1]!, true)}  ${pad("USD / month", widths[2]!, true)}`,
    `${"-".repeat(widths[0]!)}  ${"-".repeat(widths[1]!)}  ${"-".repeat(widths[2]!)}`,
    ...rows.map(
      (r) => `${pad(r[0]!, widths[0]!)}  ${pad(r[1]!, widths[1]!, true)}  ${pad(r[2]!, widths[2]!, true)}`,
    ),
    `${pad("total", widths[0]!)}  ${pad("", widths[1]!)}  ${pad(formatUsd(estimate.totalUsd), widths[2]!, true)}`,
  ];
  return out;
}

const SOURCE_TITLES = {
  cloudwatch: "cloudwatch: WAF → CloudWatch Logs → subscription → Lambda → S3 → SQS → Cortex",
  s3: "s3: WAF → S3 (aws-waf-logs-* bucket, 5-minute files) → SQS → Cortex",
} as const;

/** The text report, one line per array element. */
export function formatReport(estimate: CostEstimate, context: ReportContext): string[] {
  const { inputs } = estimate;
  const origin = (name: string) => (context.origins[name] === undefined ? "" : ` (${context.origins[name]})`);
  const lifecycle = inputs.lifecycle;
  const tiers = [
    lifecycle.infrequentAccessDays === null ? undefined : `STANDARD_IA at ${lifecycle.infrequentAccessDays}`,
    lifecycle.glacierDays === null ? undefined : `GLACIER at ${lifecycle.glacierDays}`,
    lifecycle.deepArchiveDays === null ? undefined : `DEEP_ARCHIVE at ${lifecycle.deepArchiveDays}`,
    `expiration at ${lifecycle.expirationDays} days${origin("expirationDays")}`,
  ].filter((t) => t !== undefined);
  const out: string[] = [
    `Monthly cost estimate, USD — ${context.environment === undefined ? "stack defaults (no --env)" : `environment ${context.environment}`}`,
    REGION_NOTE,
    "",
    "Inputs",
    `  WAF logs             ${formatQuantity(inputs.gbPerDay)} GB/day raw (1 GB = 2^30 bytes)${origin("gbPerDay")}, ${formatQuantity(inputs.recordBytes)} bytes per record${origin("recordBytes")}`,
    `  web ACLs             ${inputs.webAcls}${origin("webAcls")}`,
    `  subscription batch   ${inputs.eventsPerBatch} log events${origin("eventsPerBatch")}`,
    `  WAF log group        ${inputs.logGroupRetentionDays} days retention${origin("logGroupRetentionDays")}`,
    `  lifecycle            ${tiers.join(", ")}; objects under 128 KB ${inputs.transitionSmallObjects ? "move to GLACIER/DEEP_ARCHIVE" : "stay in STANDARD"}`,
    `  processor            ${inputs.processor.memoryMb} MB ${inputs.processor.architecture}, logs kept ${inputs.processor.logRetentionDays} days`,
    `  alarms               cloudwatch ${inputs.alarms.cloudwatch}, s3 ${inputs.alarms.s3}`,
    `  encryption           ${inputs.encryption}${inputs.encryption === "kms" ? (inputs.kmsKeyCreated ? " (key created by the stack)" : " (your own key)") : ""}${origin("encryption")}`,
    `  WAF logging credit   ${inputs.wafLogCredit ? `${WAF_LOG_CREDIT.gbPerMillionRequests} GB per million logged records` : "off"}`,
    `  processor throughput ${ASSUMPTIONS.processorThroughput.value} MB/s, bench of ${ASSUMPTIONS.processorThroughput.date} (${ASSUMPTIONS.processorThroughput.source.split(",")[0]})`,
  ];
  for (const source of SOURCE_TYPES) {
    const estimate_ = estimate.sources[source];
    out.push(
      "",
      SOURCE_TITLES[source],
      `  ${formatQuantity(estimate_.objectsPerMonth)} objects a month, ${formatQuantity(estimate_.averageObjectBytes / 1024)} KB each on average (gzip)`,
      ...sourceTable(estimate_).map((row) => `  ${row}`),
      ...estimate_.notes.map((note) => `  note: ${note}`),
    );
  }
  const { cloudwatch, s3 } = estimate.sources;
  const cheaper = s3.totalUsd <= cloudwatch.totalUsd ? s3 : cloudwatch;
  const dearer = cheaper === s3 ? cloudwatch : s3;
  out.push(
    "",
    `Total: cloudwatch ${formatUsd(cloudwatch.totalUsd)}, s3 ${formatUsd(s3.totalUsd)} USD a month; ${cheaper.source} is ${formatUsd(dearer.totalUsd - cheaper.totalUsd)} cheaper.`,
    "Steady state: the archive holds every object until its expiration day. Free tiers are not deducted.",
    "Prices and their sources: commands/lib/cost-prices.ts; other figures: commands/lib/cost-assumptions.ts.",
  );
  return out;
}

/** The `--json` object: inputs, assumptions, prices and both estimates. */
export function reportJson(estimate: CostEstimate, context: ReportContext): Record<string, unknown> {
  const { cloudwatch, s3 } = estimate.sources;
  return {
    environment: context.environment ?? null,
    region: estimate.region,
    regionNote: REGION_NOTE,
    currency: "USD",
    period: "month",
    bytesPerGb: BYTES_PER_GB,
    inputs: estimate.inputs,
    origins: context.origins,
    sources: estimate.sources,
    cheaper: s3.totalUsd <= cloudwatch.totalUsd ? "s3" : "cloudwatch",
    differenceUsd: Math.abs(cloudwatch.totalUsd - s3.totalUsd),
    assumptions: ASSUMPTIONS,
    prices: PRICES,
    wafLogCredit: WAF_LOG_CREDIT,
  };
}
