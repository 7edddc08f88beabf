/** The SQL surface the store needs, the same over a pg Pool and over embedded PGlite. */
export interface Queryable {
  /**
   * @param name - a statement name: on PostgreSQL the statement is then parsed and planned once per
   *   connection and reused. Give it only to SQL whose text never changes.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<Row[]>;
}

/** An open database transaction on one connection. */
export interface DbSession extends Queryable {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface Db extends Queryable {
  /** Opens a transaction; the caller must end it with commit() or rollback(). */
  begin(): Promise<DbSession>;
  close(): Promise<void>;
}

/** Runs fn in one transaction: committed if fn resolves, rolled back if it throws. */
export async function inDbTransaction<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const session = await db.begin();
  let result: T;
  try {
    result = await fn(session);
  } catch (error) {
    await session.rollback();
    throw error;
  }
  await session.commit();
  return result;
}

/** SQLSTATEs after which re-running the whole transaction is safe and likely to succeed. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * An error PostgreSQL itself answered with, so the statement was rolled back. Both drivers give
 * such errors the server's severity and SQLSTATE; socket errors (EPIPE...) have no severity.
 */
export function refusedByDatabase(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
