import type { OperationOutcome } from '@medplum/fhirtypes';
import { issue, outcomeOf, success } from '../outcomes';
import { parseSearch } from '../search/parse-search';
import { searchBundle } from '../search/search-bundle';
import { shapeResource } from '../summary';
import type { FhirRequest, Handler } from '../types';
import { readerOf } from './context';

/** GET [type]?params and POST [type]/_search (form body): a searchset Bundle. */
export const search: Handler = async (request, { type }, ctx) => {
  const params = [...request.query, ...formParams(request)];
  const parsed = parseSearch(type as string, params, ctx.registries, request.preferHandling === 'strict');
  const countOnly = parsed.summary === 'count';
  const query = countOnly ? { ...parsed.query, count: 0, total: 'accurate' as const } : parsed.query;
  const result = await readerOf(ctx).search(query);
  const ignored = parsed.ignored.length > 0 ? ignoredOutcome(parsed.ignored) : undefined;
  const bundle = searchBundle(ctx.baseUrl, parsed, result, (r) => shapeResource(r, parsed), ignored);
  return [success('ok', 'Search'), bundle];
};

function formParams(request: FhirRequest): [string, string][] {
  if (request.method !== 'POST' || request.body === undefined) {
    return [];
  }
  return Object.entries(request.body as Record<string, string | string[]>).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, String(v)]),
  );
}

/** Lenient handling (the default) tells the client what it left out instead of failing. */
function ignoredOutcome(ignored: string[]): OperationOutcome {
  return outcomeOf(...ignored.map((reason) => issue('warning', 'not-supported', `${reason}; it was ignored`)));
}
