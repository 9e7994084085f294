import { describe, expect, it } from "vitest";
import {
  type CostInputs,
  type CostLine,
  curveRatio,
  DAYS_PER_MONTH,
  estimateCloudWatchSource,
  estimateCosts,
  estimateS3Source,
  extraAsyncRequests,
  HOURS_PER_MONTH,
  maxEventsPerBatch,
  storageLines,
} from "../../commands/lib/cost-model";
import { PRICES, tieredUsd } from "../../commands/lib/cost-prices";

const GB = 2 ** 30;

/**
 * The inputs of the worked examples: default lifecycle (STANDARD_IA at 30, GLACIER at 90,
 * DEEP_ARCHIVE at 365, expiration at 2555 days), 7 alarms on cloudwatch and 2 on s3, SSE, a 512 MB
 * arm64 processor keeping its logs 30 days, the WAF log group 7 days, no WAF credit.
 */
function inputs(overrides: Partial<CostInputs> = {}): CostInputs {
  return {
    gbPerDay: 1,
    webAcls: 1,
    eventsPerBatch: 20,
    recordBytes: 1838,
    logGroupRetentionDays: 7,
    lifecycle: { infrequentAccessDays: 30, glacierDays: 90, deepArchiveDays: 365, expirationDays: 2555 },
    transitionSmallObjects: false,
    alarms: { cloudwatch: 7, s3: 2 },
    encryption: "sse",
    kmsKeyCreated: false,
    processor: { memoryMb: 512, architecture: "arm64", logRetentionDays: 30 },
    wafLogCredit: false,
    ...overrides,
  };
}

/** The line with `id`; fails the test when it is missing. */
function lineOf(lines: readonly CostLine[], id: string): CostLine {
  const found = lines.find((l) => l.id === id);
  if (found === undefined) throw new Error(`no line ${id} in [${lines.map((l) => l.id).join(", ")}]`);
  return found;
}

const usdOf = (lines: readonly CostLine[]) => Object.fromEntries(lines.map((l) => [l.id, l.usd]));

describe("tieredUsd", () => {
  it("charges each GB at the rate of the tier it falls into", () => {
    // 15 TB to CloudWatch Logs: 10,240 GB × $0.50 + 5,120 GB × $0.25 = 5,120 + 1,280 = $6,400
    expect(tieredUsd(PRICES.vendedLogsToCloudWatchLogs, 15 * 1024)).toBeCloseTo(6400, 6);
    // 60 TB: 5,120 + 20,480 × 0.25 (5,120) + 20,480 × 0.10 (2,048) + 10,240 × 0.05 (512) = $12,800
    expect(tieredUsd(PRICES.vendedLogsToCloudWatchLogs, 60 * 1024)).toBeCloseTo(12_800, 6);
    // S3 delivery, 40 TB: 10,240 × 0.25 (2,560) + 20,480 × 0.15 (3,072) + 10,240 × 0.075 (768) = $6,400
    expect(tieredUsd(PRICES.vendedLogsToS3, 40 * 1024)).toBeCloseTo(6400, 6);
  });

  it("rejects a negative volume", () => {
    expect(() => tieredUsd(PRICES.vendedLogsToS3, -1)).toThrow("tieredUsd: gb must be ≥ 0, got -1");
  });
});

describe("extraAsyncRequests", () => {
  it("bills one more request per started 64 KB chunk above 256 KB", () => {
    expect(extraAsyncRequests(256 * 1024)).toBe(0);
    expect(extraAsyncRequests(256 * 1024 + 1)).toBe(1);
    expect(extraAsyncRequests(320 * 1024)).toBe(1);
    expect(extraAsyncRequests(320 * 1024 + 1)).toBe(2);
    // 1 MB: (1,048,576 − 262,144) / 65,536 = 12
    expect(extraAsyncRequests(1024 * 1024)).toBe(12);
  });
});

describe("maxEventsPerBatch", () => {
  it("caps a batch at 1,048,576 bytes counting 26 bytes per log event, and at 10,000 log events", () => {
    // floor(1,048,576 / (1,838 + 26)) = floor(562.5) = 562
    expect(maxEventsPerBatch(1838)).toBe(562);
    // floor(1,048,576 / 76) = 13,797 > 10,000
    expect(maxEventsPerBatch(50)).toBe(10_000);
  });
});

describe("curveRatio", () => {
  const curve = [
    [1000, 0.5],
    [100_000, 0.1],
  ] as const;

  it("returns a measured point exactly and holds the end values beyond the ends", () => {
    expect(curveRatio(curve, 1000)).toBe(0.5);
    expect(curveRatio(curve, 10)).toBe(0.5);
    expect(curveRatio(curve, 1e9)).toBe(0.1);
  });

  it("interpolates linearly in log(raw bytes)", () => {
    // 10,000 is halfway between 1,000 and 100,000 in log scale: 0.5 + 0.5 × (0.1 − 0.5) = 0.3
    expect(curveRatio(curve, 10_000)).toBeCloseTo(0.3, 12);
  });

  it("rejects a size that is not positive", () => {
    expect(() => curveRatio(curve, 0)).toThrow("curveRatio: rawBytes must be a positive number, got 0");
  });
});

describe("estimateCloudWatchSource", () => {
  // Worked example A: 1,000,000 records of 1,838 bytes a day (1.838 × 10^9 bytes), 20 per batch.
  // Batch: 20 × 1,838 = 36,760 raw bytes, a measured point of every curve:
  //   payload 0.238 × 36,760 = 8,748.88 bytes (< 256 KB: no extra request),
  //   decoded 1.1769 × 36,760 = 43,262.844 bytes, object 0.164 × 36,760 = 6,028.64 bytes.
  // Invocations: 1,000,000 / 20 = 50,000 a day, × 365/12 = 1,520,833.33 a month.
  const estimate = estimateCloudWatchSource(inputs({ gbPerDay: 1.838e9 / GB }));
  const usd = usdOf(estimate.lines);

  it("prices vended-log delivery to CloudWatch Logs and the log group's storage", () => {
    // 1.838e9 × 30.41667 / 2^30 = 52.06636 GB × $0.50 = $26.03318
    expect(lineOf(estimate.lines, "cloudwatch-logs-delivery").quantity).toBeCloseTo(52.06636, 4);
    expect(usd["cloudwatch-logs-delivery"]).toBeCloseTo(26.03318, 4);
    // stored: 1.838e9 × 7 days × 0.15 / 2^30 = 1.797359 GB-month × $0.03 = $0.053921
    expect(usd["cloudwatch-logs-storage"]).toBeCloseTo(0.053921, 5);
  });

  it("prices Lambda requests and duration from the bench throughput", () => {
    // requests: 1,520,833.33 × $0.20 / 10^6 = $0.304167
    expect(usd["lambda-requests"]).toBeCloseTo(0.304167, 5);
    // CPU share 512 / 1,769 = 0.289429; 43,262.844 / (56.2e6 × 0.289429) = 2.660 ms + 30 ms overhead
    // = 32.66 ms → 33 ms billed; 1,520,833.33 × 0.033 s × 0.5 GB = 25,093.75 GB-s × $0.0000133334 = $0.334585
    expect(lineOf(estimate.lines, "lambda-duration").quantity).toBeCloseTo(25_093.75, 4);
    expect(usd["lambda-duration"]).toBeCloseTo(0.334585, 5);
  });

  it("prices the processor's own logs and metrics", () => {
    // 50,000 × 1,500 bytes = 7.5e7 bytes a day × 30.41667 / 2^30 = 2.124580 GB × $0.50 (still in the first tier)
    expect(usd["processor-log-delivery"]).toBeCloseTo(1.06229, 5);
    // 7.5e7 × 30 days × 0.15 / 2^30 = 0.314321 GB-month × $0.03
    expect(usd["processor-log-storage"]).toBeCloseTo(0.00943, 5);
    // 8 metrics × $0.30
    expect(usd["processor-metrics"]).toBeCloseTo(2.4, 10);
  });

  it("prices S3 and SQS requests per object", () => {
    // PUT 1,520,833.33 × $0.005 / 1,000; GET × $0.0004 / 1,000
    expect(usd["s3-put"]).toBeCloseTo(7.604167, 5);
    expect(usd["s3-get"]).toBeCloseTo(0.608333, 5);
    // send + receive + delete + change visibility = 4 × 1,520,833.33, + 131,400 empty receives
    // = 6,214,733.33 × $0.40 / 10^6
    expect(lineOf(estimate.lines, "sqs-requests").quantity).toBeCloseTo(6_214_733.33, 1);
    expect(usd["sqs-requests"]).toBeCloseTo(2.485893, 5);
  });

  it("keeps objects under 128 KB in STANDARD until they expire", () => {
    // 50,000 objects × 6,028.64 bytes × 2,555 days / 2^30 = 717.2662 GB-month × $0.023
    expect(lineOf(estimate.lines, "s3-storage-standard").quantity).toBeCloseTo(717.2662, 3);
    expect(usd["s3-storage-standard"]).toBeCloseTo(16.497124, 5);
    expect(estimate.lines.filter((l) => l.id.startsWith("s3-transition"))).toEqual([]);
    expect(estimate.notes.some((n) => n.includes("S3 lifecycle moves none of them out of STANDARD"))).toBe(
      true,
    );
  });

  it("adds data transfer out, alarms, and sums to the total", () => {
    // 1,520,833.33 × 6,028.64 / 2^30 = 8.538884 GB × $0.09
    expect(usd["s3-transfer-out"]).toBeCloseTo(0.7685, 4);
    // 7 alarms × $0.10
    expect(usd["cloudwatch-alarms"]).toBeCloseTo(0.7, 10);
    // 26.03318 + 0.05392 + 0.30417 + 0.33459 + 1.06229 + 0.00943 + 2.4 + 7.60417 + 0.60833
    // + 2.48589 + 0.76850 + 16.49712 + 0.7 = 58.86159
    expect(estimate.totalUsd).toBeCloseTo(58.86159, 4);
    expect(estimate.objectsPerMonth).toBeCloseTo(1_520_833.33, 1);
  });

  it("caps the batch at what one subscription delivery holds and says so", () => {
    const capped = estimateCloudWatchSource(inputs({ eventsPerBatch: 5000 }));
    // 562 events of 1,838 bytes fit in 1,048,576 bytes
    expect(capped.notes).toContain(
      "5000 log events per batch do not fit one subscription delivery (1 MB); priced at the 562 that fit",
    );
  });

  it("deducts the WAF credit before the tiers and shows it as a negative line", () => {
    const withCredit = estimateCloudWatchSource(inputs({ gbPerDay: 1.838e9 / GB, wafLogCredit: true }));
    // 1,000,000 records a day × 30.41667 / 10^6 × 0.5 GB = 15.20833 GB credited × $0.50 = −$7.604167
    const credit = lineOf(withCredit.lines, "cloudwatch-logs-waf-credit");
    expect(credit.quantity).toBeCloseTo(-15.20833, 4);
    expect(credit.usd).toBeCloseTo(-7.604167, 5);
    expect(withCredit.totalUsd).toBeCloseTo(58.86159 - 7.604167, 4);
  });
});

describe("estimateS3Source", () => {
  // Worked example B: one web ACL whose 5-minute interval holds 22,056,967 raw bytes (the last point
  // of the compression curve, ratio 0.1052): 288 files a day of 0.1052 × 22,056,967 = 2,320,392.93 bytes.
  // A day: 288 × 22,056,967 = 6,352,406,496 bytes = 3,456,151.52 records of 1,838 bytes.
  const estimate = estimateS3Source(inputs({ gbPerDay: (288 * 22_056_967) / GB, wafLogCredit: true }));
  const usd = usdOf(estimate.lines);

  it("writes one file per web ACL per 5-minute interval", () => {
    // 288 × 365/12 = 8,760 files a month
    expect(estimate.objectsPerMonth).toBeCloseTo(8760, 6);
    expect(estimate.averageObjectBytes).toBeCloseTo(2_320_392.93, 1);
  });

  it("prices vended-log delivery to S3 with the WAF credit", () => {
    // 6,352,406,496 × 30.41667 / 2^30 = 179.94925 GB × $0.25 = $44.98731
    expect(usd["s3-delivery"]).toBeCloseTo(44.98731, 4);
    // credit: 3,456,151.52 × 30.41667 / 10^6 × 0.5 = 52.56230 GB × $0.25 = −$13.14058
    expect(usd["s3-waf-credit"]).toBeCloseTo(-13.14058, 4);
  });

  it("prices requests, transfer and storage per lifecycle tier with the archive overheads", () => {
    expect(usd["s3-put"]).toBeCloseTo(0.0438, 10); // 8,760 × $0.005 / 1,000
    expect(usd["s3-get"]).toBeCloseTo(0.003504, 10); // 8,760 × $0.0004 / 1,000
    expect(usd["sqs-requests"]).toBeCloseTo(0.066576, 10); // (4 × 8,760 + 131,400) × $0.40 / 10^6
    // 8,760 × 2,320,392.93 / 2^30 = 18.93066 GB × $0.09
    expect(usd["s3-transfer-out"]).toBeCloseTo(1.703759, 5);
    // per day 288 objects; GB-month = 288 × bytes × days / 2^30
    // STANDARD 30 days: 18.67134 × $0.023 = 0.429441
    expect(usd["s3-storage-standard"]).toBeCloseTo(0.429441, 5);
    // STANDARD_IA 60 days: 37.34267 × $0.0125 = 0.466783
    expect(usd["s3-storage-standard_ia"]).toBeCloseTo(0.466783, 5);
    // GLACIER 275 days, + 32,768 bytes: 173.57091 × $0.0036 = 0.624855; 8,192 bytes × 275 days: 0.604248 × $0.023
    expect(usd["s3-storage-glacier"]).toBeCloseTo(0.624855, 5);
    expect(usd["s3-storage-glacier-overhead"]).toBeCloseTo(0.013898, 5);
    // DEEP_ARCHIVE 2,190 days, + 32,768 bytes: 1,382.25561 × $0.00099 = 1.368433; 8 KB: 4.812012 × $0.023
    expect(usd["s3-storage-deep_archive"]).toBeCloseTo(1.368433, 5);
    expect(usd["s3-storage-deep_archive-overhead"]).toBeCloseTo(0.110677, 5);
    // transitions: 8,760 × $0.01, $0.03 and $0.05 per 1,000
    expect(usd["s3-transition-standard_ia"]).toBeCloseTo(0.0876, 10);
    expect(usd["s3-transition-glacier"]).toBeCloseTo(0.2628, 10);
    expect(usd["s3-transition-deep_archive"]).toBeCloseTo(0.438, 10);
    expect(usd["cloudwatch-alarms"]).toBeCloseTo(0.2, 10); // 2 alarms
  });

  it("sums to the total", () => {
    // 44.98731 − 13.14058 + 0.0438 + 0.003504 + 0.066576 + 1.703759 + 0.429441 + 0.466783 + 0.624855
    // + 0.013898 + 1.368433 + 0.110677 + 0.0876 + 0.2628 + 0.438 + 0.2 = 37.66686
    expect(estimate.totalUsd).toBeCloseTo(37.66686, 4);
  });

  it("splits an interval at WAF's 75 MB file limit and flags files above Cortex's 50 MB", () => {
    // 10^9 raw bytes per interval: 0.1052 × 10^9 = 105.2 MB > 75 MB (78,643,200) → 2 files of
    // 5 × 10^8 raw bytes, each 52.6 × 10^6 bytes = 50.16 MB > 50 MB
    const big = estimateS3Source(inputs({ gbPerDay: (288 * 1e9) / GB }));
    expect(big.objectsPerMonth).toBeCloseTo(2 * 8760, 6);
    expect(big.averageObjectBytes).toBeCloseTo(52_600_000, 0);
    expect(big.notes).toEqual([
      "WAF splits each 5-minute interval into 2 files (75 MB limit)",
      "WAF files average 50.2 MB, above the 50 MB (compressed) Cortex recommends",
    ]);
  });

  it("expects no file for an interval without records", () => {
    // 1,838 × 288 bytes a day on one web ACL: one record per interval on average, so
    // 1 − e^(−1) = 0.632121 of the intervals write a file: 288 × 0.632121 × 30.41667 files a month
    const quiet = estimateS3Source(inputs({ gbPerDay: (1838 * 288) / GB }));
    expect(quiet.objectsPerMonth).toBeCloseTo(288 * (1 - Math.exp(-1)) * DAYS_PER_MONTH, 6);
  });
});

describe("storageLines", () => {
  it("bills STANDARD_IA's 30-day minimum when objects expire earlier", () => {
    // 1,000 objects a day of 200 KiB (204,800 bytes), STANDARD_IA from day 30, expire at day 45:
    // STANDARD 30 days: 1,000 × 204,800 × 30 / 2^30 = 5.722046 GB-month
    // STANDARD_IA 15 days, billed 30: 5.722046 GB-month × $0.0125 = 0.071526
    const lines = storageLines(
      1000,
      200 * 1024,
      { infrequentAccessDays: 30, glacierDays: null, deepArchiveDays: null, expirationDays: 45 },
      false,
    );
    const ia = lineOf(lines, "s3-storage-standard_ia");
    expect(ia.quantity).toBeCloseTo(5.722046, 5);
    expect(ia.usd).toBeCloseTo(0.071526, 5);
    expect(ia.note).toBe("objects stay 15 days, billed the 30-day minimum of STANDARD_IA");
  });

  it("moves small objects to GLACIER and DEEP_ARCHIVE, never STANDARD_IA, with varies_by_storage_class", () => {
    // 1,000 objects a day of 64 KiB; IA at 30, GLACIER at 90, DEEP_ARCHIVE at 180, expire at 200:
    // STANDARD 0–90 (IA skipped), GLACIER 90 days, DEEP_ARCHIVE 20 days billed 180
    const lines = storageLines(
      1000,
      64 * 1024,
      { infrequentAccessDays: 30, glacierDays: 90, deepArchiveDays: 180, expirationDays: 200 },
      true,
    );
    expect(lines.map((l) => l.id)).toEqual([
      "s3-storage-standard",
      "s3-storage-glacier",
      "s3-storage-glacier-overhead",
      "s3-transition-glacier",
      "s3-storage-deep_archive",
      "s3-storage-deep_archive-overhead",
      "s3-transition-deep_archive",
    ]);
    // STANDARD: 1,000 × 65,536 × 90 / 2^30 = 5.493164 GB-month
    expect(lineOf(lines, "s3-storage-standard").quantity).toBeCloseTo(5.493164, 5);
    // DEEP_ARCHIVE: 1,000 × (65,536 + 32,768) × 180 / 2^30 = 16.479492 GB-month × $0.00099 = 0.016315
    const deep = lineOf(lines, "s3-storage-deep_archive");
    expect(deep.quantity).toBeCloseTo(16.479492, 5);
    expect(deep.usd).toBeCloseTo(0.016315, 5);
  });
});

describe("estimateCosts", () => {
  it("adds KMS requests and the key with encryption kms", () => {
    const { sources } = estimateCosts(
      inputs({ gbPerDay: (288 * 22_056_967) / GB, encryption: "kms", kmsKeyCreated: true }),
    );
    const s3 = usdOf(sources.s3.lines);
    // 8,760 files: PUT and GET each ask KMS 1 % of the time (S3 Bucket Key) = 2 × 8,760 × 0.01 = 175.2,
    // plus the queue's data key twice an hour: 2 × 730 = 1,460 → 1,635.2 requests × $0.03 / 10,000
    expect(HOURS_PER_MONTH).toBeCloseTo(730, 10);
    expect(s3["kms-requests"]).toBeCloseTo(0.0049056, 7);
    expect(s3["kms-key"]).toBe(1);
  });

  it("rejects inputs out of range, naming each", () => {
    expect(() => estimateCosts(inputs({ gbPerDay: 0, webAcls: 0, eventsPerBatch: 1.5 }))).toThrow(
      "Invalid cost inputs: gbPerDay must be a number > 0, got 0; webAcls must be a whole number ≥ 1, got 0; eventsPerBatch must be a whole number ≥ 1, got 1.5",
    );
  });
});
