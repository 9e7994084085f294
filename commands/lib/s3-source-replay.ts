/**
 * Replay of the `s3` source: WAF log records become WAF's own S3 log files (gzip JSON Lines, one
 * record per line, under WAF's key layout), are put into an `aws-waf-logs-` bucket on the embedded S3
 * server, go through the bucket's notification path (the objects the server reports as created, the
 * landing bucket's notification filter, the SQS message body S3 sends) and are read back the way Cortex
 * reads them (decode the key of each record of each message, GetObject). Checks that Cortex would
 * receive every file byte for byte.
 *
 * WAF's file format: "The log files are compressed" gzip files of newline-delimited JSON records, one
 * per request, every 5 minutes per web ACL, keyed as `wafS3LogObjectKey` shows
 * (https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { WAF_LOG_FILES_NOTIFICATION_ID } from "../../src/constructs/waf-s3-log-source";
import {
  WAF_S3_KEY_PREFIX,
  WAF_S3_OBJECT_SUFFIX,
  WAF_S3_PUBLISH_INTERVAL_MINUTES,
  wafS3LogObjectKey,
} from "../../src/waf-s3-logs";
import { createS3Client, EMBEDDED_S3_CREDENTIALS, EMBEDDED_S3_REGION, startEmbeddedS3 } from "./embedded-s3";
import {
  type QueueNotificationFilter,
  matchesNotificationFilter,
  objectCreatedMessage,
  objectsOfMessage,
} from "./s3-notification";

/** The landing bucket's queue configuration (see `WafS3LogSource`). */
export const LANDING_BUCKET_FILTER: QueueNotificationFilter = {
  id: WAF_LOG_FILES_NOTIFICATION_ID,
  prefix: WAF_S3_KEY_PREFIX,
  suffix: WAF_S3_OBJECT_SUFFIX,
};

/** Bucket created on the embedded server for the s3 replay. */
export const DEFAULT_S3_REPLAY_BUCKET = "aws-waf-logs-replay";

/** One WAF S3 log file: its key, its records (lines as given, newline-terminated) and its gzip bytes. */
export interface WafS3LogFileContent {
  readonly key: string;
  /** The JSON Lines text, one record per line, each line ending in `\n`. */
  readonly lines: string;
  /** Number of records. */
  readonly records: number;
  /** gzip of `lines`, what WAF stores. */
  readonly body: Uint8Array;
}

const WEB_ACL_ID =
  /^arn:[a-z-]+:wafv2:([a-z0-9-]+):(\d{12}):(?:regional|global)\/webacl\/([A-Za-z0-9_-]{1,128})\//;

/**
 * Groups WAF log records the way WAF writes them to S3: one file per web ACL (`webaclId`) and 5-minute
 * interval of `timestamp` (ms since epoch), records in their given order, lines kept byte for byte.
 *
 * @param ndjson WAF records, one JSON object per line (blank lines skipped)
 * @param source name of the input, for messages
 * @throws Error `<source>:<line>: …` for a line that is not JSON or lacks a web ACL ARN `webaclId` or a
 *   numeric `timestamp`
 */
export function wafS3LogFiles(ndjson: string, source: string): WafS3LogFileContent[] {
  const groups = new Map<string, { key: string; lines: string[] }>();
  ndjson.split("\n").forEach((line, index) => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    let record: { webaclId?: unknown; timestamp?: unknown };
    try {
      record = JSON.parse(text) as typeof record;
    } catch (error) {
      throw new Error(`${source}:${index + 1}: not JSON: ${(error as Error).message}`, { cause: error });
    }
    const acl = typeof record.webaclId === "string" ? WEB_ACL_ID.exec(record.webaclId) : null;
    if (acl === null || typeof record.timestamp !== "number") {
      throw new Error(
        `${source}:${index + 1}: expected a WAF log record with "webaclId" (a web ACL ARN) and "timestamp" (ms since epoch)`,
      );
    }
    const interval = WAF_S3_PUBLISH_INTERVAL_MINUTES * 60_000;
    const start = Math.floor(record.timestamp / interval) * interval;
    const [, region, accountId, webAclName] = acl as unknown as [string, string, string, string];
    const group = `${record.webaclId}@${start}`;
    let entry = groups.get(group);
    if (entry === undefined) {
      // WAF's random suffix; here a hash of the group, so replays are repeatable.
      const hash = createHash("sha256").update(group).digest("hex").slice(0, 8);
      entry = { key: wafS3LogObjectKey({ accountId, region, webAclName, time: start, hash }), lines: [] };
      groups.set(group, entry);
    }
    entry.lines.push(`${text}\n`);
  });
  return [...groups.values()].map(({ key, lines }) => {
    const text = lines.join("");
    return { key, lines: text, records: lines.length, body: gzipSync(Buffer.from(text, "utf8")) };
  });
}

/** Options of {@link replayS3Source}. */
export interface S3SourceReplayOptions {
  /** NDJSON files of WAF log records. */
  readonly paths: readonly string[];
  /** Landing bucket on the embedded server. @default "aws-waf-logs-replay" */
  readonly bucket?: string;
  /** Where to store what Cortex reads, as `<out>/<key>`. @default undefined (not stored) */
  readonly out?: string;
}

/** What the s3 replay found. */
export interface S3SourceReplaySummary {
  /** WAF log files put into the bucket. */
  readonly files: number;
  /** Notification messages put on the queue (one per file the filter passed). */
  readonly notifications: number;
  /** Objects Cortex read by the keys in the messages. */
  readonly objects: number;
  /** Records in those objects. */
  readonly records: number;
  /** Objects whose bytes equal the file WAF wrote. */
  readonly unchanged: number;
  /** Files missing from the notifications, unreadable or changed. */
  readonly failed: number;
}

/**
 * Runs the s3 source's notification path over the records of `paths` on an embedded S3 server (see the
 * module doc). Problems with single files are reported on `stderr` and counted in `failed`.
 *
 * @throws Error when an input cannot be read or holds something other than WAF records, or the server
 *   cannot start
 */
export async function replayS3Source(
  options: S3SourceReplayOptions,
  stderr: (line: string) => void,
): Promise<S3SourceReplaySummary> {
  const files: WafS3LogFileContent[] = [];
  for (const path of options.paths) files.push(...wafS3LogFiles(await readFile(path, "utf8"), path));
  const bucket = options.bucket ?? DEFAULT_S3_REPLAY_BUCKET;
  const server = await startEmbeddedS3({ bucket });
  const client = createS3Client({ endpoint: server.endpoint, credentials: EMBEDDED_S3_CREDENTIALS });
  let failed = 0;
  let objects = 0;
  let records = 0;
  let unchanged = 0;
  try {
    // WAF's log delivery writes each file (with the ACL the bucket policy requires).
    for (const file of files) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: file.key,
          Body: file.body,
          ContentType: "application/json",
          ContentEncoding: "gzip",
          ACL: "bucket-owner-full-control",
        }),
      );
    }
    // S3: one message per created object that passes the notification filter.
    const queue = server.createdObjects
      .filter((object) => matchesNotificationFilter(LANDING_BUCKET_FILTER, object.key))
      .map((object) =>
        objectCreatedMessage(
          { ...object, region: EMBEDDED_S3_REGION, time: Date.now() },
          LANDING_BUCKET_FILTER,
        ),
      );
    // Cortex: each message names objects; decode the key, GetObject.
    const written = new Map(files.map((file) => [file.key, file]));
    const received = new Set<string>();
    for (const body of queue) {
      for (const notified of objectsOfMessage(body)) {
        const file = written.get(notified.key);
        const got = await client.send(new GetObjectCommand({ Bucket: notified.bucket, Key: notified.key }));
        const bytes = await got.Body!.transformToByteArray();
        objects++;
        received.add(notified.key);
        if (options.out !== undefined) await store(options.out, notified.key, bytes);
        if (file === undefined || !Buffer.from(bytes).equals(Buffer.from(file.body))) {
          failed++;
          stderr(`${notified.key}: the object Cortex reads differs from the file WAF wrote`);
          continue;
        }
        unchanged++;
        records += gunzipSync(bytes).toString("utf8").split("\n").length - 1;
      }
    }
    for (const file of files) {
      if (!received.has(file.key)) {
        failed++;
        stderr(`${file.key}: no notification named this file`);
      }
    }
    return { files: files.length, notifications: queue.length, objects, records, unchanged, failed };
  } finally {
    client.destroy();
    await server.stop();
  }
}

/** Writes `bytes` to `<out>/<key>`. @throws Error when the key would land outside `out` */
async function store(out: string, key: string, bytes: Uint8Array): Promise<void> {
  const target = resolve(out, key);
  const inside = relative(resolve(out), target);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    throw new Error(`${key}: the object key would be written outside ${out}`);
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, bytes);
}
