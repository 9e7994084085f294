/**
 * The assumptions table of `npm run cost`: every figure the cost model uses that is not a price —
 * measured on this project's bench workload, or taken from AWS's documents, or estimated where
 * nothing could be measured here. Each has its value, unit, date and source, so it is easy to update
 * (the bench figure in particular: re-run `npm run bench -- --runs 9` and copy the processor MB/s and
 * the date from docs/replay-bench.md).
 */

/** One assumption: a value with its unit, date and source. */
export interface Assumption<T = number> {
  readonly value: T;
  readonly unit: string;
  /** Day (YYYY-MM-DD) the figure was measured or read. */
  readonly date: string;
  /** Where it comes from: a document URL, a file of this repository, or "estimate". */
  readonly source: string;
  /** What the figure means and its limits. */
  readonly note: string;
}

/**
 * Compressed size ÷ raw size of a gzip JSON Lines object, by the raw bytes in the object: small
 * objects compress worse (gzip has less history to match against). Measured on the bench workload
 * (12,000 generated WAF records, seed 1, 1,838 bytes on average), gzip level 6, 2026-12-04: batches
 * of 1, 2, 5, 10, 20, 50, 100, 250 and 500 records, and all 12,000 records in one file. The model
 * interpolates linearly in log(raw bytes) and holds the end values beyond the ends.
 */
export const OBJECT_COMPRESSION_CURVE: Assumption<readonly (readonly [rawBytes: number, ratio: number])[]> = {
  value: [
    [1_838, 0.5322],
    [3_676, 0.4053],
    [9_190, 0.282],
    [18_380, 0.213],
    [36_760, 0.164],
    [91_900, 0.1295],
    [183_800, 0.1177],
    [459_500, 0.1101],
    [919_000, 0.1076],
    [22_056_967, 0.1052],
  ],
  unit: "compressed bytes ÷ raw bytes, by raw bytes per object",
  date: "2026-12-04",
  source: "bench workload (commands/lib/waf-records.ts, seed 1), measured with node:zlib gzip level 6",
  note: "generated records; real WAF records with repetitive headers may compress better. WAF's own 5-minute files are assumed to compress like the 12,000-record file",
};

/**
 * Size of a subscription event as Lambda receives it, `{"awslogs":{"data": base64(gzip(JSON))}}`,
 * ÷ the raw bytes of its log events' messages, by raw bytes per batch. Measured like
 * {@link OBJECT_COMPRESSION_CURVE} with `encodeSubscriptionEvent` (commands/lib/subscription-event.ts).
 */
export const PAYLOAD_SIZE_CURVE: Assumption<readonly (readonly [rawBytes: number, ratio: number])[]> = {
  value: [
    [1_838, 0.8205],
    [3_676, 0.6035],
    [9_190, 0.4094],
    [18_380, 0.3073],
    [36_760, 0.238],
    [91_900, 0.1913],
    [183_800, 0.1756],
    [459_500, 0.1654],
    [919_000, 0.1621],
  ],
  unit: "event bytes ÷ raw message bytes, by raw bytes per batch",
  date: "2026-12-04",
  source: "bench workload (seed 1), encodeSubscriptionEvent",
  note: "base64 of the gzip of the JSON payload (envelope, ids, timestamps and escaped messages)",
};

/**
 * Decoded payload bytes (the gunzipped JSON of `awslogs.data`, what bench's throughput counts) ÷ raw
 * message bytes, by raw bytes per batch. Measured like {@link PAYLOAD_SIZE_CURVE}.
 */
export const DECODED_PAYLOAD_CURVE: Assumption<readonly (readonly [rawBytes: number, ratio: number])[]> = {
  value: [
    [1_838, 1.2689],
    [3_676, 1.2205],
    [9_190, 1.1914],
    [18_380, 1.1817],
    [36_760, 1.1769],
    [91_900, 1.174],
    [183_800, 1.173],
    [459_500, 1.1724],
    [919_000, 1.1722],
  ],
  unit: "decoded payload bytes ÷ raw message bytes, by raw bytes per batch",
  date: "2026-12-04",
  source: "bench workload (seed 1), JSON.stringify of the packed payloads",
  note: "JSON escaping of the messages plus the per-event id and timestamp and the payload envelope",
};

/** Everything else the model assumes. */
export const ASSUMPTIONS = {
  /** The processor's measured throughput, decoded payload bytes per second on one CPU. */
  processorThroughput: {
    value: 56.2,
    unit: "MB/s (10^6 bytes) of decoded payload, one CPU",
    date: "2026-11-29",
    source: "docs/replay-bench.md, Figures (npm run bench -- --runs 9; also in README.md, Replay and bench)",
    note: "measured on a shared 2-CPU x86 build machine; Lambda arm64 at 1,769 MB is assumed as fast as one of its CPUs",
  },
  /** Memory at which a Lambda function gets one full vCPU; below it CPU is proportional to memory. */
  lambdaMemoryPerVcpu: {
    value: 1769,
    unit: "MB",
    date: "2026-12-04",
    source: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
    note: "'At 1,769 MB, a function has the equivalent of one vCPU'; the processor is single-threaded, so more memory does not make it faster",
  },
  /** Time an invocation spends besides decoding and compressing: the S3 PutObject round trip, the handler's own work. */
  invocationOverheadMs: {
    value: 30,
    unit: "ms per invocation",
    date: "2026-12-04",
    source: "estimate",
    note: "not measured (no AWS access from the build machines); a PutObject of a small object within a region typically takes tens of ms",
  },
  /** Bytes the processor's own log group receives per invocation. */
  processorLogBytesPerInvocation: {
    value: 1500,
    unit: "bytes per invocation",
    date: "2026-12-04",
    source:
      "measured: the bundle's INFO line and EMF metrics line, 1,115 bytes for a 20-record batch; plus an estimate of ~385 bytes for Lambda's START/END/REPORT lines and line prefixes",
    note: "see docs/processor.md, Log line and metrics",
  },
  /** Custom metrics the processor publishes (embedded metric format, one Environment dimension). */
  processorCustomMetrics: {
    value: 8,
    unit: "metrics",
    date: "2026-12-04",
    source: "docs/processor.md, Log line and metrics",
    note: "LogEventsIn, BytesIn, LinesWritten, LinesWrapped, BytesOut, ObjectsWritten, DuplicateDeliveries, ControlMessages",
  },
  /** Average size of one WAF record (one log event), when no measurement is given. */
  recordBytes: {
    value: 1838,
    unit: "bytes per WAF record",
    date: "2026-12-04",
    source: "bench workload (seed 1): 22,052,333 bytes of messages in 12,000 records",
    note: "AWS's WAF cost guidance gives ~1.4 KB (no rules) to ~4.6 KB (recommended rule set); measure yours: IncomingBytes ÷ IncomingLogEvents of the log group",
  },
  /** Size of one S3 event notification message on the queue. */
  s3EventMessageBytes: {
    value: 1500,
    unit: "bytes",
    date: "2026-12-04",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html",
    note: "one ObjectCreated record; far below one 64 KB SQS billing chunk",
  },
  /** Notifications Cortex takes with one ReceiveMessage call. */
  messagesPerReceive: {
    value: 1,
    unit: "messages per ReceiveMessage",
    date: "2026-12-04",
    source: "estimate",
    note: "Cortex's batch size is not documented; 1 is the upper bound on requests (SQS allows up to 10)",
  },
  /** ChangeMessageVisibility calls Cortex makes per message. */
  visibilityChangesPerMessage: {
    value: 1,
    unit: "requests per message",
    date: "2026-12-04",
    source: "estimate",
    note: "the reader role is granted sqs:ChangeMessageVisibility (Cortex's documented permissions); how often Cortex calls it is not documented",
  },
  /** ReceiveMessage calls that find nothing, while the queue is idle (one long-polling reader, 20 s waits). */
  emptyReceivesPerMonth: {
    value: 131_400,
    unit: "requests per month",
    date: "2026-12-04",
    source: "estimate",
    note: "3 long polls a minute × 60 × 24 × 365/12 days; the same for both sources",
  },
  /** Share of KMS requests an S3 Bucket Key saves on SSE-KMS objects. */
  bucketKeyKmsSaving: {
    value: 0.99,
    unit: "share of per-object KMS requests avoided",
    date: "2026-12-04",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html",
    note: "'S3 Bucket Keys can reduce AWS KMS request costs by up to 99 percent'; the model uses the 99 %",
  },
  /** How often a web ACL publishes a log file to S3. */
  wafS3FileIntervalMinutes: {
    value: 5,
    unit: "minutes",
    date: "2026-12-04",
    source: "https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html",
    note: "'Your web ACLs publish their log files to the Amazon S3 bucket at 5-minute intervals'; a quiet interval is assumed to write no file",
  },
  /** Largest file WAF writes to S3. */
  wafS3MaxFileBytes: {
    value: 75 * 1024 * 1024,
    unit: "bytes",
    date: "2026-12-04",
    source: "https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html",
    note: "'The maximum file size for a log file is 75 MB'; read here as the stored (gzip) size",
  },
  /** Largest file Cortex recommends for its Amazon S3 collector. */
  cortexRecommendedMaxFileBytes: {
    value: 50 * 1024 * 1024,
    unit: "bytes (compressed)",
    date: "2026-12-04",
    source:
      "https://docs-cortex.paloaltonetworks.com/r/Cortex-XSIAM/Cortex-XSIAM-Documentation/Ingest-generic-logs-from-Amazon-S3",
    note: "the project's recorded Cortex fact (files of at most 50 MB compressed); the sentence could not be found in the stored copies of Cortex's pages. The output flags an average WAF file above this size",
  },
} as const satisfies Record<string, Assumption>;
