import { inDbTransaction, type Db } from '../driver/db';
import { initialSchema } from './001-initial';
import { numberQuantitySchema } from './002-number-quantity';
import { compositeUcumIdentifierSchema } from './003-composite-ucum-identifiers';
import { indexStatisticsSchema } from './004-index-statistics';
import { searchIndexStateSchema } from './005-search-index-state';
import { coveringSearchIndexes } from './006-covering-search-indexes';
import { authSchema } from './007-auth';
import { auditLogSchema } from './008-audit-log';
import { journalSchema } from './009-journal';
import { ridCoversIdSchema } from './010-rid-covers-id';
import { exportJobsSchema } from './011-export-jobs';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a released migration is never edited, a new one is added. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initialSchema },
  { version: 2, name: 'number and quantity index tables', sql: numberQuantitySchema },
  { version: 3, name: 'composite tuples, UCUM canonical quantities, identifier types', sql: compositeUcumIdentifierSchema },
  { version: 4, name: 'dependency statistics on the index tables', sql: indexStatisticsSchema },
  { version: 5, name: 'search index state and reindex jobs', sql: searchIndexStateSchema },
  { version: 6, name: 'covering indexes for search', sql: coveringSearchIndexes },
  { version: 7, name: 'auth clients, signing keys, used assertion ids', sql: authSchema },
  { version: 8, name: 'append-only audit log', sql: auditLogSchema },
  { version: 9, name: 'journal streams beside the resources', sql: journalSchema },
  { version: 10, name: 'the rid index carries the id', sql: ridCoversIdSchema },
  { version: 11, name: 'bulk export jobs', sql: exportJobsSchema },
];

// Any constant shared by all Stroma processes; they serialize on it so two starting servers never race.
const MIGRATION_LOCK = 72_640_117;

/** Applies every migration not yet recorded, in one transaction under an advisory lock. */
export async function migrate(db: Db): Promise<number[]> {
  return inDbTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const newlyApplied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) {
        continue;
      }
      for (const statement of splitStatements(migration.sql)) {
        await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}

/** Our DDL has no semicolons inside statements, so a plain split is exact. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
