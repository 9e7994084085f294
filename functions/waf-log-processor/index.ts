/**
 * Lambda function `waf-log-processor`: CloudWatch Logs subscription events carrying AWS WAF log
 * records → gzip JSON Lines objects in S3, one object per event, for Cortex XDR.
 *
 * Input: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 * Records: https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html
 * Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 *
 * Bundle entry: `dist/waf-log-processor/index.cjs`, Lambda handler `index.handler`.
 */
import { PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel as LogLevelName } from "@aws-lambda-powertools/logger/types";
import type { Context as LambdaContext } from "aws-lambda";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { readConfig, type ProcessorConfig } from "./config";
import { METRICS_NAMESPACE } from "./environment";
import { GzipBody, segmentSize } from "./gzip-body";
import { LineWriter } from "./lines";
import { objectKey } from "./object-key";
import { streamSubscriptionEvent, type StreamedPayload } from "./payload-stream";

export { ConfigError, readConfig, type ProcessorConfig } from "./config";
export {
  EventShapeError,
  InvalidBase64Error,
  InvalidJsonError,
  NotGzipError,
  PayloadShapeError,
  PayloadTooLargeError,
  SubscriptionEventError,
  decodeSubscriptionEvent,
} from "./decode";

export { METRICS_NAMESPACE } from "./environment";

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** Environment to read configuration from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Client used for PutObject (an S3Client, or any object with S3Client's `send`). @default new S3Client built from env */
  readonly s3?: { send(command: PutObjectCommand): Promise<unknown> };
}

/**
 * How often a PutObject answered by `409 ConditionalRequestConflict` is sent, the first time included.
 * S3 answers 409 when another conditional write to the same key is in flight and says to retry
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
export const CONFLICT_MAX_ATTEMPTS = 5;

/** Ceiling of the first retry's delay after a 409, in ms; it doubles with every retry. */
export const CONFLICT_BASE_DELAY_MS = 100;

/** Largest ceiling of a retry's delay after a 409, in ms. */
export const CONFLICT_MAX_DELAY_MS = 2000;

/**
 * Delay before retry `retry` (1 for the first) after a 409, in ms: "full jitter", a uniformly random
 * time below min({@link CONFLICT_MAX_DELAY_MS}, {@link CONFLICT_BASE_DELAY_MS} × 2^(retry−1)), so
 * writers that collided do not collide again in step
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * @param random a number in [0, 1), `Math.random()` by default.
 */
export function conflictRetryDelayMs(retry: number, random: number = Math.random()): number {
  const ceiling = Math.min(CONFLICT_MAX_DELAY_MS, CONFLICT_BASE_DELAY_MS * 2 ** (retry - 1));
  return Math.floor(random * ceiling);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What one invocation did. */
export interface ProcessResult {
  /**
   * `written`: a new object; `duplicate`: the object already existed (S3 answered 412 to
   * `IfNoneMatch: "*"`, an earlier delivery wrote it); `control`: a `CONTROL_MESSAGE` payload,
   * nothing written; `empty`: no log events, nothing written.
   */
  readonly outcome: "written" | "duplicate" | "control" | "empty";
  /** Object key written (or found already written). */
  readonly key?: string;
  /** Log events in the payload. */
  readonly eventsIn: number;
  /** Lines in the object (one per log event; 0 when nothing is written). */
  readonly linesOut: number;
  /** Lines that wrap a message that was not a JSON object. */
  readonly linesWrapped: number;
  /**
   * Lines without a top-level `timestamp` Cortex's AWS WAF parsing rule reads (10, 13, 16 or 19
   * digits; see `hasUsableTimestamp`): written unchanged, but Cortex dates them at ingestion.
   */
  readonly linesWithoutTimestamp: number;
  /** Decoded (gunzipped) payload bytes. */
  readonly bytesIn: number;
  /** Gzip object bytes (0 when nothing is written). */
  readonly bytesOut: number;
}

/**
 * Lines collected before they go to the gzip body, in bytes: the size of its first segment
 * (`segmentSize(0)`), so compression starts as soon as that much is written.
 */
const FLUSH_BYTES = segmentSize(0);

/** The counts of an invocation that writes nothing. */
const NOTHING_WRITTEN = { linesOut: 0, linesWrapped: 0, linesWithoutTimestamp: 0, bytesOut: 0 } as const;

/** The S3 error answer as the SDK reports it. */
interface S3ErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function s3Error(error: unknown): { status?: number; code?: string } {
  const shape = (typeof error === "object" && error !== null ? error : {}) as S3ErrorShape;
  return { status: shape.$metadata?.httpStatusCode, code: shape.Code ?? shape.name };
}

/** S3 answered 412: an object with this key exists, so `IfNoneMatch: "*"` refused the write. */
function isPreconditionFailed(error: unknown): boolean {
  const { status, code } = s3Error(error);
  return status === 412 || code === "PreconditionFailed";
}

/** S3 answered 409 ConditionalRequestConflict: a concurrent write to the same key was in progress. */
function isConditionalRequestConflict(error: unknown): boolean {
  const { status, code } = s3Error(error);
  return code === "ConditionalRequestConflict" || (status === 409 && code === undefined);
}

/**
 * Builds the S3 client from the configuration. With `S3_ENDPOINT` (an S3-compatible server such as
 * s3rver): path-style addressing, checksums only when required (s3rver corrupts streamed uploads
 * otherwise), and static credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`(/`AWS_SESSION_TOKEN`)
 * of `env` when given. Without it: credentials from the Lambda environment. Either way the region is the
 * bucket's (`S3_BUCKET_REGION`, else the function's own), so a bucket in another region is written
 * without a `301 PermanentRedirect`. No network until the first request.
 */
function createS3Client(
  config: ProcessorConfig,
  env: Readonly<Record<string, string | undefined>>,
): S3Client {
  const region = config.bucketRegion ?? config.sourceRegion;
  if (config.endpoint === undefined) return new S3Client({ region });
  const clientConfig: S3ClientConfig = {
    endpoint: config.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    region,
  };
  if (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined) {
    clientConfig.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: env.AWS_SESSION_TOKEN }),
    };
  }
  return new S3Client(clientConfig);
}

/** Records one invocation's counts as EMF metrics and prints them (one JSON line on stdout). */
function publishMetrics(metrics: Metrics | undefined, result: ProcessResult): void {
  if (metrics === undefined) return;
  const written = result.outcome === "written";
  metrics.addMetric("LogEventsIn", MetricUnit.Count, result.eventsIn);
  metrics.addMetric("BytesIn", MetricUnit.Bytes, result.bytesIn);
  metrics.addMetric("LinesWritten", MetricUnit.Count, written ? result.linesOut : 0);
  metrics.addMetric("LinesWrapped", MetricUnit.Count, written ? result.linesWrapped : 0);
  metrics.addMetric("LinesWithoutTimestamp", MetricUnit.Count, written ? result.linesWithoutTimestamp : 0);
  metrics.addMetric("BytesOut", MetricUnit.Bytes, written ? result.bytesOut : 0);
  metrics.addMetric("ObjectsWritten", MetricUnit.Count, written ? 1 : 0);
  metrics.addMetric("DuplicateDeliveries", MetricUnit.Count, result.outcome === "duplicate" ? 1 : 0);
  metrics.addMetric("ControlMessages", MetricUnit.Count, result.outcome === "control" ? 1 : 0);
  metrics.publishStoredMetrics();
}

/**
 * Creates the Lambda handler.
 *
 * The handler takes a CloudWatch Logs subscription event (`{"awslogs":{"data":…}}`), writes one
 * gzip JSON Lines object (`ContentType: application/gzip`, no `Content-Encoding`) with
 * `IfNoneMatch: "*"`, prints one structured log line and one EMF metrics line, and resolves with a
 * {@link ProcessResult}. Given the Lambda context (second argument), every log line of the
 * invocation carries its request id (`function_request_id`), function name and cold start; once the
 * payload is decoded, also `logGroup`, `logStream` and `firstLogEventId`, so an operator can go from
 * an alarm or an on-failure record to the batch. It rejects (so Lambda retries, then keeps the event in the on-failure
 * destination) on unreadable input ({@link SubscriptionEventError}) and on any S3 error except 412
 * (already written: outcome `duplicate`); a 409 ConditionalRequestConflict is retried with
 * exponential backoff and full jitter ({@link conflictRetryDelayMs}), {@link CONFLICT_MAX_ATTEMPTS}
 * attempts in all, and the last 409 is rethrown.
 *
 * Environment: `S3_BUCKET` (required), `AWS_REGION` (required, Lambda sets it), `S3_BUCKET_REGION`
 * (default `AWS_REGION`), `S3_PREFIX` (default `raw/`), `GZIP_LEVEL` (0–9, default 6), `S3_ENDPOINT`,
 * `REDACT_HEADERS`, `ENVIRONMENT_NAME` (default `unknown`), `POWERTOOLS_LOG_LEVEL` (`SILENT`
 * silences the log lines), `POWERTOOLS_METRICS_DISABLED` (`true` silences the EMF lines),
 * `MAX_PAYLOAD_BYTES` (default from `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, see `readConfig`).
 *
 * @throws ConfigError at once when the configuration is invalid.
 */
export function createHandler(
  options: HandlerOptions = {},
): (event: unknown, context?: LambdaContext) => Promise<ProcessResult> {
  const env = options.env ?? process.env;
  const config = readConfig(env);
  const s3 = options.s3 ?? createS3Client(config, env);
  const logger = new Logger({
    serviceName: "waf-log-processor",
    ...(config.logLevel ? { logLevel: config.logLevel as LogLevelName } : {}),
  });
  let metrics: Metrics | undefined;
  if (!config.metricsDisabled) {
    metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: "waf-log-processor" });
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({ Environment: config.environmentName });
  }

  async function put(key: string, body: Buffer): Promise<"written" | "duplicate"> {
    const command = new PutObjectCommand({
      Bucket: config.bucket,
      Key: key,
      Body: body,
      ContentType: "application/gzip",
      IfNoneMatch: "*",
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await s3.send(command);
        return "written";
      } catch (error) {
        if (isPreconditionFailed(error)) return "duplicate";
        if (attempt < CONFLICT_MAX_ATTEMPTS && isConditionalRequestConflict(error)) {
          await sleep(conflictRetryDelayMs(attempt));
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Reads the payload as a stream: every log event becomes a line as soon as it is read, lines go
   * to the gzip body in chunks of {@link FLUSH_BYTES} (compressed in segments on the thread pool,
   * see `GzipBody`), and only the compressed body is kept until PutObject
   * (which needs the whole body: the key holds the digest of the whole payload, known at its end).
   */
  async function processEvent(event: unknown, context: Record<string, unknown>): Promise<ProcessResult> {
    const body = new GzipBody(config.gzipLevel);
    const lines = new LineWriter({
      redactHeaders: config.redactHeaders,
      flushBytes: FLUSH_BYTES,
      onFlush: (chunk, release) => body.write(chunk, release),
    });
    let payload: StreamedPayload;
    try {
      payload = await streamSubscriptionEvent(event, {
        maxPayloadBytes: config.maxPayloadBytes,
        onLogEvent: (logEvent, messageText) => lines.add(logEvent, messageText),
        onLogEventBytes: (logEvent, message) => lines.addBytes(logEvent, message),
        afterChunk: () => body.drained(),
      });
    } catch (error) {
      body.destroy();
      throw error;
    }
    const bytesIn = payload.decodedBytes;
    if (payload.kind === "control") {
      body.destroy();
      const { logGroup, logStream } = payload.payload;
      logger.appendKeys({ logGroup, logStream });
      Object.assign(context, { messageType: payload.payload.messageType });
      return { ...NOTHING_WRITTEN, outcome: "control", eventsIn: payload.payload.logEventCount, bytesIn };
    }
    const { owner, logGroup, logStream } = payload.payload;
    const first = payload.firstLogEvent;
    logger.appendKeys({ logGroup, logStream, ...(first === undefined ? {} : { firstLogEventId: first.id }) });
    Object.assign(context, { eventsIn: payload.logEventCount, bytesIn });
    if (first === undefined) {
      body.destroy();
      return { ...NOTHING_WRITTEN, outcome: "empty", eventsIn: 0, bytesIn };
    }
    lines.flush();
    const gzip = await body.finish();
    const key = objectKey({
      prefix: config.prefix,
      accountId: owner,
      region: config.sourceRegion,
      logGroup,
      logStream,
      firstTimestamp: first.timestamp,
      firstEventId: first.id,
      digest: payload.digest,
    });
    if (lines.linesWithoutTimestamp > 0) {
      logger.warn("records without a usable timestamp", {
        linesWithoutTimestamp: lines.linesWithoutTimestamp,
        logEventIds: lines.idsWithoutTimestamp,
        key,
      });
    }
    const counts = {
      key,
      linesOut: lines.lines,
      linesWrapped: lines.linesWrapped,
      linesWithoutTimestamp: lines.linesWithoutTimestamp,
      bytesOut: gzip.length,
    };
    Object.assign(context, counts);
    const outcome = await put(key, gzip);
    return { outcome, eventsIn: payload.logEventCount, bytesIn, ...counts };
  }

  return async (event: unknown, lambdaContext?: LambdaContext): Promise<ProcessResult> => {
    // Every line of this invocation names it: Lambda's request id (and function, cold start) from
    // the context, then the batch's log group, log stream and first log event id once decoded.
    logger.resetKeys();
    if (lambdaContext !== undefined) logger.addContext(lambdaContext);
    const context: Record<string, unknown> = {};
    let result: ProcessResult;
    try {
      result = await processEvent(event, context);
    } catch (error) {
      logger.error("subscription event failed", { ...context, outcome: "failed", error: error as Error });
      throw error;
    }
    logger.info("subscription event processed", {
      ...("messageType" in context ? { messageType: context.messageType } : {}),
      eventsIn: result.eventsIn,
      linesOut: result.linesOut,
      linesWrapped: result.linesWrapped,
      linesWithoutTimestamp: result.linesWithoutTimestamp,
      bytesIn: result.bytesIn,
      bytesOut: result.bytesOut,
      key: result.key,
      outcome: result.outcome,
    });
    publishMetrics(metrics, result);
    return result;
  };
}

let defaultHandler: ((event: unknown, context?: LambdaContext) => Promise<ProcessResult>) | undefined;

/**
 * The Lambda handler (`index.handler`): {@link createHandler} with `process.env`, created on the
 * first invocation and reused by the execution environment (one S3 client, logger and metrics).
 *
 * @throws ConfigError on the first invocation when the configuration is invalid.
 */
export const handler = async (event: unknown, context?: LambdaContext): Promise<ProcessResult> => {
  defaultHandler ??= createHandler();
  return defaultHandler(event, context);
};
