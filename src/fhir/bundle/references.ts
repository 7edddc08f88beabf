import type { ResourceReader } from '../../store/repository';
import { errors } from '../outcomes';
import { findMatches } from '../router/conditional';
import type { HandlerContext } from '../types';

const CONDITIONAL_REFERENCE = /^([A-Z][A-Za-z]+)\?(.+)$/;

/**
 * Rewrites a resource's references to other entries (their fullUrls, typically urn:uuid:) to the
 * ids they were given, and conditional references ("Patient?identifier=x|1") to their one match.
 */
export async function rewriteReferences(
  value: unknown,
  identities: Map<string, string>,
  reader: ResourceReader,
  ctx: HandlerContext,
  where: string,
): Promise<unknown> {
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) items.push(await rewriteReferences(item, identities, reader, ctx, where));
    return items;
  }
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && identities.has(value) ? identities.get(value) : value;
  }
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'reference' && typeof child === 'string' && CONDITIONAL_REFERENCE.test(child)) {
      result[key] = await resolveConditional(child, reader, ctx, where);
    } else {
      result[key] = await rewriteReferences(child, identities, reader, ctx, where);
    }
  }
  return result;
}

async function resolveConditional(reference: string, reader: ResourceReader, ctx: HandlerContext, where: string): Promise<string> {
  const [, type, criteria] = CONDITIONAL_REFERENCE.exec(reference) as RegExpExecArray;
  if (!ctx.registries.resourceTypes.has(type)) {
    throw errors.invalid(`${where}: conditional reference ${reference} names an unknown type`);
  }
  const matches = await findMatches(reader, ctx, type, criteria);
  if (matches.length !== 1) {
    const found = matches.length === 0 ? 'no' : 'more than one';
    throw errors.precondition(`${where}: conditional reference ${reference} matches ${found} resource`);
  }
  return `${type}/${matches[0].id}`;
}
