/**
 * The gzip object body, compressed in segments on Node's thread pool while the lines are still
 * being written, several segments at a time.
 *
 * One gzip stream (RFC 1952, one member, https://www.rfc-editor.org/rfc/rfc1952) whose deflate
 * data (RFC 1951, https://www.rfc-editor.org/rfc/rfc1951) is made of segments compressed
 * independently, the way pigz does it (https://zlib.net/pigz/): each segment is a raw
 * deflate stream primed with the 32 KiB of input before it (zlib's preset dictionary, so matches
 * still reach back across the boundary) and ended by a sync flush, which ends its last block on a
 * byte boundary without marking it final; the segments therefore join into one deflate stream, and
 * an empty final block (`03 00`, a fixed-Huffman block holding only its end code) closes it. The
 * CRC-32 and the length of the uncompressed data make the trailer. Any gunzip reads it as one member.
 * Preset dictionaries and sync flushes in raw deflate: https://zlib.net/manual.html
 * (`deflateSetDictionary`, `Z_SYNC_FLUSH`).
 *
 * Why: zlib compresses one stream on one thread, and an invocation's compression could only start
 * after its first lines and had to run to the end of the last; with segments, a large log event (a
 * 1 MB line) is compressed on several threads at once, and the end of an invocation waits for one
 * segment instead of a queue. Cost: about 0.1 % more bytes than one stream, and about 6 % more CPU
 * time on bench's generated records (a deflate stream and a dictionary per segment, and each
 * segment's bytes moving to another core; docs/replay-bench.md).
 *
 * Segment boundaries depend only on the byte count ({@link segmentSize}), so the same lines at the
 * same level always give the same bytes.
 */
import { constants, crc32, deflateRaw, deflateRawSync, type ZlibOptions } from "node:zlib";
import { BufferPool } from "./buffer-pool";

/** The gzip header: magic, deflate, no flags, no mtime, no extra flags, OS "unknown" (RFC 1952 §2.3). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** A final, empty fixed-Huffman block: BFINAL 1, BTYPE 01, end-of-block code 0000000 (RFC 1951 §3.2.6). */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** Deflate's window: the farthest a match reaches back, and so the dictionary each segment gets (RFC 1951 §2). */
export const DEFLATE_WINDOW_BYTES = 32 * 1024;

/**
 * Sizes of the segments in bytes, in order: the first ones small, so compression starts early in
 * an invocation, then {@link SEGMENT_BYTES} each.
 */
const FIRST_SEGMENT_SIZES = [64 * 1024, 128 * 1024] as const;

/** Size of every later segment, in bytes. */
export const SEGMENT_BYTES = 256 * 1024;

/**
 * Most segments being compressed at once: the size of Node's thread pool (libuv's default, 4,
 * https://docs.libuv.org/en/v1.x/threadpool.html). Writing waits ({@link GzipBody.drained}) when
 * that many are in flight.
 */
export const MAX_SEGMENTS_IN_FLIGHT = 4;

/** Smallest piece the rest of the body is cut into by {@link GzipBody.finish}, in bytes. */
const MIN_FINAL_PIECE_BYTES = 64 * 1024;

/** zlib's output chunk while compressing a segment, in bytes (the output is joined once per segment). */
const DEFLATE_CHUNK_BYTES = 64 * 1024;

/** Segment buffers kept between invocations (see `BufferPool`): up to 8, of at most {@link SEGMENT_BYTES}. */
const segmentBuffers = new BufferPool(8, SEGMENT_BYTES);

/** Size of segment `index` (0 for the first), in bytes. */
export function segmentSize(index: number): number {
  return FIRST_SEGMENT_SIZES[index] ?? SEGMENT_BYTES;
}

/**
 * A gzip body compressed segment by segment on the thread pool. Write chunks of lines, wait for
 * {@link GzipBody.drained} between input chunks, then {@link GzipBody.finish}.
 *
 * Memory: the segments being compressed (at most {@link MAX_SEGMENTS_IN_FLIGHT} while the writer
 * waits for {@link GzipBody.drained}; one write of n bytes can add n / {@link SEGMENT_BYTES} more,
 * and the reader's values, so its writes, are at most 8 MiB), each up to {@link SEGMENT_BYTES} of
 * input plus zlib's state (about 256 KiB per stream at the default settings), the segment being
 * filled, and the compressed output so far.
 */
export class GzipBody {
  /** The segment being filled: `segment[0, filled)`, a view of `segmentBuffer`. */
  private segment: Buffer;
  private segmentBuffer: Buffer;
  private filled = 0;
  private segments = 0;
  /** The last {@link DEFLATE_WINDOW_BYTES} bytes before the segment being filled. */
  private readonly window = Buffer.allocUnsafe(DEFLATE_WINDOW_BYTES);
  private windowBytes = 0;
  /** Compressed segments, in order; each resolves with the segment's raw deflate bytes. */
  private readonly compressed: Promise<Buffer>[] = [];
  /** The segments still being compressed. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private crc = 0;
  private inputBytes = 0;
  private destroyed = false;
  private finished = false;

  /**
   * @param level zlib level 0–9.
   * @throws RangeError when `level` is not an integer from 0 to 9.
   */
  constructor(private readonly level: number) {
    if (!Number.isInteger(level) || level < 0 || level > 9) {
      throw new RangeError(`GzipBody: level must be an integer from 0 to 9, got ${level}`);
    }
    this.segmentBuffer = segmentBuffers.take(segmentSize(0));
    this.segment = this.segmentBuffer.subarray(0, segmentSize(0));
  }

  /**
   * Adds `chunk` to the body. The bytes are copied before this returns, so `consumed` (when given)
   * is called at once and the caller may reuse the buffer.
   *
   * @throws Error after {@link GzipBody.destroy} or {@link GzipBody.finish}.
   */
  write(chunk: Uint8Array, consumed?: () => void): void {
    if (this.destroyed || this.finished) {
      throw new Error(`GzipBody: write after ${this.destroyed ? "destroy" : "finish"}`);
    }
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(this.segment.length - this.filled, chunk.length - at);
      this.segment.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === this.segment.length) this.dispatch();
    }
    consumed?.();
  }

  /** Starts compressing the (full) segment being filled and begins the next one. */
  private dispatch(): void {
    const owner = this.segmentBuffer;
    this.compress(this.segment.subarray(0, this.filled), {
      done: () => {
        if (!this.destroyed) segmentBuffers.give(owner);
      },
    });
    this.segments++;
    const size = segmentSize(this.segments);
    this.segmentBuffer = segmentBuffers.take(size);
    this.segment = this.segmentBuffer.subarray(0, size);
    this.filled = 0;
  }

  /**
   * Compresses `input` (the bytes after everything compressed so far) as raw deflate primed with the
   * window before it and ended by a sync flush: on the thread pool, `done` running once zlib no
   * longer reads `input`; or, with `here`, at once on this thread.
   */
  private compress(input: Buffer, options: { done?: () => void; here?: boolean } = {}): void {
    this.crc = crc32(input, this.crc);
    this.inputBytes += input.length;
    const zlibOptions: ZlibOptions = {
      level: this.level,
      chunkSize: DEFLATE_CHUNK_BYTES,
      finishFlush: constants.Z_SYNC_FLUSH,
    };
    // zlib copies the dictionary when the stream is created, so the window may change afterwards.
    if (this.windowBytes > 0) {
      zlibOptions.dictionary = this.window.subarray(DEFLATE_WINDOW_BYTES - this.windowBytes);
    }
    if (options.here === true) {
      this.compressed.push(Promise.resolve(deflateRawSync(input, zlibOptions)));
    } else {
      const job = new Promise<Buffer>((resolve, reject) => {
        deflateRaw(input, zlibOptions, (error, output) => {
          this.inFlight.delete(job);
          options.done?.();
          // zlib hands back a slice of its DEFLATE_CHUNK_BYTES output buffer: keep a copy of a small
          // slice instead, or a body of many well-compressed segments holds 64 KiB for each.
          if (error === null)
            resolve(output.length * 2 < output.buffer.byteLength ? Buffer.from(output) : output);
          else reject(error);
        });
      });
      job.catch(() => undefined); // finish() reports it; never an unhandled rejection
      this.compressed.push(job);
      this.inFlight.add(job);
    }
    this.keepWindow(input);
  }

  /** Keeps the last {@link DEFLATE_WINDOW_BYTES} bytes of the input so far, `input` being the newest. */
  private keepWindow(input: Buffer): void {
    if (input.length >= DEFLATE_WINDOW_BYTES) {
      input.copy(this.window, 0, input.length - DEFLATE_WINDOW_BYTES);
      this.windowBytes = DEFLATE_WINDOW_BYTES;
      return;
    }
    this.window.copyWithin(0, input.length);
    input.copy(this.window, DEFLATE_WINDOW_BYTES - input.length);
    this.windowBytes = Math.min(DEFLATE_WINDOW_BYTES, this.windowBytes + input.length);
  }

  /**
   * A promise to await before writing more while {@link MAX_SEGMENTS_IN_FLIGHT} or more segments
   * are being compressed (it resolves when one of them is done); undefined when fewer are.
   */
  drained(): Promise<void> | undefined {
    if (this.inFlight.size < MAX_SEGMENTS_IN_FLIGHT) return undefined;
    // An error comes out of finish(); here it only means that segment is done.
    return Promise.race(this.inFlight).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Compresses what is left and resolves with the whole gzip body. The rest is cut into up to
   * {@link MAX_SEGMENTS_IN_FLIGHT} pieces of at least 64 KiB, compressed side by side, so the
   * invocation waits for the largest piece rather than for the whole rest; the last piece is
   * compressed on this thread, which would otherwise only wait (and a small body never leaves it).
   *
   * @throws zlib's error for any segment; Error when called again or after {@link GzipBody.destroy}.
   */
  async finish(): Promise<Buffer> {
    if (this.destroyed || this.finished) {
      throw new Error(`GzipBody: finish after ${this.destroyed ? "destroy" : "finish"}`);
    }
    this.finished = true;
    const rest = this.segment.subarray(0, this.filled);
    const pieces = Math.max(
      1,
      Math.min(MAX_SEGMENTS_IN_FLIGHT, Math.floor(rest.length / MIN_FINAL_PIECE_BYTES)),
    );
    const pieceBytes = Math.ceil(rest.length / pieces);
    for (let at = 0; at < rest.length; at += pieceBytes) {
      this.compress(rest.subarray(at, at + pieceBytes), { here: at + pieceBytes >= rest.length });
    }
    this.filled = 0;
    const parts = await Promise.all(this.compressed);
    segmentBuffers.give(this.segmentBuffer);
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.inputBytes % 2 ** 32, 4); // ISIZE: the length modulo 2^32 (RFC 1952 §2.3.1)
    return Buffer.concat([GZIP_HEADER, ...parts, FINAL_EMPTY_BLOCK, trailer]);
  }

  /** Drops the body: segments being compressed finish on the thread pool and are discarded. */
  destroy(): void {
    if (!this.destroyed && !this.finished) segmentBuffers.give(this.segmentBuffer);
    this.destroyed = true;
  }
}
