/**
 * The cost model of `npm run cost`: the monthly AWS cost of one environment for each source type,
 * as pure functions of a few inputs. Prices come from `cost-prices.ts`, every other figure from
 * `cost-assumptions.ts`; this module only does the arithmetic, which the tests pin on worked examples.
 *
 * - `cloudwatch` (today's path): WAF → CloudWatch Logs (vended-log delivery, log group storage) →
 *   subscription filter → Lambda processor (requests, duration, its own logs and metrics) → one gzip
 *   object per subscription batch in S3 → S3 event notification → SQS → Cortex (GetObject).
 * - `s3`: WAF → S3 bucket `aws-waf-logs-*` (vended-log delivery to S3, one gzip file per web ACL
 *   every 5 minutes) → S3 event notification → SQS → Cortex. No Lambda, no log group.
 *
 * Both share the archive: S3 storage per lifecycle tier, transitions, Cortex's GetObject requests
 * and data transfer out, the notification queue's requests, alarms and KMS.
 *
 * Units: bytes; "GB" is 2^30 bytes; a month is 365/12 days; costs in USD per month at steady state
 * (the archive full, i.e. after the lifecycle's expiration day).
 */
import {
  ASSUMPTIONS,
  DECODED_PAYLOAD_CURVE,
  OBJECT_COMPRESSION_CURVE,
  PAYLOAD_SIZE_CURVE,
} from "./cost-assumptions";
import { type Price, PRICES, tieredUsd, type TieredPrice, WAF_LOG_CREDIT } from "./cost-prices";
import { DATA_KEY_REUSE_PERIOD_SECONDS } from "../../src/constructs/pipeline-key";
import { EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH } from "./subscription-event";

/** Days in the average month. */
export const DAYS_PER_MONTH = 365 / 12;

/** Hours in the average month. */
export const HOURS_PER_MONTH = DAYS_PER_MONTH * 24;

/** Bytes in the model's GB. */
export const BYTES_PER_GB = 2 ** 30;

const KIB = 1024;

/**
 * Lambda bills an asynchronous invocation as one request for the first 256 KB of payload and one
 * more request for each further 64 KB chunk (payloads up to 1 MB), as AWS announced with the 1 MB
 * limit in October 2025 ("AWS Lambda increases maximum payload size from 256 KB to 1 MB for
 * asynchronous invocations", https://aws.amazon.com/about-aws/whats-new/2025/10/aws-lambda-payload-size-256-kb-1-mb-invocations/;
 * the 1 MB limit itself: https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html). The billing
 * sentence could not be checked against a stored copy of that page or of the Lambda pricing page
 * when this was written; the model reads KB as 1,024 bytes. WAF subscription events rarely come
 * near it: a full 1 MB batch of the bench's records is about 162 KB as a Lambda payload.
 */
export const ASYNC_PAYLOAD_BILLING = { includedBytes: 256 * KIB, chunkBytes: 64 * KIB } as const;

/** SQS bills each 64 KB chunk of a request's payload as one request (https://aws.amazon.com/sqs/pricing/). */
export const SQS_CHUNK_BYTES = 64 * KIB;

/**
 * S3 storage-class rules the storage model applies
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html,
 * https://aws.amazon.com/s3/pricing/):
 * - STANDARD_IA bills at least 128 KB per object and at least 30 days (the size minimum never applies
 *   to lifecycle transitions: S3 moves no object under 128 KB into STANDARD_IA under either setting
 *   below, so the objects the lifecycle puts there are already at least 128 KB);
 * - GLACIER (Flexible Retrieval) and DEEP_ARCHIVE add 32 KB per object billed at their own rate and
 *   8 KB billed at the STANDARD rate, and bill at least 90 and 180 days;
 * - with the bucket's `transition_default_minimum_object_size = all_storage_classes_128K` (what the
 *   stack sets), objects under 128 KB transition to no class; with `varies_by_storage_class` they
 *   still skip STANDARD_IA but move to GLACIER and DEEP_ARCHIVE.
 */
export const S3_STORAGE_RULES = {
  archiveOverheadOwnClassBytes: 32 * KIB,
  archiveOverheadStandardBytes: 8 * KIB,
  smallObjectBytes: 128 * KIB,
  minimumDays: { STANDARD: 0, STANDARD_IA: 30, GLACIER: 90, DEEP_ARCHIVE: 180 },
} as const;

/** An S3 storage class the lifecycle uses. */
export type StorageClass = keyof typeof S3_STORAGE_RULES.minimumDays;

/** The source types an environment can use. */
export const SOURCE_TYPES = ["cloudwatch", "s3"] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** Lifecycle of the archived objects, in days after creation; `null` skips a tier. */
export interface CostLifecycle {
  readonly infrequentAccessDays: number | null;
  readonly glacierDays: number | null;
  readonly deepArchiveDays: number | null;
  /** Days until objects are deleted: the horizon of the steady state (required here). */
  readonly expirationDays: number;
}

/** Everything the model needs to price one environment. */
export interface CostInputs {
  /** Raw (uncompressed) WAF log volume per day, in GB (2^30 bytes), as CloudWatch Logs counts IncomingBytes. */
  readonly gbPerDay: number;
  /** Web ACLs logging into the environment (the s3 source writes one file per web ACL per 5 minutes). */
  readonly webAcls: number;
  /** Average log events per CloudWatch Logs subscription batch (= per processor invocation). */
  readonly eventsPerBatch: number;
  /** Average bytes of one WAF record. */
  readonly recordBytes: number;
  /** Retention of the WAF log group in days (cloudwatch source only). */
  readonly logGroupRetentionDays: number;
  /** Storage-class transitions and expiration of the archived objects. */
  readonly lifecycle: CostLifecycle;
  /** Whether objects under 128 KB move to GLACIER and DEEP_ARCHIVE (`varies_by_storage_class`); the stack's default is no. */
  readonly transitionSmallObjects: boolean;
  /** CloudWatch alarm metrics each source type has (an alarm on metric math counts each metric). */
  readonly alarms: Readonly<Record<SourceType, number>>;
  /** Encryption at rest: SSE-S3/SSE-SQS, or a customer-managed KMS key. */
  readonly encryption: "sse" | "kms";
  /** With `kms`: whether the stack creates the key (billed here) rather than using an existing one. */
  readonly kmsKeyCreated: boolean;
  /** Processor function settings (cloudwatch source). */
  readonly processor: {
    readonly memoryMb: number;
    readonly architecture: "arm64" | "x86_64";
    /** Retention of the function's own log group, in days. */
    readonly logRetentionDays: number;
  };
  /** Whether to deduct AWS WAF's vended-log credit (500 MB per million WAF requests, counted as logged records). */
  readonly wafLogCredit: boolean;
}

/** One line of an estimate. */
export interface CostLine {
  /** Stable identifier, e.g. `lambda-duration`. */
  readonly id: string;
  /** What is paid for. */
  readonly item: string;
  /** Monthly quantity in `unit`. */
  readonly quantity: number;
  /** Unit of `quantity`, e.g. "GB", "requests", "GB-month". */
  readonly unit: string;
  /** USD per month (negative for a credit). */
  readonly usd: number;
  /** How it was computed, when not obvious from quantity × price. */
  readonly note?: string;
}

/** The estimate for one source type. */
export interface SourceEstimate {
  readonly source: SourceType;
  readonly lines: readonly CostLine[];
  /** Sum of the lines, USD per month. */
  readonly totalUsd: number;
  /** Objects written to the archive per month (processor objects or WAF files). */
  readonly objectsPerMonth: number;
  /** Average stored (gzip) size of one object, bytes. */
  readonly averageObjectBytes: number;
  /** Things the reader should know about this estimate (caps applied, limits crossed). */
  readonly notes: readonly string[];
}

/** The estimate for every source type. */
export interface CostEstimate {
  readonly region: string;
  readonly inputs: CostInputs;
  readonly sources: Readonly<Record<SourceType, SourceEstimate>>;
}

/**
 * Interpolates a measured curve of `[rawBytes, ratio]` points (ascending) at `rawBytes`, linearly in
 * log(raw bytes); below the first and above the last point the end values hold.
 *
 * @throws RangeError when `rawBytes` is not a positive number
 */
export function curveRatio(curve: readonly (readonly [number, number])[], rawBytes: number): number {
  if (!(rawBytes > 0) || !Number.isFinite(rawBytes)) {
    throw new RangeError(`curveRatio: rawBytes must be a positive number, got ${rawBytes}`);
  }
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === undefined || last === undefined) throw new RangeError("curveRatio: empty curve");
  if (rawBytes <= first[0]) return first[1];
  if (rawBytes >= last[0]) return last[1];
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i]!;
    const [x0, y0] = curve[i - 1]!;
    if (rawBytes <= x1) {
      const t = (Math.log(rawBytes) - Math.log(x0)) / (Math.log(x1) - Math.log(x0));
      return y0 + t * (y1 - y0);
    }
  }
  return last[1];
}

/** Extra Lambda requests one asynchronous invocation with a payload of `payloadBytes` is billed. */
export function extraAsyncRequests(payloadBytes: number): number {
  const over = payloadBytes - ASYNC_PAYLOAD_BILLING.includedBytes;
  return over > 0 ? Math.ceil(over / ASYNC_PAYLOAD_BILLING.chunkBytes) : 0;
}

/** Most log events one subscription batch can hold for records of `recordBytes` (1 MB and 10,000-event limits). */
export function maxEventsPerBatch(recordBytes: number): number {
  return Math.max(
    1,
    Math.min(MAX_EVENTS_PER_BATCH, Math.floor(MAX_BATCH_BYTES / (recordBytes + EVENT_OVERHEAD_BYTES))),
  );
}

const perUnit = (price: Price, per: number) => price.usd / per;

function line(
  id: string,
  item: string,
  quantity: number,
  unit: string,
  usd: number,
  note?: string,
): CostLine {
  return { id, item, quantity, unit, usd, ...(note === undefined ? {} : { note }) };
}

/** Monthly volume in GB of `bytesPerDay`. */
const gbPerMonth = (bytesPerDay: number) => (bytesPerDay * DAYS_PER_MONTH) / BYTES_PER_GB;

/**
 * The vended-log delivery lines of a month's WAF volume: the delivery itself and, when enabled, the
 * WAF credit as a negative line (the credit comes off the volume before the tiers apply).
 *
 * @returns the lines, and the billable GB after the credit (the base for further tiered volume)
 */
function deliveryLines(
  price: TieredPrice,
  idPrefix: string,
  item: string,
  wafGb: number,
  creditGb: number,
): { lines: CostLine[]; billableGb: number } {
  const billableGb = Math.max(0, wafGb - creditGb);
  const lines = [line(`${idPrefix}-delivery`, item, wafGb, "GB", tieredUsd(price, wafGb))];
  if (creditGb > 0) {
    lines.push(
      line(
        `${idPrefix}-waf-credit`,
        "AWS WAF logging credit (500 MB per million requests)",
        -Math.min(creditGb, wafGb),
        "GB",
        tieredUsd(price, billableGb) - tieredUsd(price, wafGb),
        "counted on logged records; WAF counts every inspected request, so the real credit is at least this",
      ),
    );
  }
  return { lines, billableGb };
}

/** Days an object spends in each storage class, in lifecycle order. */
function storagePeriods(
  lifecycle: CostLifecycle,
  objectBytes: number,
  transitionSmallObjects: boolean,
): { storageClass: StorageClass; days: number }[] {
  const small = objectBytes < S3_STORAGE_RULES.smallObjectBytes;
  const starts: { storageClass: StorageClass; day: number }[] = [{ storageClass: "STANDARD", day: 0 }];
  const add = (storageClass: StorageClass, day: number | null) => {
    if (day !== null && day < lifecycle.expirationDays) starts.push({ storageClass, day });
  };
  if (!small) add("STANDARD_IA", lifecycle.infrequentAccessDays);
  if (!small || transitionSmallObjects) {
    add("GLACIER", lifecycle.glacierDays);
    add("DEEP_ARCHIVE", lifecycle.deepArchiveDays);
  }
  return starts.map((start, index) => ({
    storageClass: start.storageClass,
    days: (starts[index + 1]?.day ?? lifecycle.expirationDays) - start.day,
  }));
}

const STORAGE_PRICE: Record<StorageClass, Price> = {
  STANDARD: PRICES.s3Standard,
  STANDARD_IA: PRICES.s3StandardIa,
  GLACIER: PRICES.s3Glacier,
  DEEP_ARCHIVE: PRICES.s3DeepArchive,
};

const TRANSITION_PRICE: Partial<Record<StorageClass, Price>> = {
  STANDARD_IA: PRICES.s3TransitionToStandardIa,
  GLACIER: PRICES.s3TransitionToGlacier,
  DEEP_ARCHIVE: PRICES.s3TransitionToDeepArchive,
};

/**
 * S3 storage per lifecycle tier and the transition requests, at steady state: each tier holds
 * `objectsPerDay` objects for each day they stay in it, billed for at least the class's minimum
 * duration, at the class's billable size (the STANDARD_IA minimum, the archive classes' per-object
 * overhead).
 */
export function storageLines(
  objectsPerDay: number,
  objectBytes: number,
  lifecycle: CostLifecycle,
  transitionSmallObjects: boolean,
): CostLine[] {
  const lines: CostLine[] = [];
  for (const { storageClass, days } of storagePeriods(lifecycle, objectBytes, transitionSmallObjects)) {
    const billedDays = Math.max(days, S3_STORAGE_RULES.minimumDays[storageClass]);
    const minimumNote =
      billedDays > days
        ? `objects stay ${days} days, billed the ${billedDays}-day minimum of ${storageClass}`
        : undefined;
    if (storageClass === "GLACIER" || storageClass === "DEEP_ARCHIVE") {
      const ownGbMonths =
        (objectsPerDay * (objectBytes + S3_STORAGE_RULES.archiveOverheadOwnClassBytes) * billedDays) /
        BYTES_PER_GB;
      const standardGbMonths =
        (objectsPerDay * S3_STORAGE_RULES.archiveOverheadStandardBytes * billedDays) / BYTES_PER_GB;
      lines.push(
        line(
          `s3-storage-${storageClass.toLowerCase()}`,
          `S3 storage ${storageClass} (+32 KB per object)`,
          ownGbMonths,
          "GB-month",
          ownGbMonths * STORAGE_PRICE[storageClass].usd,
          minimumNote,
        ),
        line(
          `s3-storage-${storageClass.toLowerCase()}-overhead`,
          `S3 storage STANDARD, 8 KB per ${storageClass} object`,
          standardGbMonths,
          "GB-month",
          standardGbMonths * PRICES.s3Standard.usd,
        ),
      );
    } else {
      // STANDARD_IA's 128 KB minimum billable size never bites here: the lifecycle moves only objects
      // of at least 128 KB into STANDARD_IA (see S3_STORAGE_RULES).
      const gbMonths = (objectsPerDay * objectBytes * billedDays) / BYTES_PER_GB;
      lines.push(
        line(
          `s3-storage-${storageClass.toLowerCase()}`,
          `S3 storage ${storageClass}`,
          gbMonths,
          "GB-month",
          gbMonths * STORAGE_PRICE[storageClass].usd,
          minimumNote,
        ),
      );
    }
    const transition = TRANSITION_PRICE[storageClass];
    if (transition !== undefined) {
      const requests = objectsPerDay * DAYS_PER_MONTH;
      lines.push(
        line(
          `s3-transition-${storageClass.toLowerCase()}`,
          `S3 lifecycle transitions into ${storageClass}`,
          requests,
          "requests",
          requests * perUnit(transition, 1000),
        ),
      );
    }
  }
  return lines;
}

/** The lines both source types share: the PUT of each object into the archive bucket (`putItem`) and all that follows. */
function archiveLines(
  inputs: CostInputs,
  source: SourceType,
  objectsPerDay: number,
  objectBytes: number,
  putItem: string,
): CostLine[] {
  const objectsPerMonth = objectsPerDay * DAYS_PER_MONTH;
  const messageChunks = Math.ceil(ASSUMPTIONS.s3EventMessageBytes.value / SQS_CHUNK_BYTES);
  const sends = objectsPerMonth * messageChunks;
  const receives =
    objectsPerMonth / ASSUMPTIONS.messagesPerReceive.value + ASSUMPTIONS.emptyReceivesPerMonth.value;
  const deletes = objectsPerMonth;
  const visibilityChanges = objectsPerMonth * ASSUMPTIONS.visibilityChangesPerMessage.value;
  const sqsRequests = sends + receives + deletes + visibilityChanges;
  const transferGb = (objectsPerMonth * objectBytes) / BYTES_PER_GB;
  const lines: CostLine[] = [
    line("s3-put", putItem, objectsPerMonth, "requests", objectsPerMonth * perUnit(PRICES.s3Put, 1000)),
    line(
      "s3-get",
      "S3 GetObject (Cortex reads each object)",
      objectsPerMonth,
      "requests",
      objectsPerMonth * perUnit(PRICES.s3Get, 1000),
    ),
    line(
      "sqs-requests",
      "SQS requests (S3 SendMessage, Cortex Receive/Delete/ChangeVisibility, idle polls)",
      sqsRequests,
      "requests",
      sqsRequests * perUnit(PRICES.sqsRequest, 1e6),
      `${Math.round(sends)} sends, ${Math.round(receives)} receives (${ASSUMPTIONS.emptyReceivesPerMonth.value} of them empty), ${Math.round(deletes)} deletes, ${Math.round(visibilityChanges)} visibility changes; one 64 KB chunk each`,
    ),
    line(
      "s3-transfer-out",
      "S3 data transfer out to Cortex (internet)",
      transferGb,
      "GB",
      tieredUsd(PRICES.s3DataTransferOut, transferGb),
      "Cortex reads from outside AWS, so the bucket owner pays data transfer out",
    ),
    ...storageLines(objectsPerDay, objectBytes, inputs.lifecycle, inputs.transitionSmallObjects),
    line(
      "cloudwatch-alarms",
      "CloudWatch alarms",
      inputs.alarms[source],
      "alarm metrics",
      inputs.alarms[source] * PRICES.cloudWatchAlarm.usd,
    ),
  ];
  if (inputs.encryption === "kms") {
    const perObject = 1 - ASSUMPTIONS.bucketKeyKmsSaving.value;
    // Writer and reader each ask KMS for the queue's data key once per reuse period.
    const queueRequests = 2 * ((HOURS_PER_MONTH * 3600) / DATA_KEY_REUSE_PERIOD_SECONDS);
    const kmsRequests = 2 * objectsPerMonth * perObject + queueRequests;
    lines.push(
      line(
        "kms-requests",
        "KMS requests (S3 Bucket Key on PUT and GET, queue data keys)",
        kmsRequests,
        "requests",
        kmsRequests * perUnit(PRICES.kmsRequest, 10_000),
      ),
    );
    if (inputs.kmsKeyCreated)
      lines.push(line("kms-key", "KMS customer-managed key", 1, "keys", PRICES.kmsKey.usd));
  }
  return lines;
}

/** The note for objects the lifecycle leaves in STANDARD because they are under 128 KB, if they are. */
function smallObjectNotes(inputs: CostInputs, objectBytes: number, what: string): string[] {
  if (objectBytes >= S3_STORAGE_RULES.smallObjectBytes || inputs.transitionSmallObjects) return [];
  return [
    `${what} average ${Math.round(objectBytes)} bytes (< 128 KB): S3 lifecycle moves none of them out of STANDARD (transition_default_minimum_object_size all_storage_classes_128K)`,
  ];
}

const total = (lines: readonly CostLine[]) => lines.reduce((sum, l) => sum + l.usd, 0);

/** The WAF credit in GB per month for the logged records of `recordsPerDay`. */
function creditGb(inputs: CostInputs, recordsPerDay: number): number {
  return inputs.wafLogCredit
    ? ((recordsPerDay * DAYS_PER_MONTH) / 1e6) * WAF_LOG_CREDIT.gbPerMillionRequests
    : 0;
}

/**
 * Today's path: WAF → CloudWatch Logs → subscription filter → Lambda → S3 → SQS → Cortex.
 * Batches are capped at what one subscription delivery can hold (1,048,576 bytes counting 26 bytes
 * per log event, 10,000 log events).
 */
export function estimateCloudWatchSource(inputs: CostInputs): SourceEstimate {
  const notes: string[] = [];
  const rawBytesPerDay = inputs.gbPerDay * BYTES_PER_GB;
  const recordsPerDay = rawBytesPerDay / inputs.recordBytes;
  const cap = maxEventsPerBatch(inputs.recordBytes);
  const eventsPerBatch = Math.min(inputs.eventsPerBatch, cap);
  if (eventsPerBatch < inputs.eventsPerBatch) {
    notes.push(
      `${inputs.eventsPerBatch} log events per batch do not fit one subscription delivery (1 MB); priced at the ${cap} that fit`,
    );
  }
  const batchRawBytes = eventsPerBatch * inputs.recordBytes;
  const invocationsPerDay = recordsPerDay / eventsPerBatch;
  const invocationsPerMonth = invocationsPerDay * DAYS_PER_MONTH;
  const payloadBytes = curveRatio(PAYLOAD_SIZE_CURVE.value, batchRawBytes) * batchRawBytes;
  const extraPerInvocation = extraAsyncRequests(payloadBytes);
  const decodedBytes = curveRatio(DECODED_PAYLOAD_CURVE.value, batchRawBytes) * batchRawBytes;
  const objectBytes = curveRatio(OBJECT_COMPRESSION_CURVE.value, batchRawBytes) * batchRawBytes;

  const { memoryMb, architecture, logRetentionDays } = inputs.processor;
  const cpuShare = Math.min(1, memoryMb / ASSUMPTIONS.lambdaMemoryPerVcpu.value);
  const seconds =
    ASSUMPTIONS.invocationOverheadMs.value / 1000 +
    decodedBytes / (ASSUMPTIONS.processorThroughput.value * 1e6 * cpuShare);
  const billedMs = Math.ceil(seconds * 1000);
  const gbSeconds = invocationsPerMonth * (billedMs / 1000) * (memoryMb / 1024);
  const durationPrice = architecture === "arm64" ? PRICES.lambdaDurationArm64 : PRICES.lambdaDurationX86;
  const lambdaRequests = invocationsPerMonth * (1 + extraPerInvocation);

  const wafGb = gbPerMonth(rawBytesPerDay);
  const processorLogBytesPerDay = invocationsPerDay * ASSUMPTIONS.processorLogBytesPerInvocation.value;
  const processorLogGb = gbPerMonth(processorLogBytesPerDay);
  const delivery = deliveryLines(
    PRICES.vendedLogsToCloudWatchLogs,
    "cloudwatch-logs",
    "CloudWatch Logs: WAF log delivery (vended logs)",
    wafGb,
    creditGb(inputs, recordsPerDay),
  );
  const vended = PRICES.vendedLogsToCloudWatchLogs;
  const storedRatio = 0.15;
  const wafStoredGb = (rawBytesPerDay * inputs.logGroupRetentionDays * storedRatio) / BYTES_PER_GB;
  const processorStoredGb = (processorLogBytesPerDay * logRetentionDays * storedRatio) / BYTES_PER_GB;
  const metrics = ASSUMPTIONS.processorCustomMetrics.value;

  const lines: CostLine[] = [
    ...delivery.lines,
    line(
      "cloudwatch-logs-storage",
      `CloudWatch Logs storage, WAF log group (${inputs.logGroupRetentionDays} days)`,
      wafStoredGb,
      "GB-month",
      wafStoredGb * PRICES.cloudWatchLogsStorage.usd,
      "raw bytes × retention days × 0.15 (CloudWatch's compression ratio)",
    ),
    line(
      "lambda-requests",
      "Lambda requests (asynchronous invocations)",
      lambdaRequests,
      "requests",
      lambdaRequests * perUnit(PRICES.lambdaRequest, 1e6),
      `payload ${Math.round(payloadBytes)} bytes per invocation: ${extraPerInvocation} extra request(s) per invocation above 256 KB`,
    ),
    line(
      "lambda-duration",
      `Lambda duration (${architecture}, ${memoryMb} MB)`,
      gbSeconds,
      "GB-seconds",
      gbSeconds * durationPrice.usd,
      `${billedMs} ms billed per invocation: ${ASSUMPTIONS.invocationOverheadMs.value} ms overhead + ${Math.round(decodedBytes)} decoded bytes at ${ASSUMPTIONS.processorThroughput.value} MB/s × ${cpuShare.toFixed(3)} vCPU`,
    ),
    line(
      "processor-log-delivery",
      "CloudWatch Logs: processor's own log lines",
      processorLogGb,
      "GB",
      tieredUsd(vended, delivery.billableGb + processorLogGb) - tieredUsd(vended, delivery.billableGb),
      `${ASSUMPTIONS.processorLogBytesPerInvocation.value} bytes per invocation, priced in the same vended-log tiers as the WAF logs`,
    ),
    line(
      "processor-log-storage",
      `CloudWatch Logs storage, processor log group (${logRetentionDays} days)`,
      processorStoredGb,
      "GB-month",
      processorStoredGb * PRICES.cloudWatchLogsStorage.usd,
    ),
    line(
      "processor-metrics",
      "CloudWatch custom metrics (processor)",
      metrics,
      "metrics",
      metrics * PRICES.cloudWatchCustomMetric.usd,
    ),
    ...archiveLines(
      inputs,
      "cloudwatch",
      invocationsPerDay,
      objectBytes,
      "S3 PutObject (processor, one object per batch)",
    ),
  ];
  notes.push(...smallObjectNotes(inputs, objectBytes, "objects"));
  return {
    source: "cloudwatch",
    lines,
    totalUsd: total(lines),
    objectsPerMonth: invocationsPerMonth,
    averageObjectBytes: objectBytes,
    notes,
  };
}

/**
 * WAF straight to S3: one gzip file per web ACL per 5-minute interval with traffic (split at WAF's
 * 75 MB file limit), traffic spread evenly over the web ACLs and over the day. An interval with
 * few records writes a file only if it has any: expected files per interval 1 − e^(−records).
 */
export function estimateS3Source(inputs: CostInputs): SourceEstimate {
  const notes: string[] = [];
  const rawBytesPerDay = inputs.gbPerDay * BYTES_PER_GB;
  const recordsPerDay = rawBytesPerDay / inputs.recordBytes;
  const intervalsPerDay = (24 * 60) / ASSUMPTIONS.wafS3FileIntervalMinutes.value;
  const rawPerInterval = rawBytesPerDay / inputs.webAcls / intervalsPerDay;
  const recordsPerInterval = rawPerInterval / inputs.recordBytes;
  const maxFile = ASSUMPTIONS.wafS3MaxFileBytes.value;
  const compressedPerInterval = curveRatio(OBJECT_COMPRESSION_CURVE.value, rawPerInterval) * rawPerInterval;
  let filesPerInterval: number;
  let rawPerFile: number;
  if (compressedPerInterval > maxFile) {
    filesPerInterval = Math.ceil(compressedPerInterval / maxFile);
    rawPerFile = rawPerInterval / filesPerInterval;
    notes.push(`WAF splits each 5-minute interval into ${filesPerInterval} files (75 MB limit)`);
  } else {
    filesPerInterval = 1 - Math.exp(-recordsPerInterval);
    rawPerFile = rawPerInterval / filesPerInterval;
  }
  const filesPerDay = inputs.webAcls * intervalsPerDay * filesPerInterval;
  const fileBytes = curveRatio(OBJECT_COMPRESSION_CURVE.value, rawPerFile) * rawPerFile;
  if (fileBytes > ASSUMPTIONS.cortexRecommendedMaxFileBytes.value) {
    notes.push(
      `WAF files average ${(fileBytes / 2 ** 20).toFixed(1)} MB, above the 50 MB (compressed) Cortex recommends`,
    );
  }
  const filesPerMonth = filesPerDay * DAYS_PER_MONTH;
  const delivery = deliveryLines(
    PRICES.vendedLogsToS3,
    "s3",
    "S3: WAF log delivery (vended logs)",
    gbPerMonth(rawBytesPerDay),
    creditGb(inputs, recordsPerDay),
  );
  const lines: CostLine[] = [
    ...delivery.lines,
    ...archiveLines(inputs, "s3", filesPerDay, fileBytes, "S3 PUT (WAF log delivery, one per file)"),
  ];
  notes.push(...smallObjectNotes(inputs, fileBytes, "WAF files"));
  return {
    source: "s3",
    lines,
    totalUsd: total(lines),
    objectsPerMonth: filesPerMonth,
    averageObjectBytes: fileBytes,
    notes,
  };
}

/**
 * Both estimates for `inputs`.
 *
 * @throws RangeError naming the input when one is out of range (see {@link costInputsProblems})
 */
export function estimateCosts(inputs: CostInputs): CostEstimate {
  const problems = costInputsProblems(inputs);
  if (problems.length > 0) throw new RangeError(`Invalid cost inputs: ${problems.join("; ")}`);
  return {
    region: "us-east-1",
    inputs,
    sources: { cloudwatch: estimateCloudWatchSource(inputs), s3: estimateS3Source(inputs) },
  };
}

/** What is wrong with `inputs`, one message per field; empty when they can be priced. */
export function costInputsProblems(inputs: CostInputs): string[] {
  const problems: string[] = [];
  const positive = (name: string, value: number) => {
    if (!(value > 0) || !Number.isFinite(value)) problems.push(`${name} must be a number > 0, got ${value}`);
  };
  const whole = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min)
      problems.push(`${name} must be a whole number ≥ ${min}, got ${value}`);
  };
  positive("gbPerDay", inputs.gbPerDay);
  whole("webAcls", inputs.webAcls, 1);
  whole("eventsPerBatch", inputs.eventsPerBatch, 1);
  whole("recordBytes", inputs.recordBytes, 1);
  whole("logGroupRetentionDays", inputs.logGroupRetentionDays, 1);
  whole("lifecycle.expirationDays", inputs.lifecycle.expirationDays, 1);
  whole("processor.memoryMb", inputs.processor.memoryMb, 128);
  whole("processor.logRetentionDays", inputs.processor.logRetentionDays, 1);
  for (const source of SOURCE_TYPES) whole(`alarms.${source}`, inputs.alarms[source], 0);
  return problems;
}
