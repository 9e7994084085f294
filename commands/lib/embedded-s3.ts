/**
 * An S3 API server on 127.0.0.1 (s3rver 3.7.1) for `replay` and the integration tests, and the
 * S3 client settings that work against it.
 */
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import type { FilesystemStoreClass } from "s3rver/lib/stores/filesystem";

/** s3rver's own store (files under a directory), which {@link LongNameStore} extends. */
const FilesystemStore = createRequire(import.meta.url)(
  "s3rver/lib/stores/filesystem",
) as FilesystemStoreClass;

/** Longest file name most file systems accept (ext4, XFS, APFS, NTFS), in bytes. */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * s3rver's store with one change: an object whose file name (the key's last segment plus s3rver's
 * `._S3rver_object` / `._S3rver_metadata.json` suffix, up to 23 bytes) would be longer than
 * {@link MAX_FILE_NAME_BYTES} is kept under a shorter name, the segment's first 150 bytes, `~` and
 * 32 hex characters of its SHA-256, instead of failing with ENAMETOOLONG (which s3rver does not
 * catch: the process dies). Every request by key works as before; only a listing shows such an
 * object under its shortened name (replay never lists).
 */
class LongNameStore extends FilesystemStore {
  override getResourcePath(bucket: string, key = "", resource?: string): string {
    const slash = key.lastIndexOf("/");
    const name = key.slice(slash + 1);
    if (Buffer.byteLength(`${name}._S3rver_${resource ?? ""}`) <= MAX_FILE_NAME_BYTES) {
      return super.getResourcePath(bucket, key, resource);
    }
    const digest = createHash("sha256").update(name).digest("hex").slice(0, 32);
    const short = `${Buffer.from(name)
      .subarray(0, 150)
      .toString("utf8")
      .replace(/\uFFFD$/, "")}~${digest}`;
    return super.getResourcePath(bucket, `${key.slice(0, slash + 1)}${short}`, resource);
  }
}

/** Credentials s3rver accepts (it checks signatures against this fixed pair). */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** Region the clients sign requests for; s3rver accepts any. */
export const EMBEDDED_S3_REGION = "us-east-1";

/** A running embedded S3 server. */
export interface EmbeddedS3 {
  /** Base URL of the server, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** The bucket created before the server started listening. */
  readonly bucket: string;
  /** Directory on disk that holds the buckets and objects. */
  readonly directory: string;
  /**
   * Objects created on the server (PUT, POST, COPY), in order, as s3rver reports them: bucket, key as
   * stored, size in bytes and entity tag. What S3 would announce in an event notification.
   */
  readonly createdObjects: readonly EmbeddedS3Object[];
  /**
   * Stops listening (waits for requests in flight). Removes `directory` only when
   * `startEmbeddedS3` created it; a caller-supplied directory is kept so a new server can reopen it.
   * A directory `startEmbeddedS3` created is also removed when the process exits without calling
   * this (an uncaught exception, `process.exit`); see {@link startEmbeddedS3}.
   */
  stop(): Promise<void>;
}

/** An object the embedded server reports as created. */
export interface EmbeddedS3Object {
  readonly bucket: string;
  /** The key as stored. */
  readonly key: string;
  /** Bytes. */
  readonly size: number;
  /** Entity tag without quotes. */
  readonly eTag: string;
  /** `ObjectCreated:Put`, `ObjectCreated:Post` or `ObjectCreated:Copy`. */
  readonly eventName: string;
}

/** Options of {@link startEmbeddedS3}. */
export interface EmbeddedS3Options {
  /** Bucket to create (if missing) before listening. */
  readonly bucket: string;
  /** Directory for buckets and objects; reuse one to restart a server over the same data. @default a new temporary directory, removed by `stop()` */
  readonly directory?: string;
}

/**
 * Starts s3rver on 127.0.0.1 on a free port, with `bucket` created, storing objects with keys of any
 * length (see {@link LongNameStore}).
 *
 * A temporary directory it creates is removed by `stop()`, and otherwise when the process exits
 * (Node's `exit` event: normal end, `process.exit`, an uncaught exception). A signal that ends the
 * process skips `exit` handlers: commands install signal handlers that call `process.exit` (see
 * `commands/replay.ts`).
 *
 * @throws when the server cannot start (e.g. the directory is not writable).
 */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "waf-log-pipeline-s3-")));
  const removeOnExit = () => rmSync(directory, { recursive: true, force: true });
  if (ownsDirectory) process.once("exit", removeOnExit);
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket }],
  });
  server.store = server.context.store = new LongNameStore(directory);
  const createdObjects: EmbeddedS3Object[] = [];
  server.on("event", (message) => {
    for (const record of message.Records) {
      if (!record.eventName.startsWith("ObjectCreated:")) continue;
      const { bucket, object } = record.s3;
      createdObjects.push({
        bucket: bucket.name,
        key: object.key,
        size: object.size ?? 0,
        eTag: (object.eTag ?? "").replaceAll('"', ""),
        eventName: record.eventName,
      });
    }
  });
  let address;
  try {
    address = await server.run();
  } catch (error) {
    if (ownsDirectory) {
      process.removeListener("exit", removeOnExit);
      await rm(directory, { recursive: true, force: true });
    }
    throw error;
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket: options.bucket,
    directory,
    createdObjects,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.close();
      } finally {
        if (ownsDirectory) {
          process.removeListener("exit", removeOnExit);
          await rm(directory, { recursive: true, force: true });
        }
      }
    },
  };
}

/** Options of {@link createS3Client}. */
export interface S3ClientOptions {
  /** Base URL of an S3-compatible server. */
  readonly endpoint: string;
  /** Signing region. @default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1` */
  readonly region?: string;
  /** Static credentials. @default the standard AWS credential chain (environment, profile, SSO, instance role) */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per request, including the first. @default 3 (the SDK's default) */
  readonly maxAttempts?: number;
}

/**
 * An S3 client for an S3-compatible endpoint, configured the way the processor configures itself
 * when `S3_ENDPOINT` is set: path-style addressing, and checksums only when an operation requires
 * them (s3rver stores streamed uploads with the aws-chunked framing otherwise, corrupting objects).
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    forcePathStyle: true,
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? EMBEDDED_S3_REGION,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
