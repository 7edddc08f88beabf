import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { fail, OperationOutcomeError, statusOf } from '../../fhir/outcomes';
import { sendJson } from '../fhir-adapter';

/** The one place errors become responses: FHIR outcomes as they are, anything else a bare 500. */
export function sendError(res: ServerResponse, error: unknown, logger: Logger, requestId: string, pretty: boolean): void {
  if (error instanceof OperationOutcomeError) {
    sendJson(res, statusOf(error.category), error.outcome, pretty);
    return;
  }
  logger.error({ reqId: requestId, err: error }, 'unhandled error');
  const generic = fail('exception', 'exception', `Internal error; quote request id ${requestId} to the administrator`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, generic.outcome, pretty);
}
