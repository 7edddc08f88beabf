import { tokenUrlFor } from '../auth/dev-client';
import { ConfigError, loadConfig, type Config } from '../config';
import type { AuthStore } from '../store/auth-store';
import * as postgres from '../store/postgres';
import type { Db } from '../store/postgres/driver/db';
import { runClientCli, type OpenedAuthStore } from './client-commands';

/** `npm run client -- ...`: the commands are in client-commands.ts; this opens the store as the server does. */

/**
 * The PostgreSQL AuthStore (createPostgresAuthStore, built on a parallel branch), looked up so this
 * file compiles before that branch is merged; once it is, import it directly instead.
 */
function authStoreFactory(): (db: Db) => AuthStore {
  const factory = (postgres as unknown as { createPostgresAuthStore?: (db: Db) => AuthStore }).createPostgresAuthStore;
  if (!factory) throw new Error('This build has no PostgreSQL AuthStore (createPostgresAuthStore in src/store/postgres)');
  return factory;
}

async function openAuthStore(config: Config): Promise<OpenedAuthStore> {
  const createAuthStore = authStoreFactory();
  // One connection is plenty for a command; the embedded store's directory is locked while it is open.
  const db = await postgres.openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  return { store: createAuthStore(db), close: () => db.close() };
}

async function main(): Promise<number> {
  const config = loadConfig();
  return runClientCli(process.argv.slice(2), {
    openStore: () => openAuthStore(config),
    tokenUrl: tokenUrlFor(config.baseUrl),
    output: { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`client command failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
