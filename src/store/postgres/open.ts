import path from 'node:path';
import type { Db } from './driver/db';
import { createPgDb } from './driver/pg-driver';
import { createPgliteDb } from './driver/pglite-driver';
import { migrate } from './migrations';

export interface StoreSettings {
  /** A PostgreSQL URL; without one, embedded PGlite is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; undefined with no databaseUrl means in memory (tests). */
  dataDir?: string;
  poolSize: number;
}

/** Opens the database the settings name and brings its schema up to date. */
export async function openDatabase(settings: StoreSettings): Promise<Db> {
  const db = settings.databaseUrl
    ? createPgDb(settings.databaseUrl, settings.poolSize)
    : await createPgliteDb(settings.dataDir ? path.join(settings.dataDir, 'pglite') : undefined);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
