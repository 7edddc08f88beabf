import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createRegistries, type FhirRegistries } from './fhir/conformance/registries';
import { errors } from './fhir/outcomes';
import { dispatch } from './fhir/router/router';
import type { HandlerContext } from './fhir/types';
import { sendResult, toFhirRequest } from './http/fhir-adapter';
import { accessLog } from './http/middleware/access-log';
import { errorHandler } from './http/middleware/error-handler';
import { negotiation } from './http/middleware/negotiation';
import { requestId } from './http/middleware/request-id';
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

const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json+fhir', 'application/json-patch+json'];

/** The Express app, without listening: the only place that wires HTTP, FHIR and the store. */
export function createApp(deps: AppDependencies): Express {
  const { config, repo, registries, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(accessLog(logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const accepting = deps.isAccepting?.() ?? true;
    const storeUp = await repo.ping().then(() => true, () => false);
    res.status(accepting && storeUp ? 200 : 503).json({ status: accepting && storeUp ? 'ready' : 'not ready', store: storeUp });
  });

  const context: HandlerContext = {
    repo,
    registries,
    baseUrl: config.baseUrl,
    limits: { bundleMaxEntries: config.bundleMaxEntries },
    dispatch,
  };
  const fhir = express.Router();
  fhir.use(negotiation);
  fhir.use(express.json({ limit: config.bodyLimitBytes, type: JSON_TYPES, strict: false }));
  fhir.use(express.urlencoded({ limit: config.bodyLimitBytes, extended: false }));
  fhir.all('/{*path}', async (req: Request, res: Response) => {
    const path = req.path.replace(/^\/+/, '').replace(/\/+$/, '');
    const request = toFhirRequest(req, path);
    sendResult(req, res, request, config.baseUrl, await dispatch(request, context));
  });
  app.use('/fhir', fhir);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(errors.notFound(`The path ${req.path}`));
  });
  app.use(errorHandler(logger));
  return app;
}
