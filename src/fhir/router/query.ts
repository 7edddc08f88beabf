import { errors } from '../outcomes';
import type { FhirRequest } from '../types';

/** The single value of a query parameter; a repeated one is refused as ambiguous. */
export function queryValue(request: FhirRequest, name: string): string | undefined {
  const values = request.query.filter(([key]) => key === name).map(([, value]) => value);
  if (values.length > 1) {
    throw errors.invalid(`Parameter ${name} may appear only once`, name);
  }
  return values[0];
}

/** Parses "a=1&b=2" (an If-None-Exist header, or the query of a conditional URL) into pairs. */
export function parseQueryString(query: string): [string, string][] {
  return [...new URLSearchParams(query.startsWith('?') ? query.slice(1) : query).entries()];
}
