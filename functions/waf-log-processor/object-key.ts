/**
 * Object keys: a pure function of the subscription payload, so a redelivered event gets the key
 * it already has (and `IfNoneMatch: "*"` turns the second write into a no-op), while two different
 * batches never share one.
 */
import { createHash } from "node:crypto";
import { OBJECT_KEY_SUFFIX } from "./environment";

/** Longest key segment for a log group or log stream name, in characters (file systems allow 255 bytes). */
export const MAX_SEGMENT_LENGTH = 200;

/** Hex characters of the payload's SHA-256 kept in the key: 32 (128 bits). */
export const DIGEST_HEX_LENGTH = 32;

/** What the key is made of. */
export interface ObjectKeyInput {
  /** Key prefix, e.g. `raw/` (empty or ending in `/`). */
  readonly prefix: string;
  /** AWS account of the log group: the payload's `owner`. */
  readonly accountId: string;
  /** AWS region of the log group (the function's region). */
  readonly region: string;
  readonly logGroup: string;
  readonly logStream: string;
  /** Timestamp of the first log event, ms since the epoch; gives the UTC date and hour. */
  readonly firstTimestamp: number;
  /** Id of the first log event. */
  readonly firstEventId: string;
  /** Hex digest of the payload, see {@link payloadDigest}. */
  readonly digest: string;
}

/**
 * Reduces a string to one key segment of `[A-Za-z0-9._=-]`: every other character (UTF-16 code
 * unit), including `/`, becomes `_`; a segment that would be empty or only dots (`.`, `..`, which
 * tools treat as directories) has its dots replaced by `_` (empty becomes `_`); the result is cut to
 * {@link MAX_SEGMENT_LENGTH} characters. Different names can map to the same segment
 * (`a/b`, `a_b`); the digest in the file name keeps their objects apart.
 *
 * @example keySegment("/aws/waf/logs") === "_aws_waf_logs"
 */
export function keySegment(text: string): string {
  let segment = text.replace(/[^A-Za-z0-9._=-]/g, "_").slice(0, MAX_SEGMENT_LENGTH);
  if (/^\.*$/.test(segment)) segment = segment.replace(/\./g, "_") || "_";
  return segment;
}

/**
 * SHA-256 of the gunzipped payload bytes, hex, cut to {@link DIGEST_HEX_LENGTH} characters.
 * Identical redeliveries carry identical bytes; different batches differ in at least their log
 * event ids, so their digests differ (collision odds 2^-64 even across 2^32 batches).
 *
 * @param decoded the gunzipped `awslogs.data` bytes.
 */
export function payloadDigest(decoded: Uint8Array): string {
  return createHash("sha256").update(decoded).digest("hex").slice(0, DIGEST_HEX_LENGTH);
}

/**
 * Builds the object key
 * `<prefix>account=<account>/region=<region>/year=YYYY/month=MM/day=DD/hour=HH/<log group>/<log stream>/<first event id>-<digest>.jsonl.gz`
 * (Hive-style partitions: the log group's account and region, so one archive of many accounts and
 * regions stays searchable by origin, then the date and hour of the first log event in UTC; names
 * through {@link keySegment}).
 *
 * @example
 * objectKey({ prefix: "raw/", accountId: "111122223333", region: "us-east-1",
 *   logGroup: "aws-waf-logs-example", logStream: "us-east-1_acl_0",
 *   firstTimestamp: 1764460800000, firstEventId: "3800", digest: "0f…" })
 * // "raw/account=111122223333/region=us-east-1/year=2025/month=11/day=30/hour=00/aws-waf-logs-example/us-east-1_acl_0/3800-0f….jsonl.gz"
 */
export function objectKey(input: ObjectKeyInput): string {
  const date = new Date(input.firstTimestamp);
  const two = (n: number) => String(n).padStart(2, "0");
  const partitions =
    `year=${date.getUTCFullYear()}/month=${two(date.getUTCMonth() + 1)}` +
    `/day=${two(date.getUTCDate())}/hour=${two(date.getUTCHours())}`;
  const file = `${keySegment(input.firstEventId)}-${input.digest}${OBJECT_KEY_SUFFIX}`;
  const origin = `account=${keySegment(input.accountId)}/region=${keySegment(input.region)}`;
  return `${input.prefix}${origin}/${partitions}/${keySegment(input.logGroup)}/${keySegment(input.logStream)}/${file}`;
}
