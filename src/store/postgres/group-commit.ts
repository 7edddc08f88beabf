import type { Queryable } from './driver/db';
import type { Indexer } from './indexing/indexer';
import { writeVersions, type PendingVersion } from './version-writer';

interface Submission {
  versions: PendingVersion[];
  resolve: (rids: number[]) => void;
  reject: (error: unknown) => void;
}

/** Submissions beyond this many versions wait for the next statement. */
const MAX_VERSIONS = 2_000;

/**
 * Group commit for writes that need no open transaction (creates that read nothing first).
 * Those that arrive in the same turn of the event loop are written by one statement, which
 * PostgreSQL runs, and commits, as one transaction: each request's writes are still all or
 * nothing, and none is answered before the statement that holds it has committed. Under load this
 * spreads a statement's fixed cost (planning, executor start-up, commit, two socket system calls
 * on each side) over every create in it; a lone create goes out at once, on its own.
 *
 * When PostgreSQL refuses a shared statement, nothing of it was written, and each submission is
 * written again on its own, so one request's error never fails another. When the connection fails
 * instead, whether the statement committed is unknown, and every submission gets that error, as a
 * lone write would.
 */
export class GroupCommit {
  private queue: Submission[] = [];

  constructor(
    private readonly db: Queryable,
    private readonly indexer: Indexer,
  ) {}

  /** Writes the versions, which must all be creates, and returns their rids in order. */
  write(versions: PendingVersion[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ versions, resolve, reject });
    });
  }

  private flush(): void {
    while (this.queue.length > 0) {
      let size = 0;
      const count = this.queue.findIndex((s) => (size += s.versions.length) > MAX_VERSIONS);
      void this.writeGroup(this.queue.splice(0, Math.max(1, count === -1 ? this.queue.length : count)));
    }
  }

  private async writeGroup(group: Submission[]): Promise<void> {
    if (group.length === 1) {
      await this.writeAlone(group[0]);
      return;
    }
    let rids: number[];
    try {
      rids = await writeVersions(this.db, this.indexer, group.flatMap((s) => s.versions));
    } catch (error) {
      if (refusedByDatabase(error)) {
        await Promise.all(group.map((s) => this.writeAlone(s)));
      } else {
        for (const submission of group) submission.reject(error);
      }
      return;
    }
    let at = 0;
    for (const submission of group) {
      submission.resolve(rids.slice(at, (at += submission.versions.length)));
    }
  }

  private async writeAlone(submission: Submission): Promise<void> {
    try {
      submission.resolve(await writeVersions(this.db, this.indexer, submission.versions));
    } catch (error) {
      submission.reject(error);
    }
  }
}

/**
 * An error PostgreSQL itself answered with, so the statement was rolled back. Both drivers give
 * such errors the server's severity and SQLSTATE; socket errors (EPIPE...) have no severity.
 */
function refusedByDatabase(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
