import { rm } from 'node:fs/promises';
import type { ExportStore } from '../store/export-store';
import { outcomeOf, issue } from '../fhir/outcomes';
import { runExport, type ExportRunnerDeps } from './export-runner';

export interface ExportWorkerOptions {
  /** Who this process is, in the jobs table (host and pid). */
  holder: string;
  /** How often the queue is looked at when nothing woke the worker. */
  pollMs: number;
  onError(error: unknown, message: string): void;
}

/**
 * Runs export jobs in the background, one at a time per process: claims the oldest waiting job (or
 * one whose process died, once its lease ran out), runs it, and removes the files and rows of jobs
 * past their expiry or cancelled. Several processes share the queue through the store.
 */
export class ExportWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private again = false;

  constructor(
    private readonly store: ExportStore,
    private readonly deps: ExportRunnerDeps,
    private readonly options: ExportWorkerOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** A job was just queued: look at the queue now rather than at the next poll. */
  wake(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops taking jobs; a job in progress saves its progress and goes back to the queue. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Waits for the run in progress, then runs the queue until it is empty (tests call it to run jobs at once). */
  async drain(): Promise<void> {
    await this.running;
    await this.runQueue();
  }

  private async runQueue(): Promise<void> {
    while (!this.stopping.signal.aborted && (await this.runOne())) {
      // the next job
    }
    await this.dispose();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.runQueue()
        .catch((error: unknown) => this.options.onError(error, 'bulk export worker failed'))
        .finally(() => {
          this.running = undefined;
          if (this.stopping.signal.aborted) return;
          this.schedule(this.again ? 0 : this.options.pollMs);
          this.again = false;
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Claims and runs one job; false when none was waiting. */
  private async runOne(): Promise<boolean> {
    const { holder } = this.options;
    const job = await this.store.claim(holder, this.deps.leaseMs);
    if (!job) return false;
    try {
      const end = await runExport(job, holder, this.deps, this.stopping.signal);
      if (end === 'stopped') await this.store.release(job.id, holder);
    } catch (error) {
      this.options.onError(error, `bulk export job ${job.id} failed`);
      const outcome = outcomeOf(issue('error', 'exception', 'The export failed on the server; its log has the details.'));
      await this.store.fail(job.id, holder, outcome as unknown as Record<string, unknown>, new Date(Date.now() + this.deps.retentionMs).toISOString());
      await rm(this.deps.dirOf(job.id), { recursive: true, force: true });
    }
    return true;
  }

  /** Removes expired and cancelled jobs with their files. */
  private async dispose(): Promise<void> {
    for (const job of await this.store.disposable(new Date().toISOString(), 100)) {
      await rm(this.deps.dirOf(job.id), { recursive: true, force: true });
      await this.store.remove(job.id);
    }
  }
}
