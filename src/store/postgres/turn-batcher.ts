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
}

/**
 * Collects the calls that arrive in one turn of the event loop and hands them to `run` together,
 * once that turn's I/O callbacks are done (setImmediate): under load, many requests share one
 * database round trip; a lone call still goes out at once, in the same turn.
 */
export class TurnBatcher<In, Out> {
  private queue: Waiting<In, Out>[] = [];

  constructor(private readonly options: TurnBatcherOptions<In, Out>) {}

  submit(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ input, resolve, reject });
    });
  }

  private flush(): void {
    const weightOf = this.options.weightOf ?? (() => 1);
    while (this.queue.length > 0) {
      let weight = 0;
      const over = this.queue.findIndex((w) => (weight += weightOf(w.input)) > this.options.maxWeight);
      const batch = this.queue.splice(0, Math.max(1, over === -1 ? this.queue.length : over));
      // A run that throws must still answer its callers; rejecting a settled promise does nothing.
      this.options.run(batch).catch((error: unknown) => batch.forEach((w) => w.reject(error)));
    }
  }
}
