/**
 * The bundle (`npm run build`) replaces the SDK's default credential chain with the environment
 * provider of `functions/waf-log-processor/lambda-credentials.ts`. These tests run the built bundle's
 * own S3 client (no `s3` injected) against s3rver on 127.0.0.1, the way Lambda runs it: credentials
 * only in `process.env`.
 */
import { readFileSync } from "node:fs";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createS3Client,
  EMBEDDED_S3_CREDENTIALS,
  startEmbeddedS3,
  type EmbeddedS3,
} from "../../../commands/lib/embedded-s3";
import { loadProcessor, processorEnv } from "../../../commands/lib/processor-bundle";
import { readSampleEvent } from "../../helpers/cloudwatch-logs-event";

const BUCKET = "bundle-credentials";

let server: EmbeddedS3;

beforeAll(async () => {
  server = await startEmbeddedS3({ bucket: BUCKET });
});

afterAll(async () => {
  await server.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A handler of the built bundle with its own S3 client; `env` has no credentials in it. */
function bundleHandler() {
  const processor = loadProcessor();
  const env = processorEnv({ S3_BUCKET: BUCKET, S3_ENDPOINT: server.endpoint });
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  return processor.createHandler({ env });
}

describe("waf-log-processor bundle credentials", () => {
  it("leaves the SDK's SSO, shared-config and process credential providers out of the bundle", () => {
    const bundle = readFileSync(loadProcessor().path, "utf8");

    expect(bundle).not.toContain("defaultProvider::fromSSO");
    expect(bundle).not.toContain("defaultProvider::fromIni");
    expect(bundle).toContain("the waf-log-processor bundle reads credentials from the environment only");
  });

  it("signs its PutObject with the credentials in process.env, as Lambda sets them", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", EMBEDDED_S3_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", EMBEDDED_S3_CREDENTIALS.secretAccessKey);

    const result = await bundleHandler()(readSampleEvent("cwl-data-message.json"));

    expect(result.outcome).toBe("written");
    const client = createS3Client({ endpoint: server.endpoint, credentials: EMBEDDED_S3_CREDENTIALS });
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: result.key }));
    expect((await object.Body!.transformToByteArray()).length).toBe(result.bytesOut);
  });

  it("fails the invocation, naming the variables, when process.env has no credentials", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    vi.stubEnv("AWS_PROFILE", "");

    await expect(bundleHandler()(readSampleEvent("cwl-data-message.json"))).rejects.toThrow(
      "Could not load credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set " +
        "(Lambda sets them to the execution role's credentials; the waf-log-processor bundle " +
        "reads credentials from the environment only, see functions/waf-log-processor/lambda-credentials.ts)",
    );
  });
});
