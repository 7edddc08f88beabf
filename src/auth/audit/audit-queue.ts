/**
 * A bounded first-in first-out queue kept as batches: records go in one at a time, come out a
 * batch at a time, and a batch that could not be written goes back at the head. Beyond its
 * capacity the oldest items are dropped, so memory stays bounded however long the store is away.
 * Every operation is O(1) per item (no Array.shift or splice over the whole queue).
 */
export class BatchQueue<T> {
  private chunks: T[][] = [];
  /** Items of chunks[0] already dropped. */
  private headOffset = 0;
  private count = 0;

  constructor(
    private readonly batchSize: number,
    private readonly capacity: number,
  ) {
    if (batchSize < 1 || capacity < 1) throw new RangeError('batchSize and capacity must be at least 1');
  }

  get size(): number {
    return this.count;
  }

  /** Whether a whole batch is waiting. */
  get hasFullBatch(): boolean {
    return this.count >= this.batchSize;
  }

  /** Adds an item at the tail; returns how many of the oldest were dropped to make room. */
  push(item: T): number {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.length < this.batchSize) {
      last.push(item);
    } else {
      this.chunks.push([item]);
    }
    this.count++;
    return this.dropBeyondCapacity();
  }

  /** Removes and returns the oldest batch (at most batchSize items), or undefined when empty. */
  take(): T[] | undefined {
    const head = this.chunks.shift();
    if (!head) return undefined;
    const batch = this.headOffset > 0 ? head.slice(this.headOffset) : head;
    this.headOffset = 0;
    this.count -= batch.length;
    return batch;
  }

  /** Puts a batch taken earlier back at the head; returns how many of the oldest were dropped to make room. */
  putBack(batch: T[]): number {
    if (batch.length === 0) return 0;
    if (this.headOffset > 0) {
      this.chunks[0] = this.chunks[0].slice(this.headOffset);
      this.headOffset = 0;
    }
    this.chunks.unshift(batch);
    this.count += batch.length;
    return this.dropBeyondCapacity();
  }

  private dropBeyondCapacity(): number {
    let dropped = 0;
    while (this.count > this.capacity) {
      const head = this.chunks[0];
      const drop = Math.min(this.count - this.capacity, head.length - this.headOffset);
      this.headOffset += drop;
      this.count -= drop;
      dropped += drop;
      if (this.headOffset === head.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
    }
    return dropped;
  }
}
