/**
 * Working buffers kept from one invocation for the next. A Lambda execution environment runs one
 * invocation at a time (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html),
 * so the buffers an invocation works in (the reader's, the message scratch, the line chunks, the
 * gzip segments) can serve the next one instead of becoming garbage. They are external memory to
 * V8, and their churn made it run full (mark-compact) collections every few invocations.
 */

/** A small pool of buffers. Only buffers nobody uses any more may be given to it. */
export class BufferPool {
  private readonly buffers: Buffer[] = [];

  /**
   * @param maxBuffers most buffers kept.
   * @param maxBufferBytes largest buffer kept, in bytes (a larger one is left to the collector, so
   *   one unusual invocation does not pin its memory).
   */
  constructor(
    private readonly maxBuffers: number,
    private readonly maxBufferBytes: number,
  ) {}

  /**
   * The smallest kept buffer of at least `minBytes` bytes, or a new one (not zero-filled) of
   * `allocBytes` bytes. Its contents are whatever was there.
   *
   * @throws RangeError when `allocBytes` is below `minBytes`.
   */
  take(minBytes: number, allocBytes: number = minBytes): Buffer {
    if (allocBytes < minBytes) {
      throw new RangeError(`BufferPool.take: allocBytes ${allocBytes} is below minBytes ${minBytes}`);
    }
    let best = -1;
    for (let index = 0; index < this.buffers.length; index++) {
      const length = this.buffers[index]!.length;
      if (length >= minBytes && (best < 0 || length < this.buffers[best]!.length)) best = index;
    }
    if (best < 0) return Buffer.allocUnsafe(allocBytes);
    return this.buffers.splice(best, 1)[0]!;
  }

  /** Keeps `buffer` for a later {@link take}, unless the pool is full or the buffer too large. */
  give(buffer: Buffer): void {
    if (this.buffers.length < this.maxBuffers && buffer.length <= this.maxBufferBytes) {
      this.buffers.push(buffer);
    }
  }

  /** Buffers kept now. */
  get size(): number {
    return this.buffers.length;
  }
}
