import { describe, expect, it } from "vitest";
import { BufferPool } from "../../../functions/waf-log-processor/buffer-pool";
import { LineWriter } from "../../../functions/waf-log-processor/lines";

describe("BufferPool", () => {
  it("gives back the smallest kept buffer that is large enough", () => {
    const pool = new BufferPool(4, 1000);
    const [small, middle, large] = [Buffer.alloc(10), Buffer.alloc(100), Buffer.alloc(1000)];
    pool.give(large);
    pool.give(small);
    pool.give(middle);

    expect(pool.take(50)).toBe(middle);
    expect(pool.take(5)).toBe(small);
    expect(pool.take(5)).toBe(large);
    expect(pool.size).toBe(0);
  });

  it("allocates allocBytes when nothing kept is large enough", () => {
    const pool = new BufferPool(4, 1000);
    pool.give(Buffer.alloc(10));

    expect(pool.take(20, 64).length).toBe(64);
    expect(pool.size).toBe(1);
  });

  it("keeps at most maxBuffers, and no buffer above maxBufferBytes", () => {
    const pool = new BufferPool(2, 100);
    pool.give(Buffer.alloc(101));
    pool.give(Buffer.alloc(1));
    pool.give(Buffer.alloc(2));
    pool.give(Buffer.alloc(3));

    expect(pool.size).toBe(2);
    expect(pool.take(101, 101)).toHaveLength(101);
    expect(pool.size).toBe(2);
  });

  it("refuses allocBytes below minBytes", () => {
    expect(() => new BufferPool(1, 1).take(10, 5)).toThrow(
      "BufferPool.take: allocBytes 5 is below minBytes 10",
    );
  });
});

describe("LineWriter and the kept buffers", () => {
  it("leaves the body written() returned alone when another writer runs (no onFlush: nothing given back)", () => {
    const record = `{"timestamp":1764460800000,"pad":"${"x".repeat(300_000)}"}`;
    const first = new LineWriter({ redactHeaders: new Set() });
    for (let n = 0; n < 8; n++) first.add({ id: String(n), timestamp: 1, message: record }, "string");
    const body = first.written();
    const copy = Buffer.from(body);

    const second = new LineWriter({
      redactHeaders: new Set(),
      flushBytes: 65_536,
      onFlush: (_, release) => release(),
    });
    for (let n = 0; n < 8; n++)
      second.add({ id: String(n), timestamp: 1, message: `{"other":${n}}` }, "string");
    second.flush();

    expect(body.equals(copy)).toBe(true);
  });
});
