import { crc32, gunzipSync, gzipSync, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  DEFLATE_WINDOW_BYTES,
  GzipBody,
  MAX_SEGMENTS_IN_FLIGHT,
  SEGMENT_BYTES,
  segmentSize,
} from "../../../functions/waf-log-processor/gzip-body";
import { generateWafLogEvents } from "../../../commands/lib/waf-records";

/** JSON Lines of generated WAF records, at least `bytes` long, cut to exactly `bytes`. */
function wafLines(bytes: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let seed = 1; length < bytes; seed++) {
    for (const event of generateWafLogEvents({ count: 200, seed })) {
      lines.push(`${event.message}\n`);
      length += Buffer.byteLength(lines.at(-1)!);
    }
  }
  return Buffer.from(lines.join("")).subarray(0, bytes);
}

/** Bytes in which every 4 KiB block repeats, with variation, 40 KiB later: across the segment boundaries only a dictionary finds those matches. */
function farRepeats(bytes: number): Buffer {
  const block = Buffer.alloc(4096);
  for (let i = 0; i < block.length; i++) block[i] = (i * 7919) % 251;
  const out = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; at += 4096) {
    block.copy(out, at);
    out[at] = (at / 4096) % 256;
  }
  return out;
}

async function gzipInChunks(input: Buffer, chunkBytes: number, level = 6): Promise<Buffer> {
  const body = new GzipBody(level);
  for (let at = 0; at < input.length; at += chunkBytes) {
    body.write(input.subarray(at, at + chunkBytes));
    await body.drained();
  }
  return body.finish();
}

describe("GzipBody", () => {
  it.each([0, 1, 1000, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 192 * 1024 + 1, 1_000_000, 3_000_000])(
    "gives one gzip member that gunzips to the %i bytes written (CRC-32 and ISIZE checked by zlib)",
    async (bytes) => {
      const input = wafLines(bytes);
      const gzip = await gzipInChunks(input, 50_000);

      expect(gunzipSync(gzip).equals(input)).toBe(true);
      // One member: header, one deflate stream that ends the data, trailer of CRC-32 and length.
      expect([...gzip.subarray(0, 4)]).toEqual([0x1f, 0x8b, 0x08, 0x00]);
      expect(inflateRawSync(gzip.subarray(10, -8)).equals(input)).toBe(true);
      expect(gzip.readUInt32LE(gzip.length - 8)).toBe(crc32(input));
      expect(gzip.readUInt32LE(gzip.length - 4)).toBe(bytes);
    },
  );

  it("gives the same bytes however the input is cut into writes", async () => {
    const input = wafLines(900_000);
    const whole = await gzipInChunks(input, input.length);

    for (const chunkBytes of [1, 4096, 65_536, 100_003]) {
      const cut = chunkBytes === 1 ? input.subarray(0, 70_000) : input;
      const expected = chunkBytes === 1 ? await gzipInChunks(cut, cut.length) : whole;
      expect((await gzipInChunks(cut, chunkBytes)).equals(expected)).toBe(true);
    }
  });

  it("primes each segment with the window before it, so it compresses about as well as one stream", async () => {
    const records = wafLines(2_000_000);
    const repeats = farRepeats(2_000_000);

    const recordsGzip = await gzipInChunks(records, 65_536);
    const repeatsGzip = await gzipInChunks(repeats, 65_536);

    // Without the dictionary, records grow by about 6.5 % and the far repeats by far more.
    expect(recordsGzip.length / gzipSync(records).length).toBeLessThan(1.01);
    expect(repeatsGzip.length / gzipSync(repeats).length).toBeLessThan(1.05);
    expect(gunzipSync(repeatsGzip).equals(repeats)).toBe(true);
  });

  it("joins segments whose dictionary is shorter than the window (the first segments)", async () => {
    expect(segmentSize(0)).toBeGreaterThanOrEqual(DEFLATE_WINDOW_BYTES);
    const input = farRepeats(segmentSize(0) + 10);

    expect(gunzipSync(await gzipInChunks(input, 7)).equals(input)).toBe(true);
  });

  it.each([0, 1, 9])("works at level %i", async (level) => {
    const input = wafLines(700_000);

    expect(gunzipSync(await gzipInChunks(input, 80_000, level)).equals(input)).toBe(true);
  });

  it("asks the writer to wait once MAX_SEGMENTS_IN_FLIGHT segments are being compressed", async () => {
    const body = new GzipBody(6);
    let written = 0;
    for (let index = 0; index < MAX_SEGMENTS_IN_FLIGHT - 1; index++) {
      body.write(wafLines(segmentSize(index)));
      written += segmentSize(index);
      // Fewer in flight than the limit, whether or not they are done yet.
      expect(body.drained()).toBeUndefined();
    }
    body.write(wafLines(segmentSize(MAX_SEGMENTS_IN_FLIGHT - 1)));
    written += segmentSize(MAX_SEGMENTS_IN_FLIGHT - 1);
    const wait = body.drained();

    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(body.drained()).toBeUndefined();
    expect(gunzipSync(await body.finish()).length).toBe(written);
  });

  it("calls the write's consumed callback at once: the bytes are copied", () => {
    const body = new GzipBody(6);
    let consumed = false;
    body.write(Buffer.from("{}\n"), () => (consumed = true));

    expect(consumed).toBe(true);
    body.destroy();
  });

  it("cuts one large write into segments of SEGMENT_BYTES", async () => {
    const input = wafLines(segmentSize(0) + segmentSize(1) + 3 * SEGMENT_BYTES + 5);

    expect(gunzipSync(await gzipInChunks(input, input.length)).equals(input)).toBe(true);
  });

  it("refuses a level outside 0-9 and writes after destroy", () => {
    expect(() => new GzipBody(10)).toThrow("GzipBody: level must be an integer from 0 to 9, got 10");
    const body = new GzipBody(6);
    body.destroy();
    expect(() => body.write(Buffer.from("x"))).toThrow("GzipBody: write after destroy");
  });

  it("refuses writes and a second finish after finish (its buffer went back to the pool)", async () => {
    const body = new GzipBody(6);
    body.write(Buffer.from("{}\n"));
    await body.finish();

    expect(() => body.write(Buffer.from("x"))).toThrow("GzipBody: write after finish");
    await expect(body.finish()).rejects.toThrow("GzipBody: finish after finish");
  });
});
