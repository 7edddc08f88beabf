import { serviceUrls } from '../auth/tokens/token-service';
import { ConfigError, loadConfig, type Config } from '../config';
import { createPostgresAuthStore, openDatabase } from '../store/postgres';
import { runClientCli, type OpenedAuthStore } from './client-commands';

/** `npm run client -- ...`: the commands are in client-commands.ts; this opens the store as the server does. */
async function openAuthStore(config: Config): Promise<OpenedAuthStore> {
  // One connection is plenty for a command; the embedded store's directory is locked while it is open.
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  return { store: createPostgresAuthStore(db), close: () => db.close() };
}

async function main(): Promise<number> {
  const config = loadConfig();
  return runClientCli(process.argv.slice(2), {
    openStore: () => openAuthStore(config),
    tokenUrl: serviceUrls(config.baseUrl).token,
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
