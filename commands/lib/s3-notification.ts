/**
 * S3 event notifications as S3 puts them on an SQS queue, and as a consumer (Cortex's Amazon S3
 * collector) reads them: the message body, the object key encoding, the notification filter.
 *
 * Message structure (version 2.1, `Records[].s3.bucket.name`, `Records[].s3.object.key`, `size`,
 * `eTag`, `sequencer`): https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * ("The object key name value is URL encoded. For example, "red flower.jpg" becomes "red+flower.jpg"
 * (Amazon S3 returns "application/x-www-form-urlencoded" as the content type in the response)").
 * The test event S3 sends when a notification is configured (`"Event": "s3:TestEvent"`, no `Records`):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 * Filters (prefix and suffix of the key, matched on the key itself):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */

/** One queue configuration of a bucket's notification configuration. */
export interface QueueNotificationFilter {
  /** Id of the configuration; S3 puts it in each message as `configurationId`. */
  readonly id: string;
  /** Only keys starting with this are notified (`""`: every key). */
  readonly prefix: string;
  /** Only keys ending with this are notified (`""`: every key). */
  readonly suffix: string;
}

/** An object S3 reports as created. */
export interface CreatedObject {
  readonly bucket: string;
  /** The object key as stored (not encoded). */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** Entity tag, without quotes. */
  readonly eTag: string;
  /** Region of the bucket. */
  readonly region: string;
  /** When S3 finished the request, ms since epoch. */
  readonly time: number;
  /** Event name without the `s3:` prefix. @default "ObjectCreated:Put" */
  readonly eventName?: string;
  /** Hexadecimal sequencer. @default the time in hex */
  readonly sequencer?: string;
}

/**
 * Does `key` pass the filter: it starts with `prefix` and ends with `suffix`?
 */
export function matchesNotificationFilter(filter: QueueNotificationFilter, key: string): boolean {
  return key.startsWith(filter.prefix) && key.endsWith(filter.suffix);
}

/**
 * An object key URL-encoded the way S3 writes it into notifications (form encoding: a space becomes
 * `+`, `+` becomes `%2B`, `=` `%3D`, non-ASCII as UTF-8 percent escapes; `/` is kept).
 */
export function encodeEventKey(key: string): string {
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replaceAll("%20", "+"))
    .join("/");
}

/**
 * The object key of a notification record, decoded: `+` is a space, then percent escapes are decoded
 * (what a consumer must do before `GetObject`).
 *
 * @throws URIError when the key holds a malformed percent escape
 */
export function decodeEventKey(encoded: string): string {
  return decodeURIComponent(encoded.replaceAll("+", " "));
}

/**
 * The SQS message body S3 sends for `object` through queue configuration `filter` (one record,
 * `eventVersion` 2.1), as a JSON string.
 */
export function objectCreatedMessage(object: CreatedObject, filter: QueueNotificationFilter): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: object.region,
        eventTime: new Date(object.time).toISOString(),
        eventName: object.eventName ?? "ObjectCreated:Put",
        userIdentity: { principalId: "AWS:AROAEXAMPLELOGDELIVERY" },
        requestParameters: { sourceIPAddress: "203.0.113.10" },
        responseElements: { "x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "EXAMPLEHOSTID" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: filter.id,
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: "A3NL1KOZZKExample" },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeEventKey(object.key),
            size: object.size,
            eTag: object.eTag,
            sequencer: object.sequencer ?? object.time.toString(16).toUpperCase(),
          },
        },
      },
    ],
  });
}

/** An object a notification message names, key decoded. */
export interface NotifiedObject {
  readonly bucket: string;
  readonly key: string;
  /** Size in bytes as the message states it. */
  readonly size: number;
  /** `ObjectCreated:Put`, … */
  readonly eventName: string;
}

/**
 * The objects a notification message body names, as a consumer reads them: `[]` for S3's test event,
 * one entry per record otherwise, keys decoded.
 *
 * @throws Error when the body is not JSON, or neither a test event nor `{"Records": [...]}` with
 *   `s3.bucket.name`, `s3.object.key` (strings) and `s3.object.size` (a number) in every record
 */
export function objectsOfMessage(body: string): NotifiedObject[] {
  const message = JSON.parse(body) as { Event?: unknown; Records?: unknown };
  if (message.Event === "s3:TestEvent") return [];
  if (!Array.isArray(message.Records)) throw new Error("not an S3 event notification: no Records array");
  return message.Records.map((record: unknown, index: number) => {
    const r = record as {
      eventName?: unknown;
      s3?: { bucket?: { name?: unknown }; object?: { key?: unknown; size?: unknown } };
    };
    const bucket = r.s3?.bucket?.name;
    const key = r.s3?.object?.key;
    const size = r.s3?.object?.size;
    if (typeof bucket !== "string" || typeof key !== "string" || typeof size !== "number") {
      throw new Error(`Records[${index}]: expected s3.bucket.name, s3.object.key and s3.object.size`);
    }
    return { bucket, key: decodeEventKey(key), size, eventName: String(r.eventName) };
  });
}
