/**
 * The gzip object body, compressed while the lines are still being written: zlib runs on Node's
 * thread pool, so it compresses one chunk while the handler reads and converts the next.
 */
import { once } from "node:events";
import { createGzip, type Gzip, type ZlibOptions } from "node:zlib";

/** Bytes zlib hands over at a time, and the most input it buffers before asking the writer to wait. */
const CHUNK_BYTES = 64 * 1024;
const BUFFERED_INPUT_BYTES = 1024 * 1024;

/**
 * A gzip stream (RFC 1952, one member) that collects its output. Write chunks of lines, wait for
 * {@link GzipBody.drained} between input chunks, then {@link GzipBody.finish}.
 *
 * Memory: the compressed output so far, plus at most about {@link BUFFERED_INPUT_BYTES} of input
 * waiting for zlib.
 */
export class GzipBody {
  private readonly gzip: Gzip;
  private readonly output: Buffer[] = [];
  private outputBytes = 0;
  private mustDrain = false;

  /** @param level zlib level 0–9. */
  constructor(level: number) {
    // zlib passes stream options on to its Transform; @types/node lists only zlib's own.
    const options: ZlibOptions & { writableHighWaterMark: number } = {
      level,
      chunkSize: CHUNK_BYTES,
      writableHighWaterMark: BUFFERED_INPUT_BYTES,
    };
    this.gzip = createGzip(options);
    this.gzip.on("data", (chunk: Buffer) => {
      this.output.push(chunk);
      this.outputBytes += chunk.length;
    });
  }

  /**
   * Queues `chunk` for compression; the buffer must not be changed until `consumed` is called
   * (zlib has read it then).
   */
  write(chunk: Buffer, consumed?: () => void): void {
    if (!this.gzip.write(chunk, consumed)) this.mustDrain = true;
  }

  /** True when zlib has no input left to compress (the next chunk can start at once). */
  idle(): boolean {
    return this.gzip.writableLength === 0;
  }

  /** A promise to await before writing more when zlib's input buffer is full; undefined when it is not. */
  drained(): Promise<void> | undefined {
    if (!this.mustDrain) return undefined;
    this.mustDrain = false;
    return once(this.gzip, "drain").then(() => undefined);
  }

  /** Ends the stream; resolves with the whole gzip body. @throws zlib's error, if any */
  async finish(): Promise<Buffer> {
    const ended = once(this.gzip, "end");
    this.gzip.end();
    await ended;
    return Buffer.concat(this.output, this.outputBytes);
  }

  /** Drops the stream (nothing will be written). */
  destroy(): void {
    this.gzip.destroy();
  }
}
