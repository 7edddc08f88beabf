import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { buildDependencies, createApp, type AppDependencies } from '../../src/app';
import { loadConfig, type AuthConfig } from '../../src/config';
import type { AuthStore } from '../../src/store/auth-store';
import type { Repository } from '../../src/store/repository';

export const TEST_BASE_URL = 'http://localhost/fhir';

/** Authorization off (AUTH=off): suites about other features act as the anonymous admin. */
export const AUTH_OFF: AuthConfig = { ...loadConfig({}).auth, enabled: false };

export interface TestApp {
  app: RequestListener;
  repo: Repository;
  deps: AppDependencies;
  /** Where clients are registered (test/helpers/auth.ts registers them here). */
  authStore: AuthStore;
  close(): Promise<void>;
}

/**
 * Settings of a test app. `auth`: authorization on (true, or the settings to change); off by default,
 * so the suites about other features act as the anonymous admin of AUTH=off (their requests still
 * pass the access control and the audit trail).
 */
export type TestAppOptions = Partial<Omit<AppDependencies['config'], 'auth'>> & { auth?: boolean | Partial<AuthConfig> };

/**
 * The whole app on a fresh, empty store: in-memory PGlite, or when TEST_DATABASE_URL is set a new
 * database on that PostgreSQL server, dropped again on close.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const logger = pino({ level: 'silent' });
  const { auth: authOption, ...overrides } = options;
  const auth: AuthConfig = { ...loadConfig({}).auth, enabled: authOption !== undefined && authOption !== false, ...(typeof authOption === 'object' ? authOption : {}) };
  const bulk = { ...loadConfig({}).bulk, dir: path.join(os.tmpdir(), `stroma-exports-${randomBytes(6).toString('hex')}`) };
  const built = await buildDependencies({ databaseUrl: database?.url, dbPoolSize: 10, baseUrl: TEST_BASE_URL, auth, bulk }, logger);
  const deps: AppDependencies = {
    ...built,
    config: { baseUrl: TEST_BASE_URL, bodyLimitBytes: 16 * 1024 * 1024, bundleMaxEntries: 10000, auth, ...overrides },
  };
  return {
    app: createApp(deps),
    repo: built.repo,
    deps,
    authStore: built.security.store,
    async close() {
      await built.bulk.worker.stop();
      await rm(bulk.dir, { recursive: true, force: true });
      await built.security.close();
      await built.repo.close();
      await built.uploads.close();
      await database?.drop();
    },
  };
}

export function storeName(): string {
  return process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
}

/** A new database on the TEST_DATABASE_URL server, or undefined to use in-memory PGlite. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    return undefined;
  }
  const name = `stroma_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const FHIR_JSON = 'application/fhir+json';

/**
 * Starts a test app before the enclosing describe's tests and closes it after them; the returned
 * object is filled in by then. Register it first, so later beforeAll hooks can use it.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  const handle = {} as TestApp;
  beforeAll(async () => {
    Object.assign(handle, await createTestApp(options));
  });
  afterAll(() => handle.close());
  return handle;
}
