import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { registerBulkExport, type BulkExport } from './bulk';
import { DEFAULT_LOOKUP_CACHE_MS, DEFAULT_PROFILES_DIR, DEFAULT_SUPPLEMENTS_DIR, loadConfig, type AuthConfig, type Config, type SyncConfig } from './config';
import { storeProfileResources } from './fhir/conformance/conformance-store';
import { profileConformanceResources, readProfileFiles, registerProfileResources } from './fhir/conformance/profile-files';
import { ProfileUploads } from './fhir/conformance/profile-uploads';
import { createRegistries, createSearchParameterDefinitions, type FhirRegistries } from './fhir/conformance/registries';
import type { SearchParameterDefinitions } from './fhir/conformance/search-parameter-definitions';
import { dispatch } from './fhir/router/router';
import { createWriteValidation, type WriteValidation } from './fhir/validation/pipeline';
import type { FhirRequest, HandlerContext, HandlerResult } from './fhir/types';
import type { AuditEntity, Requester } from './fhir/access';
import { accessControlledRepository } from './fhir/access-controlled-repository';
import { createAccessControl } from './auth/policy';
import { createRequestListener } from './http/request-listener';
import type { Repository } from './store/repository';
import { buildSecurity, listenerSecurity, type SecurityDependencies } from './security';
import { AUDIT_SEARCH_PARAMETERS, auditLogRepository } from './auth/audit/audit-log-repository';
import { createPostgresAuditLog, createPostgresAuthStore, createPostgresExportStore, createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from './store/postgres';
import { registerTrial } from './trial';
import { registerSync } from './sync';
import { createIntakeMetrics, type IntakeMetrics } from './sync/metrics';
import { metricsRoute } from './sync/metrics-route';
import { hl7HttpRoute } from './sync/hl7v2/hl7-http-route';
import type { Hl7Wiring } from './sync/hl7v2/hl7-senders';
import { isClientSource } from './auth/policy/own-source';
import { readSupplements } from './trial/ctgov/supplement-files';
import type { PullServices } from './sync/pull/sync-endpoint';
import { keysDirResolver } from './sync/pull/signing-keys';

export type AppConfig = Pick<Config, 'baseUrl' | 'bodyLimitBytes' | 'bundleMaxEntries' | 'auth'>;

export interface AppDependencies {
  config: AppConfig;
  repo: Repository;
  registries: FhirRegistries;
  /** Loads the project's search parameters into the registry and the store's index. */
  definitions: SearchParameterDefinitions;
  /** Checks client StructureDefinitions, ValueSets and CodeSystems and registers them in the validator. */
  uploads: ProfileUploads;
  /** Validates every write (base R4, meta.profile, the profiles the rules select). */
  validation: WriteValidation;
  /** Tokens, registered clients and the audit trail. */
  security: SecurityDependencies;
  logger: Logger;
  /** The EHR integration's Prometheus metrics (served at /metrics). */
  metrics: IntakeMetrics;
  /** Bulk Data $export: its status and file routes, and the worker that runs its jobs (main.ts starts it). */
  bulk: BulkExport;
  /** False once shutdown has begun: /readyz then answers 503 so balancers stop sending work. */
  isAccepting?: () => boolean;
}

/** Opens the store the configuration names and builds everything the app needs. */
export async function buildDependencies(
  config: Pick<Config, 'databaseUrl' | 'dbPoolSize' | 'baseUrl'> & Partial<Pick<Config, 'dataDir' | 'profilesDir' | 'lookupCacheMs' | 'auth' | 'bulk'>>,
  logger: Logger,
): Promise<Omit<AppDependencies, 'config'>> {
  const files = readProfileFiles(config.profilesDir ?? DEFAULT_PROFILES_DIR);
  const registries = createRegistries(SEARCHABLE_TYPES);
  registries.searchParameters.restrict('AuditEvent', AUDIT_SEARCH_PARAMETERS);
  const definitions = createSearchParameterDefinitions(registries, SEARCHABLE_TYPES, files.searchParameters);
  registerProfileResources(files.validation, registries.profiles);
  registerTrial(registries, {
    supplements: readSupplements(DEFAULT_SUPPLEMENTS_DIR, path.join(DEFAULT_PROFILES_DIR, 'examples')),
    isFromOutside: (resource) => isClientSource(resource.meta?.source),
  });
  const metrics = createIntakeMetrics();
  registerSync(registries, metrics);
  const validation = createWriteValidation(
    registries.profiles,
    registries.profileRules,
    { lookupCacheMs: config.lookupCacheMs ?? DEFAULT_LOOKUP_CACHE_MS },
    registries.businessRules,
  );
  const conformance = profileConformanceResources(files);
  const uploads = new ProfileUploads(registries.profiles, registries.searchParameters, conformance);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  const auditLog = createPostgresAuditLog(db);
  // AuditEvents live in the audit log, not the resource tables (see src/store/audit-log.ts).
  const repo = auditLogRepository(createPostgresRepository(db, { parameters: registries.searchParameters.indexed(), baseUrl: config.baseUrl }), auditLog);
  let security: SecurityDependencies | undefined;
  let bulk: BulkExport | undefined;
  try {
    const report = await definitions.load(repo);
    for (const reason of report.skipped) logger.warn(`stored search parameter not used: ${reason}`);
    if (report.incomplete.length > 0) {
      logger.warn({ parameters: report.incomplete }, 'search parameters not searchable until the index is rebuilt (npm run reindex, or POST /fhir/$reindex)');
    }
    const started = performance.now();
    const stored = await storeProfileResources(repo, conformance, registries.searchParameters);
    const ms = Math.round(performance.now() - started);
    logger.info({ written: stored.written.length, deleted: stored.deleted.length, ms }, 'profiles/ conformance resources in the store');
    const uploaded = await uploads.load(repo);
    for (const reason of uploaded.skipped) logger.warn(`stored conformance resource not used for validation: ${reason}`);
    const auth: AuthConfig = config.auth ?? loadConfig({}).auth;
    security = await buildSecurity({
      store: createPostgresAuthStore(db), auditLog, registries, auth, baseUrl: config.baseUrl, dataDir: config.dataDir, logger,
    });
    bulk = registerBulkExport({
      store: createPostgresExportStore(db), reader: repo, registries, baseUrl: config.baseUrl,
      accessFor: (requester) => createAccessControl(requester, { registries }),
      settings: config.bulk ?? loadConfig({}).bulk, holder: `${hostname()} pid ${process.pid}`,
      onError: (error, message) => logger.error({ err: error }, message),
    });
  } catch (error) {
    await repo.close();
    throw error;
  }
  return { repo, registries, definitions, uploads, validation, security, logger, metrics, bulk };
}

/** What every FHIR request runs with, before the requester's access is added. */
function fhirContext(deps: AppDependencies): Omit<HandlerContext, 'access' | 'trail'> {
  const { config, repo, registries, definitions, uploads, validation } = deps;
  return {
    repo: uploads.watch(definitions.watch(validation.guard(repo))),
    registries,
    definitions,
    validation,
    baseUrl: config.baseUrl,
    limits: { bundleMaxEntries: config.bundleMaxEntries },
    dispatch,
  };
}

/** Who the server is when it writes on its own behalf (the seed trials at first start, the CLIs' local mode). */
export const SERVER_REQUESTER: Requester = { clientId: 'stroma-server', role: 'admin', scope: 'system/*.cruds' };

/**
 * A FHIR request made by the server itself: the same router, validation and store as a client's, as an
 * admin. Throws the OperationOutcomeError a client would get as an error response.
 */
export function serverDispatcher(deps: AppDependencies): (request: FhirRequest) => Promise<HandlerResult> {
  const context = requesterContext(deps, SERVER_REQUESTER);
  return (request) => dispatch(request, context);
}

/**
 * The FHIR context of a requester the server acts for without an HTTP request (an HL7 v2 sender on
 * MLLP, an EHR pulled from): the same router, validation, store and access policy as a client's.
 */
export function requesterContext(deps: AppDependencies, requester: Requester, audit?: AuditedChannel): HandlerContext {
  const base = fhirContext(deps);
  const access = createAccessControl(requester, { registries: deps.registries });
  const entities: AuditEntity[] = [];
  let started = new Date().toISOString();
  // Every committed transaction becomes an audit record with what it read and wrote: the trail of
  // writes no HTTP request carried (the listener audits HTTP requests). A transaction rolled back (a
  // refused result, run again without it) leaves none of its own.
  const committed = () => {
    deps.security.audit.record({ started, requestId: randomUUID(), requester, ...(audit as AuditedChannel), query: '', status: 200, entities: entities.splice(0) });
    started = new Date().toISOString();
  };
  return { ...base, access, repo: accessControlledRepository(base.repo, access, entities, audit ? committed : undefined) };
}

/** How the audit trail names what a requester without an HTTP request did (an MLLP message, a pull). */
export interface AuditedChannel {
  method: string;
  path: string;
  interaction: string;
}

/** What the HL7 v2 intake (POST /hl7/v2 and the MLLP listener) takes messages in with. */
export function hl7Wiring(deps: AppDependencies, audit?: AuditedChannel): Hl7Wiring {
  return {
    contextFor: (requester) => requesterContext(deps, requester, audit),
    metrics: deps.metrics,
    logError: (error, message) => deps.logger.error({ err: error }, message),
  };
}

/** What pull sync runs with (the scheduler in main.ts, `npm run sync`): results are written as each Endpoint's ehr requester. */
export function pullServices(deps: AppDependencies, sync: SyncConfig, overrides: Partial<PullServices> = {}): PullServices {
  return {
    store: deps.repo,
    registries: deps.registries,
    metrics: deps.metrics,
    contextFor: (requester) => requesterContext(deps, requester, { method: 'GET', path: '/sync/pull', interaction: 'sync' }),
    keys: keysDirResolver(sync.keysDir),
    retry: { maxAttempts: sync.maxAttempts, baseDelayMs: sync.retryBaseMs, maxDelayMs: sync.retryMaxMs },
    hooks: {},
    fetch: globalThis.fetch,
    pageSize: sync.pageSize,
    timeoutMs: 60_000,
    leaseMs: 15 * 60_000,
    holder: `${hostname()} pid ${process.pid}`,
    ...overrides,
  };
}

/** The HTTP request listener: the only place that wires HTTP, FHIR and the store. */
export function createApp(deps: AppDependencies): RequestListener {
  const { config, repo, registries, security, logger } = deps;
  const context = fhirContext(deps);
  const secured = listenerSecurity(security, registries, config.auth);
  return createRequestListener({
    context,
    repo,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    isAccepting: deps.isAccepting ?? (() => true),
    security: { ...secured, routes: [...secured.routes, metricsRoute(deps.metrics), hl7HttpRoute(hl7Wiring(deps)), ...deps.bulk.routes] },
  });
}
