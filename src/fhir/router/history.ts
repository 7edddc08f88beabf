import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { HistoryPage, HistoryQuery } from '../../store/repository';
import { errors, statusLine, success } from '../outcomes';
import { DEFAULT_COUNT, MAX_COUNT, nonNegativeInteger } from '../search/result-params';
import type { FhirRequest, Handler, HandlerContext, HandlerResult } from '../types';
import { assertValidId, readerOf } from './context';

const HISTORY_PARAMS = new Set(['_count', '_since', '_at', '_before', '_format', '_pretty']);

/** GET [type]/[id]/_history: every version of one resource, newest first. */
export const instanceHistory: Handler = async (request, { type, id }, ctx) => {
  assertValidId(id as string);
  const current = await readerOf(ctx).read(type as string, id as string);
  if (!current) {
    throw errors.notFound(`${type}/${id}`);
  }
  return historyBundle(request, ctx, { resourceType: type, id }, `${type}/${id}/_history`);
};

/** GET [type]/_history */
export const typeHistory: Handler = (request, { type }, ctx) =>
  historyBundle(request, ctx, { resourceType: type }, `${type}/_history`);

/** GET /_history */
export const systemHistory: Handler = (request, _params, ctx) => historyBundle(request, ctx, {}, '_history');

async function historyBundle(
  request: FhirRequest,
  ctx: HandlerContext,
  scope: Pick<HistoryQuery, 'resourceType' | 'id'>,
  path: string,
): Promise<HandlerResult> {
  const query = historyQuery(request, scope);
  const page = await readerOf(ctx).history(query);
  const link = [{ relation: 'self', url: pageUrl(ctx.baseUrl, path, request, query.before) }];
  const last = page.versions.at(-1);
  if (page.hasMore && last) {
    link.push({ relation: 'next', url: pageUrl(ctx.baseUrl, path, request, last.position) });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    link,
    // FHIR JSON has no empty arrays: an empty history has no entry.
    ...(page.versions.length > 0 && { entry: page.versions.map((v) => historyEntry(ctx.baseUrl, v)) }),
  };
  return [success('ok', 'History'), bundle];
}

function historyQuery(request: FhirRequest, scope: Pick<HistoryQuery, 'resourceType' | 'id'>): HistoryQuery {
  const query: HistoryQuery = { ...scope, count: DEFAULT_COUNT };
  for (const [name, value] of request.query) {
    if (!HISTORY_PARAMS.has(name)) {
      if (request.preferHandling === 'strict') {
        throw errors.invalid(`Unknown history parameter "${name}"`, name);
      }
      continue;
    }
    if (name === '_count') query.count = Math.min(nonNegativeInteger(name, value), MAX_COUNT);
    if (name === '_before') query.before = nonNegativeInteger(name, value);
    if (name === '_since') query.since = instant(value);
    if (name === '_at') query.at = value;
  }
  return query;
}

function historyEntry(baseUrl: string, version: HistoryPage['versions'][number]): BundleEntry {
  const { resourceType, id, versionId, lastUpdated, method } = version;
  const created = method === 'POST' || (versionId === 1 && method === 'PUT');
  return {
    fullUrl: `${baseUrl}/${resourceType}/${id}`,
    ...(version.resource ? { resource: version.resource } : {}),
    request: { method, url: method === 'POST' ? resourceType : `${resourceType}/${id}` },
    response: {
      status: method === 'DELETE' ? statusLine('no-content') : statusLine(created ? 'created' : 'ok'),
      etag: `W/"${versionId}"`,
      lastModified: lastUpdated,
    },
  };
}

function pageUrl(baseUrl: string, path: string, request: FhirRequest, before: number | undefined): string {
  const params = new URLSearchParams(request.query.filter(([name]) => name !== '_before'));
  if (before !== undefined) {
    params.set('_before', String(before));
  }
  const query = params.toString();
  return `${baseUrl}/${path}${query ? `?${query}` : ''}`;
}

/** _since is an instant: a full date-time with a time zone. */
function instant(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw errors.invalid(`_since must be an instant such as 2024-01-01T00:00:00Z, not "${value}"`, '_since');
  }
  return new Date(value).toISOString();
}
