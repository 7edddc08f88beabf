import type { NextFunction, Request, Response } from 'express';
import { fail } from '../../fhir/outcomes';

const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);
const JSON_BODIES = ['application/fhir+json', 'application/json', 'application/json+fhir', 'application/json-patch+json'];
const FORM = 'application/x-www-form-urlencoded';

/** Only JSON is spoken: _format or Accept asking for anything else is 406, a non-JSON body 415. */
export function negotiation(req: Request, _res: Response, next: NextFunction): void {
  const format = typeof req.query._format === 'string' ? req.query._format.split(';')[0].trim() : undefined;
  if (format !== undefined && !JSON_FORMATS.has(format)) {
    throw fail('not-acceptable', 'not-supported', `_format=${format} is not supported; this server speaks JSON only`);
  }
  if (format === undefined && req.get('accept') && !req.accepts(['application/fhir+json', 'application/json'])) {
    throw fail('not-acceptable', 'not-supported', `Accept: ${req.get('accept')} cannot be served; this server speaks application/fhir+json only`);
  }
  if (hasBody(req) && !req.is(JSON_BODIES) && !(req.method === 'POST' && req.path.endsWith('/_search') && req.is(FORM))) {
    throw fail('unsupported-media', 'not-supported', `Content-Type ${req.get('content-type') ?? '(none)'} is not supported; send application/fhir+json`);
  }
  next();
}

function hasBody(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') {
    return false;
  }
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}
