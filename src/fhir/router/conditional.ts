import type { Resource } from '@medplum/fhirtypes';
import type { ResourceReader, ResourceWriter } from '../../store/repository';
import { errors } from '../outcomes';
import { parseSearch } from '../search/parse-search';
import type { HandlerContext } from '../types';
import { parseQueryString } from './query';

/**
 * The resources a conditional interaction's criteria select: at most two, enough to tell none, one
 * and several apart. Unknown parameters are refused (as HAPI does): ignoring one would widen the
 * match and could update or delete the wrong resource.
 */
export async function findMatches(
  reader: ResourceReader,
  ctx: HandlerContext,
  type: string,
  criteria: string | [string, string][],
): Promise<Resource[]> {
  const pairs = typeof criteria === 'string' ? parseQueryString(criteria) : criteria;
  const parsed = parseSearch(type, pairs, ctx.registries, true);
  if (parsed.query.filters.length === 0) {
    throw errors.invalid(`The conditional criteria "${new URLSearchParams(pairs)}" select nothing: give search parameters`);
  }
  // Every match counts: paging parameters in the criteria must not skip any.
  const result = await reader.search({ ...parsed.query, count: 2, offset: 0, cursor: undefined, total: 'none', sort: [] });
  return result.resources;
}

/**
 * The one resource a conditional write's criteria select, or undefined; several are a 412 (R4).
 * Writers with the same criteria are serialized by a lock held to the end of the transaction, so
 * ten parallel identical conditional creates leave one resource: each searches only after the
 * previous one committed.
 */
export async function lockedMatch(
  tx: ResourceWriter,
  ctx: HandlerContext,
  type: string,
  criteria: string | [string, string][],
): Promise<Resource | undefined> {
  const pairs = typeof criteria === 'string' ? parseQueryString(criteria) : criteria;
  const canonical = [...pairs].sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
  await tx.lock(`conditional:${type}?${new URLSearchParams(canonical)}`);
  const matches = await findMatches(tx, ctx, type, pairs);
  if (matches.length > 1) {
    throw errors.precondition(`The criteria match more than one ${type}`);
  }
  return matches[0];
}
