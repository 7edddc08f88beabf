import { refusedByDatabase, type Queryable } from './driver/db';
import type { Indexer } from './indexing/indexer';
import { TurnBatcher, type Waiting } from './turn-batcher';
import { writeVersions, type PendingVersion } from './version-writer';

type Submission = Waiting<PendingVersion[], number[]>;

/** Submissions beyond this many versions wait for the next statement. */
const MAX_VERSIONS = 2_000;

/**
 * Group statements running at once. With one, creates that arrive while a statement runs wait for
 * it and then share the next one, so groups grow with the load: each statement carries a fixed
 * cost (round trip, executor start-up, commit and its WAL fsync: about 0.85 ms measured serially
 * here, against about 0.14 ms per create), and fewer, larger groups spend less of it. On the
 * 2-core bench machine this gave about +14 % creates/s over unlimited statements (three alternated
 * runs each; bench/RESULTS.md). One backend writing groups of up to 2,000 creates is far above any
 * rate this fixed cost would cap.
 */
const MAX_STATEMENTS_IN_FLIGHT = 1;

/**
 * Group commit for writes that need no open transaction. Creates that arrive in the same turn of
 * the event loop are written by one statement, which PostgreSQL runs, and commits, as one
 * transaction: each request's writes are still all or nothing, and none is answered before the
 * statement that holds it has committed. Under load this spreads a statement's fixed cost
 * (executor start-up, commit, two socket system calls on each side) over every create in it; a
 * lone create goes out at once, on its own, and creates arriving while a group statement runs
 * wait for the next one (MAX_STATEMENTS_IN_FLIGHT).
 *
 * When PostgreSQL refuses a shared statement, nothing of it was written, and each submission is
 * written again on its own, so one request's error never fails another. When the connection fails
 * instead, whether the statement committed is unknown, and every submission gets that error, as a
 * lone write would. Writes that replace a version go alone: a version conflict in a shared
 * statement could not be told apart from the others' writes.
 */
export class GroupCommit {
  private readonly creates: TurnBatcher<PendingVersion[], number[]>;

  constructor(
    private readonly db: Queryable,
    private readonly indexer: Indexer,
  ) {
    this.creates = new TurnBatcher({
      run: (group) => this.writeGroup(group),
      maxWeight: MAX_VERSIONS,
      weightOf: (versions) => versions.length,
      maxInFlight: MAX_STATEMENTS_IN_FLIGHT,
    });
  }

  /** Writes the versions, autocommitted, and returns their rids in order. */
  write(versions: PendingVersion[]): Promise<number[]> {
    const onlyCreates = versions.every((v) => !v.previous);
    return onlyCreates ? this.creates.submit(versions) : writeVersions(this.db, this.indexer, versions);
  }

  private async writeGroup(group: Submission[]): Promise<void> {
    if (group.length === 1) {
      await this.writeAlone(group[0]);
      return;
    }
    let rids: number[];
    try {
      rids = await writeVersions(this.db, this.indexer, group.flatMap((s) => s.input));
    } catch (error) {
      if (!refusedByDatabase(error)) throw error;
      await Promise.all(group.map((s) => this.writeAlone(s)));
      return;
    }
    let at = 0;
    for (const submission of group) {
      submission.resolve(rids.slice(at, (at += submission.input.length)));
    }
  }

  private async writeAlone(submission: Submission): Promise<void> {
    try {
      submission.resolve(await writeVersions(this.db, this.indexer, submission.input));
    } catch (error) {
      submission.reject(error);
    }
  }
}
