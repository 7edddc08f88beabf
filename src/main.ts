import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildDependencies, createApp, hl7Wiring, pullServices, serverDispatcher } from './app';
import { ConfigError, loadConfig } from './config';
import { ProfileFileError } from './fhir/conformance/profile-files';
import { createLogger } from './logger';
import { StoreUnavailableError } from './store/repository';
import { MLLP_MAX_MESSAGE_BYTES, mllpHandler } from './sync/hl7v2/hl7-senders';
import { startMllpListener } from './sync/hl7v2/mllp-listener';
import { syncPass } from './sync/pull/pull-sync';
import { startPullScheduler } from './sync/pull/scheduler';
import { loadSeedTrials, readTrialBundles } from './trial/seed-trials';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const deps = await buildDependencies(config, logger);
  if (config.seedTrials) {
    const seeded = await loadSeedTrials(serverDispatcher({ ...deps, config }), readTrialBundles(config.trialBundlesDir));
    if (seeded.loaded.length > 0) logger.info({ trials: seeded.loaded, resources: seeded.resources }, 'first start: the seed trials are loaded');
  }
  let accepting = true;
  const app = createApp({ ...deps, config, isAccepting: () => accepting });
  const stopRefresh = config.searchParameterRefreshMs > 0
    ? deps.definitions.startRefresh(deps.repo, config.searchParameterRefreshMs, (error) =>
        logger.warn({ err: error }, 'search parameter refresh failed; the definitions in use are kept'))
    : () => undefined;
  const stopProfileRefresh = config.profileRefreshMs > 0
    ? deps.uploads.startRefresh(deps.repo, config.profileRefreshMs, (error) =>
        logger.warn({ err: error }, 'profile refresh failed; the profiles in use are kept'))
    : () => undefined;
  const mllp = config.mllp.enabled
    ? await startMllpListener({
        ...config.mllp,
        maxMessageBytes: MLLP_MAX_MESSAGE_BYTES,
        handle: mllpHandler(hl7Wiring({ ...deps, config }, { method: 'MLLP', path: `/mllp:${config.mllp.port}`, interaction: 'hl7v2' })),
        onError: (error, message) => logger.warn({ err: error }, message),
      })
    : undefined;
  if (mllp) logger.info({ port: mllp.port, host: config.mllp.host }, 'HL7 v2 MLLP listener started');

  const services = pullServices({ ...deps, config }, config.sync);
  const pullScheduler = config.sync.intervalSeconds > 0
    ? startPullScheduler(config.sync.intervalSeconds * 1000, async (signal) => {
        for (const pass of await syncPass(services, { signal })) logger.info({ endpoint: pass.endpoint, run: pass.result }, 'pull sync run');
      }, (error) => logger.warn({ err: error }, 'pull sync pass failed'))
    : undefined;
  deps.bulk.worker.start();
  const server = createServer(app).listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const store = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
    logger.info({ port, host: config.host, store }, `Stroma FHIR server listening on ${config.baseUrl}`);
  });

  server.on('error', (error: NodeJS.ErrnoException) => {
    logger.fatal({ code: error.code }, `cannot listen on ${config.host}:${config.port}: ${error.message}`);
    void deps.repo.close().finally(() => process.exit(1));
  });

  const shutdown = (signal: string) => {
    if (!accepting) return;
    accepting = false;
    stopRefresh();
    stopProfileRefresh();
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    // The messages in hand are answered, and the sync run in progress stops between requests and
    // records itself, before the store closes.
    const mllpClosed = mllp?.close(config.shutdownTimeoutMs) ?? Promise.resolve();
    const syncStopped = pullScheduler?.stop();
    // An export in progress saves where it is and goes back to the queue, for this or another process.
    const exportsStopped = deps.bulk.worker.stop();
    server.close(async () => {
      await mllpClosed;
      await syncStopped;
      await exportsStopped;
      // The audit events of the last requests are written before the store closes.
      await deps.security.close();
      await deps.repo.close();
      await deps.uploads.close();
      logger.info('store closed; bye');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreUnavailableError || error instanceof ProfileFileError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Stroma failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
