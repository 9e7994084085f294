/**
 * An S3 API server on 127.0.0.1 (s3rver 3.7.1) for `replay` and the integration tests, and the
 * S3 client settings that work against it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

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
 * Starts s3rver on 127.0.0.1 on a free port, with `bucket` created.
 *
 * @throws when the server cannot start (e.g. the directory is not writable).
 */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "waf-log-pipeline-s3-")));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket }],
  });
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
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
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
        if (ownsDirectory) await rm(directory, { recursive: true, force: true });
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
