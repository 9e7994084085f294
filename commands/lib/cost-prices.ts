/**
 * The one price table of `npm run cost`: every AWS price the cost model uses, in USD, for the
 * region `us-east-1` (US East, N. Virginia). Other regions differ (most are higher); the command
 * says so in its output.
 *
 * Each price names the AWS page it comes from (`source`), the day it was last checked against that
 * page or a copy of it (`checked`, YYYY-MM-DD), and where needed how it was read (`note`). To update
 * a price, change `usd` (or the tiers) and `checked` here; nothing else in the code holds a price.
 * Free tiers (Lambda's 1 million requests, SQS's 1 million requests, 10 alarms, 5 GB of logs, 100 GB
 * of data transfer) are account-wide and deliberately left out: the model prices gross usage.
 *
 * Units: "GB" is 2^30 bytes throughout the cost model; "TB" in a tier is 1024 GB.
 */

/** Region every price below is for. */
export const PRICE_REGION = "us-east-1";

/** A flat price: `usd` per `unit`. */
export interface Price {
  /** USD per unit. */
  readonly usd: number;
  /** What one unit is, e.g. "GB-month", "1,000 requests". */
  readonly unit: string;
  /** The AWS page the price is published on. */
  readonly source: string;
  /** Day (YYYY-MM-DD) the price was last checked against the source or a copy of it. */
  readonly checked: string;
  /** How the figure was read, when it needs saying. */
  readonly note?: string;
}

/** One tier of a volume-tiered per-GB price: the GB of the month up to `upToGb` cost `usdPerGb`. */
export interface PriceTier {
  /** Upper end of the tier in GB of monthly volume (cumulative); `null` for the last tier. */
  readonly upToGb: number | null;
  /** USD per GB in this tier. */
  readonly usdPerGb: number;
}

/** A volume-tiered per-GB price (the tier depends on the month's total volume). */
export interface TieredPrice {
  readonly tiers: readonly PriceTier[];
  readonly unit: "GB";
  readonly source: string;
  readonly checked: string;
  readonly note?: string;
}

const TB = 1024;

const CLOUDWATCH_PRICING = "https://aws.amazon.com/cloudwatch/pricing/";
const S3_PRICING = "https://aws.amazon.com/s3/pricing/";
const LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/";
const SQS_PRICING = "https://aws.amazon.com/sqs/pricing/";
const KMS_PRICING = "https://aws.amazon.com/kms/pricing/";
const WAF_PRICING = "https://aws.amazon.com/waf/pricing/";

const CHECKED = "2026-12-04";

/** Every price the cost model uses. */
export const PRICES = {
  /** Vended logs (AWS WAF, and Lambda function logs since May 2025) delivered to CloudWatch Logs, standard log class. */
  vendedLogsToCloudWatchLogs: {
    tiers: [
      { upToGb: 10 * TB, usdPerGb: 0.5 },
      { upToGb: 30 * TB, usdPerGb: 0.25 },
      { upToGb: 50 * TB, usdPerGb: 0.1 },
      { upToGb: null, usdPerGb: 0.05 },
    ],
    unit: "GB",
    source: CLOUDWATCH_PRICING,
    checked: CHECKED,
    note: "Logs tab, Vended Logs, Delivery to CloudWatch Logs: first 10 TB $0.50, next 20 TB $0.25, next 20 TB $0.10, over 50 TB $0.05 per GB of uncompressed log data; Lambda logs are priced as vended logs since 2025-05-01",
  },
  /** Vended logs (AWS WAF) delivered straight to Amazon S3. */
  vendedLogsToS3: {
    tiers: [
      { upToGb: 10 * TB, usdPerGb: 0.25 },
      { upToGb: 30 * TB, usdPerGb: 0.15 },
      { upToGb: 50 * TB, usdPerGb: 0.075 },
      { upToGb: null, usdPerGb: 0.05 },
    ],
    unit: "GB",
    source: CLOUDWATCH_PRICING,
    checked: CHECKED,
    note: "Logs tab, Vended Logs, Delivery to S3 (billed by CloudWatch, on the raw log size, in the web ACL's region; S3 request and storage charges come on top)",
  },
  /** CloudWatch Logs archived storage, per GB of compressed data. */
  cloudWatchLogsStorage: {
    usd: 0.03,
    unit: "GB-month (compressed)",
    source: CLOUDWATCH_PRICING,
    checked: CHECKED,
    note: "Logs tab, Store (Archival): $0.03 per GB compressed, at a 0.15 compression ratio for each uncompressed byte",
  },
  /** CloudWatch custom metrics (the processor's embedded-metric-format metrics). */
  cloudWatchCustomMetric: {
    usd: 0.3,
    unit: "metric-month",
    source: CLOUDWATCH_PRICING,
    checked: CHECKED,
    note: "Metrics tab, first 10,000 metrics",
  },
  /** CloudWatch alarm on one standard-resolution metric. */
  cloudWatchAlarm: {
    usd: 0.1,
    unit: "alarm-month",
    source: CLOUDWATCH_PRICING,
    checked: CHECKED,
    note: "Alarms tab, standard resolution (60 s), per alarm metric",
  },
  /** Lambda requests (invocations, plus the extra requests of large asynchronous payloads). */
  lambdaRequest: {
    usd: 0.2,
    unit: "1 million requests",
    source: LAMBDA_PRICING,
    checked: CHECKED,
  },
  /** Lambda duration on arm64 (Graviton). */
  lambdaDurationArm64: {
    usd: 0.0000133334,
    unit: "GB-second",
    source: LAMBDA_PRICING,
    checked: CHECKED,
    note: "Arm price, first 7.5 billion GB-seconds a month",
  },
  /** Lambda duration on x86_64. */
  lambdaDurationX86: {
    usd: 0.0000166667,
    unit: "GB-second",
    source: LAMBDA_PRICING,
    checked: CHECKED,
    note: "x86 price, first 6 billion GB-seconds a month",
  },
  /** S3 PUT, COPY, POST or LIST requests on S3 Standard. */
  s3Put: { usd: 0.005, unit: "1,000 requests", source: S3_PRICING, checked: CHECKED },
  /** S3 GET and all other requests on S3 Standard. */
  s3Get: { usd: 0.0004, unit: "1,000 requests", source: S3_PRICING, checked: CHECKED },
  /** S3 Standard storage. */
  s3Standard: {
    usd: 0.023,
    unit: "GB-month",
    source: S3_PRICING,
    checked: CHECKED,
    note: "first 50 TB a month",
  },
  /** S3 Standard-Infrequent Access storage. */
  s3StandardIa: { usd: 0.0125, unit: "GB-month", source: S3_PRICING, checked: CHECKED },
  /** S3 Glacier Flexible Retrieval storage (storage class GLACIER). */
  s3Glacier: { usd: 0.0036, unit: "GB-month", source: S3_PRICING, checked: CHECKED },
  /** S3 Glacier Deep Archive storage. */
  s3DeepArchive: { usd: 0.00099, unit: "GB-month", source: S3_PRICING, checked: CHECKED },
  /** Lifecycle transition requests into STANDARD_IA. */
  s3TransitionToStandardIa: { usd: 0.01, unit: "1,000 requests", source: S3_PRICING, checked: CHECKED },
  /** Lifecycle transition requests into GLACIER (Flexible Retrieval). */
  s3TransitionToGlacier: { usd: 0.03, unit: "1,000 requests", source: S3_PRICING, checked: CHECKED },
  /** Lifecycle transition requests into DEEP_ARCHIVE. */
  s3TransitionToDeepArchive: { usd: 0.05, unit: "1,000 requests", source: S3_PRICING, checked: CHECKED },
  /** S3 data transfer out to the internet (Cortex reads from outside AWS). */
  s3DataTransferOut: {
    tiers: [
      { upToGb: 10 * TB, usdPerGb: 0.09 },
      { upToGb: 50 * TB, usdPerGb: 0.085 },
      { upToGb: 150 * TB, usdPerGb: 0.07 },
      { upToGb: null, usdPerGb: 0.05 },
    ],
    unit: "GB",
    source: S3_PRICING,
    checked: CHECKED,
    note: "Data Transfer tab, out from Amazon S3 to the internet: first 10 TB $0.09, next 40 TB $0.085, next 100 TB $0.07, over 150 TB $0.05 per GB. Cortex XSIAM/XDR runs in Google Cloud ('your dedicated single-tenant log storage (a Google Cloud Storage bucket in Cortex XSIAM's GCP backend)', https://docs-cortex.paloaltonetworks.com/r/Cortex-XSIAM/Cortex-XSIAM-3.x-Documentation/Cortex-XSIAM-and-AWS-audit-log-collection-architecture), so its GetObject downloads leave AWS",
  },
  /** SQS standard queue requests (each 64 KB chunk of a payload is one request). */
  sqsRequest: {
    usd: 0.4,
    unit: "1 million requests",
    source: SQS_PRICING,
    checked: CHECKED,
    note: "standard queue; 'each 64 KB chunk of a payload is billed as 1 request'",
  },
  /** A customer-managed KMS key. */
  kmsKey: { usd: 1, unit: "key-month", source: KMS_PRICING, checked: CHECKED },
  /** KMS requests (GenerateDataKey, Decrypt). */
  kmsRequest: { usd: 0.03, unit: "10,000 requests", source: KMS_PRICING, checked: CHECKED },
} as const satisfies Record<string, Price | TieredPrice>;

/**
 * The AWS WAF logging credit: vended-log delivery included with WAF requests, deducted from the
 * month's vended-log volume before the tiers apply (to CloudWatch Logs or S3 alike).
 */
export const WAF_LOG_CREDIT = {
  /** GB of vended-log delivery credited per 1 million WAF requests. */
  gbPerMillionRequests: 0.5,
  source: WAF_PRICING,
  checked: CHECKED,
  note: "AWS security services best-practices guide, WAF cost page: 'AWS WAF provides a credit covering 500 MB Vended Log Ingestion per 1 million WAF requests' (https://aws.github.io/aws-security-services-best-practices/guides/waf/waf-cost/docs/)",
} as const;

/** The name of a price in {@link PRICES}. */
export type PriceName = keyof typeof PRICES;

/**
 * The USD a month's volume of `gb` costs under a tiered price: each GB is charged at the rate of the
 * tier it falls into, the tiers filling in order.
 *
 * @param gb the month's volume in GB (≥ 0)
 * @throws RangeError when `gb` is negative or not finite
 */
export function tieredUsd(price: TieredPrice, gb: number): number {
  if (!Number.isFinite(gb) || gb < 0) throw new RangeError(`tieredUsd: gb must be ≥ 0, got ${gb}`);
  let usd = 0;
  let lower = 0;
  for (const tier of price.tiers) {
    const upper = tier.upToGb ?? Infinity;
    if (gb <= lower) break;
    usd += (Math.min(gb, upper) - lower) * tier.usdPerGb;
    lower = upper;
  }
  return usd;
}
