import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditSink, Requester, RequestTrail } from '../../fhir/access';
import { OperationOutcomeError } from '../../fhir/outcomes';

/** What the listener learns of a request while answering it, for its audit record. */
export interface AuditedRequest {
  trail: RequestTrail;
  requester?: Requester;
  failure?: string;
}

/**
 * Records the request in the audit trail once its answer has gone out (or the connection closed
 * first): after the status is known, and off the request's path (the sink only queues).
 */
export function auditWhenFinished(
  sink: AuditSink, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, interaction?: string,
): AuditedRequest {
  const audited: AuditedRequest = { trail: { entities: [], interaction } };
  const started = new Date().toISOString();
  let done = false;
  const record = () => {
    if (done) return;
    done = true;
    sink.record({
      started,
      requestId,
      requester: audited.requester,
      address: req.socket.remoteAddress,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      interaction: audited.trail.interaction,
      status: res.statusCode,
      failure: audited.failure,
      entities: audited.trail.entities,
    });
  };
  res.once('finish', record);
  res.once('close', record);
  return audited;
}

/** The reason to record for a failed request: the outcome's first diagnostics, never internals. */
export function failureOf(error: unknown): string {
  if (error instanceof OperationOutcomeError) {
    return error.outcome.issue?.[0]?.diagnostics ?? error.category;
  }
  return 'internal error';
}
