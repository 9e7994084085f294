import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createS3Client,
  EMBEDDED_S3_CREDENTIALS,
  startEmbeddedS3,
  type EmbeddedS3,
} from "../../commands/lib/embedded-s3";
import {
  loadProcessor,
  processorEnv,
  type Handler,
  type ProcessResult,
} from "../../commands/lib/processor-bundle";
import { encodeSubscriptionEvent, packBatches } from "../../commands/lib/subscription-event";
import { generateWafLogEvents } from "../../commands/lib/waf-records";

const BUCKET = "outage-test";
/** Subscription events replayed, and how many go through before S3 stops. */
const EVENTS = 12;
const BEFORE_OUTAGE = 5;

/** What one invocation did: resolved with a result, or rejected with an error. */
type Outcome = { payload: CloudWatchLogsDecodedData } & ({ resolved: ProcessResult } | { rejected: unknown });

/** EVENTS distinct DATA_MESSAGE payloads of 10 WAF records each (all JSON, so lines equal messages). */
function payloads(): CloudWatchLogsDecodedData[] {
  const logEvents = generateWafLogEvents({ count: EVENTS * 10, seed: 5, nonJsonShare: 0 });
  const source = {
    owner: "111122223333",
    logGroup: "aws-waf-logs-outage",
    logStream: "us-east-1_outage_0",
    subscriptionFilters: ["waf-log-pipeline"],
  };
  return packBatches(logEvents, source, [10]);
}

/** A client that gives up fast: one retry, so a stopped server fails the invocation in milliseconds. */
function quickClient(server: EmbeddedS3): S3Client {
  return createS3Client({ endpoint: server.endpoint, credentials: EMBEDDED_S3_CREDENTIALS, maxAttempts: 2 });
}

async function invoke(handler: Handler, payload: CloudWatchLogsDecodedData): Promise<Outcome> {
  const event: CloudWatchLogsEvent = encodeSubscriptionEvent(payload);
  try {
    return { payload, resolved: await handler(event) };
  } catch (error) {
    return { payload, rejected: error };
  }
}

async function objectLines(client: S3Client, key: string): Promise<string[]> {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const body = gunzipSync(await object.Body!.transformToByteArray()).toString("utf8");
  return body.split("\n").slice(0, -1);
}

describe("waf-log-processor bundle when S3 stops mid-run", () => {
  let directory: string;
  const cleanup: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "s3-outage-test-"));
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await rm(directory, { recursive: true, force: true });
  });

  /**
   * Invokes the bundle over every payload: BEFORE_OUTAGE with the server up, one with the server
   * stopping while the invocation is in flight, the rest with the server down.
   */
  async function runWithOutage(): Promise<Outcome[]> {
    const server = await startEmbeddedS3({ bucket: BUCKET, directory });
    cleanup.push(() => server.stop());
    const client = quickClient(server);
    cleanup.push(async () => client.destroy());
    const handler = loadProcessor().createHandler({ env: processorEnv({ S3_BUCKET: BUCKET }), s3: client });
    const outcomes: Outcome[] = [];
    for (const [index, payload] of payloads().entries()) {
      if (index === BEFORE_OUTAGE) {
        const inFlight = invoke(handler, payload);
        await server.stop();
        outcomes.push(await inFlight);
      } else {
        outcomes.push(await invoke(handler, payload));
      }
    }
    return outcomes;
  }

  /** Restarts S3 on the same directory; returns a client for it. */
  async function restart(): Promise<S3Client> {
    const server = await startEmbeddedS3({ bucket: BUCKET, directory });
    cleanup.push(() => server.stop());
    const client = quickClient(server);
    cleanup.push(async () => client.destroy());
    return client;
  }

  it("resolves only for events whose object exists, with every log event in it", async () => {
    const outcomes = await runWithOutage();
    const client = await restart();

    const resolved = outcomes.filter((outcome) => "resolved" in outcome);
    expect(resolved.length).toBeGreaterThanOrEqual(BEFORE_OUTAGE);
    for (const outcome of resolved) {
      expect(outcome.resolved.outcome).toBe("written");
      expect(await objectLines(client, outcome.resolved.key!)).toEqual(
        outcome.payload.logEvents.map((logEvent) => logEvent.message),
      );
    }
  });

  it("rejects with the connection error for every event sent while S3 is down", async () => {
    const outcomes = await runWithOutage();

    const afterOutage = outcomes.slice(BEFORE_OUTAGE + 1);
    expect(
      afterOutage.map((outcome) =>
        "rejected" in outcome ? (outcome.rejected as NodeJS.ErrnoException).code : "resolved",
      ),
    ).toEqual(afterOutage.map(() => "ECONNREFUSED"));
  });

  it("stores no object beyond the resolved events and the one in flight when S3 stopped", async () => {
    const outcomes = await runWithOutage();
    const client = await restart();

    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const stored = (listed.Contents ?? []).map((object) => object.Key).sort();
    const resolvedKeys = outcomes.flatMap((outcome) => ("resolved" in outcome ? [outcome.resolved.key] : []));
    const inFlight = outcomes[BEFORE_OUTAGE]!;
    // A write can land while its response is lost: the handler rejects, and Lambda's retry gets a 412.
    const unacknowledgedAllowed = "resolved" in inFlight ? 0 : 1;
    expect(stored).toEqual(expect.arrayContaining(resolvedKeys));
    expect(stored.length - resolvedKeys.length).toBeLessThanOrEqual(unacknowledgedAllowed);
  });

  it("writes every rejected event when Lambda retries it after S3 is back", async () => {
    const outcomes = await runWithOutage();
    const client = await restart();
    const handler = loadProcessor().createHandler({ env: processorEnv({ S3_BUCKET: BUCKET }), s3: client });

    const retried = await Promise.all(
      outcomes.filter((outcome) => "rejected" in outcome).map((outcome) => invoke(handler, outcome.payload)),
    );

    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(retried.every((outcome) => "resolved" in outcome)).toBe(true);
    expect(listed.KeyCount).toBe(EVENTS);
  });
});
