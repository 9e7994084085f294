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
import { gzipSync } from "node:zlib";
import { PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel as LogLevelName } from "@aws-lambda-powertools/logger/types";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { readConfig, type ProcessorConfig } from "./config";
import { METRICS_NAMESPACE } from "./environment";
import { decodeSubscriptionEvent } from "./decode";
import { toLines } from "./lines";
import { objectKey, payloadDigest } from "./object-key";

export { ConfigError, readConfig, type ProcessorConfig } from "./config";
export {
  EventShapeError,
  InvalidBase64Error,
  InvalidJsonError,
  NotGzipError,
  PayloadShapeError,
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

/** What one invocation did. */
export interface ProcessResult {
  /**
   * `written`: a new object; `duplicate`: the object already existed (S3 answered 412 to
   * `IfNoneMatch: "*"`, an earlier delivery wrote it); `control`: a non-`DATA_MESSAGE` payload,
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
  /** Decoded (gunzipped) payload bytes. */
  readonly bytesIn: number;
  /** Gzip object bytes (0 when nothing is written). */
  readonly bytesOut: number;
}

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
 * {@link ProcessResult}. It rejects (so Lambda retries, then keeps the event in the on-failure
 * destination) on unreadable input ({@link SubscriptionEventError}) and on any S3 error except 412
 * (already written: outcome `duplicate`); a 409 ConditionalRequestConflict is retried once first.
 *
 * Environment: `S3_BUCKET` (required), `AWS_REGION` (required, Lambda sets it), `S3_BUCKET_REGION`
 * (default `AWS_REGION`), `S3_PREFIX` (default `raw/`), `GZIP_LEVEL` (0–9, default 6), `S3_ENDPOINT`, `REDACT_HEADERS`, `ENVIRONMENT_NAME` (default `unknown`), `POWERTOOLS_LOG_LEVEL`
 * (`SILENT` silences the log lines), `POWERTOOLS_METRICS_DISABLED` (`true` silences the EMF lines).
 *
 * @throws ConfigError at once when the configuration is invalid.
 */
export function createHandler(options: HandlerOptions = {}): (event: unknown) => Promise<ProcessResult> {
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
        if (attempt === 1 && isConditionalRequestConflict(error)) continue;
        throw error;
      }
    }
  }

  async function processEvent(event: unknown, context: Record<string, unknown>): Promise<ProcessResult> {
    const decoded = decodeSubscriptionEvent(event, { utf8ByteMessages: true });
    const bytesIn = decoded.decoded.length;
    if (decoded.kind === "control") {
      const { logGroup, logStream, logEventCount, messageType } = decoded.payload;
      Object.assign(context, { messageType, logGroup, logStream });
      return {
        outcome: "control",
        eventsIn: logEventCount,
        linesOut: 0,
        linesWrapped: 0,
        bytesIn,
        bytesOut: 0,
      };
    }
    const { owner, logGroup, logStream, logEvents } = decoded.payload;
    Object.assign(context, { logGroup, logStream, eventsIn: logEvents.length, bytesIn });
    const first = logEvents[0];
    if (first === undefined) {
      return { outcome: "empty", eventsIn: 0, linesOut: 0, linesWrapped: 0, bytesIn, bytesOut: 0 };
    }
    const lines = toLines(logEvents, config.redactHeaders, decoded.messageText);
    const body = gzipSync(lines.body, { level: config.gzipLevel });
    const key = objectKey({
      prefix: config.prefix,
      accountId: owner,
      region: config.sourceRegion,
      logGroup,
      logStream,
      firstTimestamp: first.timestamp,
      firstEventId: first.id,
      digest: payloadDigest(decoded.decoded),
    });
    Object.assign(context, {
      key,
      linesOut: lines.lines,
      linesWrapped: lines.linesWrapped,
      bytesOut: body.length,
    });
    const outcome = await put(key, body);
    return {
      outcome,
      key,
      eventsIn: logEvents.length,
      linesOut: lines.lines,
      linesWrapped: lines.linesWrapped,
      bytesIn,
      bytesOut: body.length,
    };
  }

  return async (event: unknown): Promise<ProcessResult> => {
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
      logGroup: context.logGroup,
      logStream: context.logStream,
      eventsIn: result.eventsIn,
      linesOut: result.linesOut,
      linesWrapped: result.linesWrapped,
      bytesIn: result.bytesIn,
      bytesOut: result.bytesOut,
      key: result.key,
      outcome: result.outcome,
    });
    publishMetrics(metrics, result);
    return result;
  };
}

let defaultHandler: ((event: unknown) => Promise<ProcessResult>) | undefined;

/**
 * The Lambda handler (`index.handler`): {@link createHandler} with `process.env`, created on the
 * first invocation and reused by the execution environment (one S3 client, logger and metrics).
 *
 * @throws ConfigError on the first invocation when the configuration is invalid.
 */
export const handler = async (event: unknown): Promise<ProcessResult> => {
  defaultHandler ??= createHandler();
  return defaultHandler(event);
};
