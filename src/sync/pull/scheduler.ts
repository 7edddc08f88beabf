/**
 * The server's periodic pull (SYNC_INTERVAL_SECONDS): a pass, then the interval, then the next pass, so
 * passes of one process never overlap (the leases keep other processes' apart). Stopping aborts the pass
 * in progress between requests and resolves once it has recorded its run, before the store closes.
 */
export interface PullScheduler {
  stop(): Promise<void>;
}

export function startPullScheduler(intervalMs: number, pass: (signal: AbortSignal) => Promise<void>, onError: (error: unknown) => void): PullScheduler {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = pass(controller.signal)
      .catch(onError)
      .finally(() => {
        if (!controller.signal.aborted) timer = setTimeout(tick, intervalMs);
      });
  };
  // The first pass after one interval: a server starting is busy enough, and a restart loop would pull at each start.
  timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
