import type { OperationOutcome } from '@medplum/fhirtypes';
import { issue, outcomeOf, success } from '../outcomes';
import { assembleIncludes, INCLUDE_LIMITS, type Included } from '../search/includes';
import { parseSearch, type ParsedSearch } from '../search/parse-search';
import { searchBundle } from '../search/search-bundle';
import { shapeResource } from '../summary';
import type { FhirRequest, Handler, HandlerContext, HandlerResult } from '../types';
import { readerOf } from './context';

/** GET [type]?params and POST [type]/_search (form body): a searchset Bundle. */
export const search: Handler = async (request, { type }, ctx) => {
  const parsed = parseSearch(type as string, searchParams(request), ctx.registries, request.preferHandling === 'strict');
  return answerSearch(parsed, ctx);
};

/** Runs a parsed search, type- or system-level: one page of matches and what they include. */
export async function answerSearch(parsed: ParsedSearch, ctx: HandlerContext): Promise<HandlerResult> {
  const countOnly = parsed.summary === 'count';
  const query = countOnly ? { ...parsed.query, count: 0, total: 'accurate' as const } : parsed.query;
  const reader = readerOf(ctx);
  const result = await reader.search(query);
  const included: Included = countOnly
    ? { resources: [], truncated: false }
    : await assembleIncludes(reader, result.resources, parsed.includes, ctx.registries);
  const outcome = warnings(parsed.ignored, included.truncated);
  const bundle = searchBundle(ctx.baseUrl, parsed, result, (r) => shapeResource(r, parsed), outcome, included.resources);
  return [success('ok', 'Search'), bundle];
}

/** The query string, and for POST .../_search the form body too. */
export function searchParams(request: FhirRequest): [string, string][] {
  return [...request.query, ...formParams(request)];
}

function formParams(request: FhirRequest): [string, string][] {
  if (request.method !== 'POST' || request.body === undefined) {
    return [];
  }
  return Object.entries(request.body as Record<string, string | string[]>).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, String(v)]),
  );
}

/** Lenient handling (the default) tells the client what it left out instead of failing. */
function warnings(ignored: string[], truncated: boolean): OperationOutcome | undefined {
  const issues = ignored.map((reason) => issue('warning', 'not-supported', `${reason}; it was ignored`));
  if (truncated) {
    const message = `_include and _revinclude added at most ${INCLUDE_LIMITS.maxIncluded} resources to this page; others were left out (a narrower search or smaller _count helps)`;
    issues.push(issue('warning', 'too-costly', message));
  }
  return issues.length > 0 ? outcomeOf(...issues) : undefined;
}
