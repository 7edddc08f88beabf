import type { IncomingMessage } from 'node:http';
import accepts from 'accepts';
import { fail } from '../../fhir/outcomes';

const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

/** Only JSON is spoken: _format or Accept asking for anything else is answered 406. */
export function checkAcceptable(req: IncomingMessage, format: string | undefined): void {
  const wanted = format?.split(';')[0].trim();
  if (wanted !== undefined && !JSON_FORMATS.has(wanted)) {
    throw fail('not-acceptable', 'not-supported', `_format=${wanted} is not supported; this server speaks JSON only`);
  }
  if (wanted === undefined && req.headers.accept && !accepts(req).type(['application/fhir+json', 'application/json'])) {
    throw fail('not-acceptable', 'not-supported', `Accept: ${req.headers.accept} cannot be served; this server speaks application/fhir+json only`);
  }
}
