/**
 * Last-in-first-out cleanup actions (stop the server, stop PostgreSQL, delete temp dirs) that run
 * exactly once: at the end of the run, on an error, or on Ctrl-C / SIGTERM, whichever comes first.
 */
export class Cleanup {
  private readonly actions: { label: string; run: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  /** Registers an action; returns a function that runs it now (once) and unregisters it. */
  add(label: string, run: () => Promise<void> | void): () => Promise<void> {
    const action = { label, run };
    this.actions.push(action);
    return async () => {
      const at = this.actions.indexOf(action);
      if (at < 0) return;
      this.actions.splice(at, 1);
      await runSafely(action);
    };
  }

  /** Runs every registered action, newest first. Concurrent calls share one run. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.actions.length > 0) {
        const action = this.actions.pop();
        if (action) await runSafely(action);
      }
      this.running = undefined;
    })();
    return this.running;
  }
}

async function runSafely(action: { label: string; run: () => Promise<void> | void }): Promise<void> {
  try {
    await action.run();
  } catch (error) {
    process.stderr.write(`cleanup "${action.label}" failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
