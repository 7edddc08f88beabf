/** One caller's input, waiting for the batch that will answer it. */
export interface Waiting<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

export interface TurnBatcherOptions<In, Out> {
  /** Answers every caller of the batch (resolve or reject each one). */
  run: (batch: Waiting<In, Out>[]) => Promise<void>;
  /** A batch holds inputs up to this total weight; a heavier single input goes alone. */
  maxWeight: number;
  weightOf?: (input: In) => number;
  /**
   * Batches running at once; calls that arrive while this many run wait, and go together, when
   * one finishes. Unlimited by default.
   */
  maxInFlight?: number;
}

/**
 * Collects the calls that arrive in one turn of the event loop and hands them to `run` together,
 * once that turn's I/O callbacks are done (setImmediate): under load, many requests share one
 * database round trip; a lone call still goes out at once, in the same turn.
 */
export class TurnBatcher<In, Out> {
  private queue: Waiting<In, Out>[] = [];
  private running = 0;
  private flushScheduled = false;
  private readonly maxInFlight: number;

  constructor(private readonly options: TurnBatcherOptions<In, Out>) {
    this.maxInFlight = options.maxInFlight ?? Infinity;
  }

  submit(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.queue.length === 0 || this.running >= this.maxInFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const weightOf = this.options.weightOf ?? (() => 1);
    while (this.queue.length > 0 && this.running < this.maxInFlight) {
      let weight = 0;
      const over = this.queue.findIndex((w) => (weight += weightOf(w.input)) > this.options.maxWeight);
      const batch = this.queue.splice(0, Math.max(1, over === -1 ? this.queue.length : over));
      this.running++;
      this.options
        .run(batch)
        // A run that throws must still answer its callers; rejecting a settled promise does nothing.
        .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
        .finally(() => {
          this.running--;
          this.scheduleFlush();
        });
    }
  }
}
