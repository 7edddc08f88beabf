import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createRegistries, type FhirRegistries } from './fhir/conformance/registries';
import { dispatch } from './fhir/router/router';
import type { HandlerContext } from './fhir/types';
import { createRequestListener } from './http/request-listener';
import type { Repository } from './store/repository';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from './store/postgres';

export type AppConfig = Pick<Config, 'baseUrl' | 'bodyLimitBytes' | 'bundleMaxEntries'>;

export interface AppDependencies {
  config: AppConfig;
  repo: Repository;
  registries: FhirRegistries;
  logger: Logger;
  /** False once shutdown has begun: /readyz then answers 503 so balancers stop sending work. */
  isAccepting?: () => boolean;
}

/** Opens the store the configuration names and builds everything the app needs. */
export async function buildDependencies(
  config: Pick<Config, 'databaseUrl' | 'dbPoolSize' | 'baseUrl'> & { dataDir?: string },
  logger: Logger,
): Promise<Omit<AppDependencies, 'config'>> {
  const registries = createRegistries(SEARCHABLE_TYPES);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  const repo = createPostgresRepository(db, { parameters: registries.searchParameters.indexed(), baseUrl: config.baseUrl });
  return { repo, registries, logger };
}

/** The HTTP request listener: the only place that wires HTTP, FHIR and the store. */
export function createApp(deps: AppDependencies): RequestListener {
  const { config, repo, registries, logger } = deps;
  const context: HandlerContext = {
    repo,
    registries,
    baseUrl: config.baseUrl,
    limits: { bundleMaxEntries: config.bundleMaxEntries },
    dispatch,
  };
  return createRequestListener({
    context,
    repo,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    isAccepting: deps.isAccepting ?? (() => true),
  });
}
