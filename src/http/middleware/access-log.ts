import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * One line per request once it is answered: method, path, parameter names, status, duration and
 * the request id. Query values and bodies are never logged: they can carry patient identifiers.
 */
export function logWhenFinished(logger: Logger, req: IncomingMessage, res: ServerResponse, requestId: string, path: string, params: string[]): void {
  if (!logger.isLevelEnabled('info')) {
    return;
  }
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info({ reqId: requestId, method: req.method, path, params, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
  });
}
