import path from 'node:path';

/** Every setting of the server, parsed once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** Public base of the FHIR API, used in Location headers, links and fullUrls (no trailing slash). */
  baseUrl: string;
  /** PostgreSQL connection string; when absent the embedded PGlite store in dataDir is used. */
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Most entries accepted in one batch or transaction Bundle. */
  bundleMaxEntries: number;
  /** How long in-flight requests may take to finish after SIGTERM. */
  shutdownTimeoutMs: number;
  /** The project's conformance resources (SearchParameters in its search-parameters/ folder). */
  profilesDir: string;
  /** How often search parameter definitions and index state are read again from the store; 0: never. */
  searchParameterRefreshMs: number;
  /** How often stored StructureDefinitions, ValueSets and CodeSystems are read again from the store; 0: never. */
  profileRefreshMs: number;
  /**
   * How long the validation's existence lookups (is this patient enrolled?) are remembered; this
   * process's own writes make them forgotten at once, other processes' reach it within this. 0: never.
   */
  lookupCacheMs: number;
  /**
   * Whether the seed trials (bundles/trials) are loaded when the store has never held a ResearchStudy:
   * SEED_TRIALS=auto (the default) loads them into the embedded store only, on or off decide.
   */
  seedTrials: boolean;
  /** The trial bundles loaded on first start. */
  trialBundlesDir: string;
  /** Security settings (issue 5): tokens, CORS. */
  auth: AuthConfig;
  /** The HL7 v2 MLLP listener (issue 9): off unless MLLP_ENABLED=on; on loopback unless MLLP_HOST says otherwise. */
  mllp: { enabled: boolean; host: string; port: number };
  /** Pull sync from EHR FHIR APIs (issue 9 point 4). */
  sync: SyncConfig;
  /** Bulk Data $export (issue 10). */
  bulk: BulkConfig;
  /** Delivery of R4 rest-hook Subscription notifications (issue 10 point 4). */
  subscriptions: SubscriptionConfig;
}

export interface BulkConfig {
  /** Where export files are written: a directory every server process on the same database reaches. */
  dir: string;
  /** How long a finished export's files stay, in hours. */
  retentionHours: number;
  /** Resources read from the store at a time. */
  pageSize: number;
  /** Most resources in one NDJSON file; a type with more gets several. */
  maxResourcesPerFile: number;
  /** How long a process holds a job without saving progress before another may take it over, in seconds. */
  leaseSeconds: number;
}

export interface SubscriptionConfig {
  /** How long a notification is retried after it was queued, in hours. */
  retryHours: number;
  /** The first retry's delay ceiling, in ms; it doubles with each attempt (jittered between half and all of it). */
  retryInitialMs: number;
  /** The longest delay between two attempts, in ms. */
  retryMaxMs: number;
  /** How often each server process asks the queue for due notifications, in ms. */
  pollMs: number;
  /** How long one POST to an endpoint may take, in ms. */
  timeoutMs: number;
}

export interface SyncConfig {
  /** How often the server pulls from every active EHR Endpoint, in seconds; 0 (the default): never. */
  intervalSeconds: number;
  /** Where the private keys that Endpoints name by keyRef are: `<keyRef>.json`, a JWK set. */
  keysDir: string;
  /** Most attempts at one request (the first included) when the EHR answers 429 or 5xx or drops the connection. */
  maxAttempts: number;
  /** The first retry's backoff ceiling, in ms; it doubles with each retry (full jitter). */
  retryBaseMs: number;
  /** The longest wait before a retry, in ms; a Retry-After asking for longer ends the attempts. */
  retryMaxMs: number;
  /** Results asked for per page (_count). */
  pageSize: number;
}

export interface AuthConfig {
  /** False only with AUTH=off, for local demos: every request acts as an anonymous admin; refused on a non-loopback HOST. */
  enabled: boolean;
  /** Lifetime of the access tokens the token endpoint issues, in seconds. */
  accessTokenSeconds: number;
  /** How long one server signing key signs tokens before a new one replaces it, in hours. */
  signingKeyRotationHours: number;
  /** Token requests a client may make per minute (each server process counts its own). */
  tokenRequestsPerMinute: number;
  /** Origins allowed to call the API from a browser; empty: CORS off. `*` allows any. */
  corsOrigins: string[];
}

/** profiles/ of this installation, beside src/ (or dist/ once compiled), whatever the working directory. */
export const DEFAULT_PROFILES_DIR = path.resolve(__dirname, '..', 'profiles');

export const DEFAULT_LOOKUP_CACHE_MS = 5000;
export const DEFAULT_TRIAL_BUNDLES_DIR = path.resolve(__dirname, '..', 'bundles', 'trials');
/** Facts about the seed trials beyond their registry records, which $import-ctgov keeps (bundles/supplements). */
export const DEFAULT_SUPPLEMENTS_DIR = path.resolve(__dirname, '..', 'bundles', 'supplements');

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const errors: string[] = [];
  const port = integer(env, 'PORT', 8080, 0, 65535, errors);
  const host = env.HOST?.trim() || '127.0.0.1';
  const config: Config = {
    port,
    host,
    baseUrl: baseUrl(env.BASE_URL, host, port, errors),
    databaseUrl: databaseUrl(env.DATABASE_URL, errors),
    dataDir: path.resolve(env.DATA_DIR?.trim() || 'data'),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 20, 1, 1000, errors),
    logLevel: logLevel(env.LOG_LEVEL, errors),
    bodyLimitBytes: byteSize(env, 'BODY_LIMIT', '16mb', errors),
    bundleMaxEntries: integer(env, 'BUNDLE_MAX_ENTRIES', 10000, 1, 1_000_000, errors),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 0, 600000, errors),
    profilesDir: env.PROFILES_DIR?.trim() ? path.resolve(env.PROFILES_DIR.trim()) : DEFAULT_PROFILES_DIR,
    searchParameterRefreshMs: integer(env, 'SEARCH_PARAMETER_REFRESH_MS', 60000, 0, 86_400_000, errors),
    profileRefreshMs: integer(env, 'PROFILE_REFRESH_MS', 60000, 0, 86_400_000, errors),
    lookupCacheMs: integer(env, 'LOOKUP_CACHE_MS', DEFAULT_LOOKUP_CACHE_MS, 0, 3_600_000, errors),
    seedTrials: seedTrials(env.SEED_TRIALS, env.DATABASE_URL?.trim() ? 'postgres' : 'embedded', errors),
    trialBundlesDir: env.TRIAL_BUNDLES_DIR?.trim() ? path.resolve(env.TRIAL_BUNDLES_DIR.trim()) : DEFAULT_TRIAL_BUNDLES_DIR,
    auth: {
      enabled: authEnabled(env.AUTH, host, errors),
      accessTokenSeconds: integer(env, 'ACCESS_TOKEN_SECONDS', 300, 30, 3600, errors),
      signingKeyRotationHours: integer(env, 'SIGNING_KEY_ROTATION_HOURS', 24, 1, 24 * 365, errors),
      tokenRequestsPerMinute: integer(env, 'TOKEN_REQUESTS_PER_MINUTE', 60, 1, 100_000, errors),
      corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0),
    },
    mllp: {
      enabled: onOff(env, 'MLLP_ENABLED', false, errors),
      host: env.MLLP_HOST?.trim() || '127.0.0.1',
      port: integer(env, 'MLLP_PORT', 2575, 0, 65535, errors),
    },
    sync: {
      intervalSeconds: integer(env, 'SYNC_INTERVAL_SECONDS', 0, 0, 86_400, errors),
      keysDir: path.resolve(env.SYNC_KEYS_DIR?.trim() || path.join(env.DATA_DIR?.trim() || 'data', 'sync-keys')),
      maxAttempts: integer(env, 'SYNC_MAX_ATTEMPTS', 5, 1, 20, errors),
      retryBaseMs: integer(env, 'SYNC_RETRY_BASE_MS', 500, 1, 60_000, errors),
      retryMaxMs: integer(env, 'SYNC_RETRY_MAX_MS', 30_000, 1, 600_000, errors),
      pageSize: integer(env, 'SYNC_PAGE_SIZE', 100, 1, 1000, errors),
    },
    bulk: {
      dir: path.resolve(env.EXPORT_DIR?.trim() || path.join(env.DATA_DIR?.trim() || 'data', 'exports')),
      retentionHours: integer(env, 'EXPORT_RETENTION_HOURS', 24, 1, 24 * 365, errors),
      pageSize: integer(env, 'EXPORT_PAGE_SIZE', 200, 10, 10_000, errors),
      maxResourcesPerFile: integer(env, 'EXPORT_FILE_MAX_RESOURCES', 250_000, 1, 100_000_000, errors),
      leaseSeconds: integer(env, 'EXPORT_LEASE_SECONDS', 60, 5, 3600, errors),
    },
    subscriptions: {
      retryHours: integer(env, 'SUBSCRIPTION_RETRY_HOURS', 24, 1, 24 * 30, errors),
      retryInitialMs: integer(env, 'SUBSCRIPTION_RETRY_INITIAL_MS', 30_000, 1, 3_600_000, errors),
      retryMaxMs: integer(env, 'SUBSCRIPTION_RETRY_MAX_MS', 3_600_000, 1, 86_400_000, errors),
      pollMs: integer(env, 'SUBSCRIPTION_POLL_MS', 2000, 10, 600_000, errors),
      timeoutMs: integer(env, 'SUBSCRIPTION_TIMEOUT_MS', 30_000, 100, 600_000, errors),
    },
  };
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${errors.join('\n  ')}`);
  }
  return config;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, errors: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.push(`${name}=${raw}: expected an integer from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function byteSize(env: Env, name: string, fallback: string, errors: string[]): number {
  const raw = (env[name]?.trim() || fallback).toLowerCase();
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/.exec(raw);
  if (!match) {
    errors.push(`${name}=${raw}: expected a size such as 512kb or 16mb`);
    return 16 * SIZE_UNITS.mb;
  }
  return Number(match[1]) * SIZE_UNITS[match[2] ?? 'b'];
}

function onOff(env: Env, name: string, fallback: boolean, errors: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'on' || raw === 'true' || raw === '1') return true;
  if (raw === 'off' || raw === 'false' || raw === '0') return false;
  errors.push(`${name}=${env[name]}: expected on or off`);
  return fallback;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** AUTH=off is for demos on one's own machine: a server reachable from elsewhere never runs without it. */
function authEnabled(raw: string | undefined, host: string, errors: string[]): boolean {
  const value = (raw?.trim() || 'on').toLowerCase();
  if (value !== 'on' && value !== 'off') {
    errors.push(`AUTH=${raw}: expected on or off`);
    return true;
  }
  if (value === 'off' && !LOOPBACK_HOSTS.has(host) && !host.startsWith('127.')) {
    errors.push(`AUTH=off is allowed only on a loopback HOST (127.0.0.1, ::1, localhost), not ${host}`);
  }
  return value === 'on';
}

/**
 * auto: the embedded store is the quick start (`npm start`, then the three trials are there); a
 * PostgreSQL deployment decides for itself what it holds.
 */
function seedTrials(raw: string | undefined, store: 'embedded' | 'postgres', errors: string[]): boolean {
  const value = (raw?.trim() || 'auto').toLowerCase();
  if (value === 'auto') return store === 'embedded';
  if (value !== 'on' && value !== 'off') {
    errors.push(`SEED_TRIALS=${raw}: expected auto, on or off`);
    return false;
  }
  return value === 'on';
}

function logLevel(raw: string | undefined, errors: string[]): Config['logLevel'] {
  const value = (raw?.trim() || 'info').toLowerCase();
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level) {
    errors.push(`LOG_LEVEL=${raw}: expected one of ${LOG_LEVELS.join(', ')}`);
    return 'info';
  }
  return level;
}

function databaseUrl(raw: string | undefined, errors: string[]): string | undefined {
  const value = raw?.trim();
  if (!value) {
    return undefined;
  }
  if (!/^postgres(ql)?:\/\//.test(value)) {
    errors.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }
  return value;
}

function baseUrl(raw: string | undefined, host: string, port: number, errors: string[]): string {
  const value = raw?.trim();
  if (!value) {
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${shownHost}:${port}/fhir`;
  }
  try {
    const url = new URL(value);
    return url.toString().replace(/\/+$/, '');
  } catch {
    errors.push(`BASE_URL=${value}: expected an absolute URL such as https://fhir.example.org/fhir`);
    return value;
  }
}
