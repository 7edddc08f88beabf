import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** JSON logs to stdout; the request id is added per line by the access log and the error handler. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'stroma' }, timestamp: pino.stdTimeFunctions.isoTime });
}
