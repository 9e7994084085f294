import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  EventShapeError,
  InvalidBase64Error,
  InvalidJsonError,
  NotGzipError,
  PayloadShapeError,
  PayloadTooLargeError,
  decodeBase64,
  decodeSubscriptionEvent,
} from "../../../functions/waf-log-processor/decode";
import {
  dataPayload,
  eventFromBytes,
  eventFromPayload,
  logEvents,
  readSampleEvent,
  sampleRecords,
} from "../../helpers/cloudwatch-logs-event";

describe("decodeSubscriptionEvent", () => {
  it("decodes the sample DATA_MESSAGE into its four log events", async () => {
    const decoded = await decodeSubscriptionEvent(readSampleEvent("cwl-data-message.json"));

    expect(decoded.kind).toBe("data");
    expect(decoded.payload).toMatchObject({
      messageType: "DATA_MESSAGE",
      owner: "111122223333",
      logGroup: "aws-waf-logs-example",
      logStream: "us-east-1_example-web-acl_0",
      subscriptionFilters: ["waf-log-pipeline"],
    });
    expect(decoded.kind === "data" && decoded.payload.logEvents.map((e) => e.message)).toEqual(
      sampleRecords(),
    );
  });

  it("returns the gunzipped payload bytes", async () => {
    const payload = dataPayload(logEvents(["a"]));

    const decoded = await decodeSubscriptionEvent(eventFromPayload(payload));

    expect(decoded.decoded.toString("utf8")).toBe(JSON.stringify(payload));
  });

  it("reports the sample CONTROL_MESSAGE as a control payload", async () => {
    const decoded = await decodeSubscriptionEvent(readSampleEvent("cwl-control-message.json"));

    expect(decoded).toMatchObject({
      kind: "control",
      payload: { messageType: "CONTROL_MESSAGE", logGroup: "", logStream: "", logEventCount: 1 },
    });
  });

  it.each(["data_message", "DATA_MESSAGE ", "control_message", "SOMETHING_NEW", ""])(
    "rejects messageType %j, naming it, instead of skipping the payload",
    async (messageType) => {
      await expect(
        decodeSubscriptionEvent(eventFromPayload(dataPayload([], { messageType }))),
      ).rejects.toThrow(
        new PayloadShapeError(
          `awslogs.data payload has messageType ${JSON.stringify(messageType)}; expected exactly "DATA_MESSAGE" or "CONTROL_MESSAGE"`,
        ),
      );
    },
  );

  it("rejects a payload that decompresses past maxPayloadBytes, with the cap and the size reached", async () => {
    const event = eventFromBytes(gzipSync(Buffer.alloc(1024 * 1024, 0x20)));

    await expect(decodeSubscriptionEvent(event, { maxPayloadBytes: 100_000 })).rejects.toThrow(
      new PayloadTooLargeError(
        "awslogs.data decompresses to more than the cap of 100000 bytes (MAX_PAYLOAD_BYTES): stopped after 131072 bytes",
      ),
    );
  });

  it("accepts a payload of exactly maxPayloadBytes", async () => {
    const payload = Buffer.from(JSON.stringify(dataPayload(logEvents(["a"]))));

    const decoded = await decodeSubscriptionEvent(eventFromBytes(gzipSync(payload)), {
      maxPayloadBytes: payload.length,
    });

    expect(decoded.decoded).toEqual(payload);
  });

  it("rejects an event without awslogs.data, naming the path", async () => {
    await expect(decodeSubscriptionEvent({ Records: [] })).rejects.toThrow(
      new EventShapeError(
        'Subscription event has the wrong shape (expected {"awslogs":{"data":"<base64>"}}): awslogs: Invalid input: expected object, received undefined',
      ),
    );
  });

  it("rejects an event whose awslogs.data is not a string", async () => {
    await expect(decodeSubscriptionEvent({ awslogs: { data: 42 } })).rejects.toThrow(
      'Subscription event has the wrong shape (expected {"awslogs":{"data":"<base64>"}}): awslogs.data: Invalid input: expected string, received number',
    );
  });

  it("rejects data with a character outside the base64 alphabet as bad base64", async () => {
    await expect(decodeSubscriptionEvent({ awslogs: { data: "H4sI!AAA" } })).rejects.toThrow(
      new InvalidBase64Error(
        'awslogs.data is not valid base64: character "!" at offset 4 is not in the base64 alphabet',
      ),
    );
  });

  it("rejects data of the wrong length as bad base64", async () => {
    await expect(decodeSubscriptionEvent({ awslogs: { data: "H4sIAAA" } })).rejects.toThrow(
      new InvalidBase64Error("awslogs.data is not valid base64: length 7 is not a multiple of 4"),
    );
  });

  it("rejects URL-safe base64 as bad base64", async () => {
    await expect(decodeSubscriptionEvent({ awslogs: { data: "H4sI-_AA" } })).rejects.toThrow(
      new InvalidBase64Error(
        'awslogs.data is not valid base64: character "-" at offset 4 is not in the base64 alphabet',
      ),
    );
  });

  it("rejects padding in the middle as bad base64", async () => {
    await expect(decodeSubscriptionEvent({ awslogs: { data: "QQ==QUFB" } })).rejects.toThrow(
      new InvalidBase64Error(
        'awslogs.data is not valid base64: padding "=" at offset 2 is not one or two characters at the end',
      ),
    );
  });

  it("rejects base64 of bytes that are not gzip as not gzip", async () => {
    const event = eventFromBytes(Buffer.from('{"messageType":"DATA_MESSAGE"}'));

    await expect(decodeSubscriptionEvent(event)).rejects.toThrow(
      new NotGzipError(
        "awslogs.data is not gzip: the decoded 30 bytes do not start with the gzip magic number 1f 8b",
      ),
    );
  });

  it("rejects a truncated gzip stream as not valid gzip", async () => {
    const gzip = gzipSync(JSON.stringify(dataPayload(logEvents(["a"]))));
    const event = eventFromBytes(gzip.subarray(0, gzip.length - 10));

    await expect(decodeSubscriptionEvent(event)).rejects.toThrow(
      new NotGzipError("awslogs.data is not valid gzip: unexpected end of file"),
    );
  });

  it("rejects gzip of text that is not JSON as invalid JSON", async () => {
    const event = eventFromBytes(gzipSync("not json"));

    await expect(decodeSubscriptionEvent(event)).rejects.toThrow(InvalidJsonError);
    await expect(decodeSubscriptionEvent(event)).rejects.toThrow(
      /^awslogs\.data does not contain valid JSON: Unexpected token/,
    );
  });

  it("rejects a payload without messageType as the wrong shape", async () => {
    await expect(decodeSubscriptionEvent(eventFromPayload([1, 2]))).rejects.toThrow(
      new PayloadShapeError(
        "awslogs.data payload has the wrong shape: (root): Invalid input: expected object, received array",
      ),
    );
  });

  it("lists every failing path of a DATA_MESSAGE of the wrong shape", async () => {
    const events = [...logEvents(["ok", "bad"])];
    const payload = dataPayload([events[0]!, { ...events[1]!, timestamp: "1764460800001" }], {
      logGroup: "",
    });

    await expect(decodeSubscriptionEvent(eventFromPayload(payload))).rejects.toThrow(
      new PayloadShapeError(
        "awslogs.data payload has the wrong shape: logGroup: Too small: expected string to have >=1 characters; " +
          "logEvents.1.timestamp: Invalid input: expected number, received string",
      ),
    );
  });

  it("rejects a log event without a message", async () => {
    const payload = dataPayload([{ id: "1", timestamp: 1 }]);

    await expect(decodeSubscriptionEvent(eventFromPayload(payload))).rejects.toThrow(
      "awslogs.data payload has the wrong shape: logEvents.0.message: Invalid input: expected string, received undefined",
    );
  });

  it("rejects a timestamp that is not an integer", async () => {
    const payload = dataPayload([{ id: "1", timestamp: 1.5, message: "m" }]);

    await expect(decodeSubscriptionEvent(eventFromPayload(payload))).rejects.toThrow(
      "awslogs.data payload has the wrong shape: logEvents.0.timestamp: Invalid input: expected int, received number",
    );
  });

  it("rejects a timestamp after year 9999", async () => {
    const payload = dataPayload([{ id: "1", timestamp: 253_402_300_800_000, message: "m" }]);

    await expect(decodeSubscriptionEvent(eventFromPayload(payload))).rejects.toThrow(
      "awslogs.data payload has the wrong shape: logEvents.0.timestamp: Too big: expected number to be <=253402300799999",
    );
  });

  it("rejects a log event that is an array", async () => {
    const payload = dataPayload([["1", 1, "m"]]);

    await expect(decodeSubscriptionEvent(eventFromPayload(payload))).rejects.toThrow(
      "awslogs.data payload has the wrong shape: logEvents.0: Invalid input: expected object, received array",
    );
  });

  it("accepts an empty logEvents list", async () => {
    const decoded = await decodeSubscriptionEvent(eventFromPayload(dataPayload([])));

    expect(decoded.kind === "data" && decoded.payload.logEvents).toEqual([]);
  });
});

describe("decodeBase64", () => {
  it("decodes padded standard base64", async () => {
    expect(decodeBase64("QUI=").toString("latin1")).toBe("AB");
  });

  it("rejects whitespace inside the text", async () => {
    expect(() => decodeBase64("QU I=")).toThrow(
      'awslogs.data is not valid base64: character " " at offset 2 is not in the base64 alphabet',
    );
  });
});
