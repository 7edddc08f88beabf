import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { fail, OperationOutcomeError, statusOf } from '../../fhir/outcomes';
import { sendOutcome } from '../fhir-adapter';

interface BodyParserError {
  type?: string;
  status?: number;
}

const BODY_ERRORS: Record<string, () => OperationOutcomeError> = {
  'entity.too.large': () => fail('too-large', 'too-costly', 'The request body is larger than the server accepts'),
  'entity.parse.failed': () => fail('invalid', 'structure', 'The request body is not valid JSON'),
  'encoding.unsupported': () => fail('unsupported-media', 'not-supported', 'Only UTF-8 request bodies are accepted'),
  'charset.unsupported': () => fail('unsupported-media', 'not-supported', 'Only UTF-8 request bodies are accepted'),
  'request.aborted': () => fail('invalid', 'incomplete', 'The request was aborted'),
};

/** The one place errors become responses: FHIR outcomes as they are, anything else a bare 500. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = asOutcomeError(error);
    if (known) {
      sendOutcome(req, res, statusOf(known.category), known.outcome);
      return;
    }
    logger.error({ reqId: res.locals.requestId, err: error, method: req.method, path: req.path }, 'unhandled error');
    const generic = fail('exception', 'exception', `Internal error; quote request id ${res.locals.requestId} to the administrator`);
    sendOutcome(req, res, 500, generic.outcome);
  };
}

function asOutcomeError(error: unknown): OperationOutcomeError | undefined {
  if (error instanceof OperationOutcomeError) {
    return error;
  }
  const type = (error as BodyParserError | null)?.type;
  return type && BODY_ERRORS[type] ? BODY_ERRORS[type]() : undefined;
}
