import type { IndexedParameter, SearchFilter, SearchValue } from '../repository';
import { InvalidSearchError } from '../repository';
import { indexOf } from './indexing';
import type { CompositeBranch, QueryContext } from './indexing/index-type';
import type { SqlParams } from './sql-params';

/**
 * A WHERE condition over resource alias `r` for a composite filter: some element of the resource
 * matches every component of one of the values (values ORed). With `:missing`, whether any element
 * has a value for every component.
 *
 * Each component is a semi-join on the next one's rows of the same resource and, for repeated
 * elements, the same tuple: `(i.rid, i.tuple) IN (SELECT i.rid, i.tuple ...)`. Every level names
 * its rows `i`, as the index types' conditions expect, and refers to no outer level, so PostgreSQL
 * can plan each as a join, through the rid index or from the most selective index.
 */
export function compositeFilterSql(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string {
  const param = filter.param as IndexedParameter;
  // In a search over several types, every one of them stores the composite (and may refuse it).
  const types = filter.resourceTypes ?? [param.resourceType];
  const perType = types.map((type) => ctx.compositeBranches(type, param.code));
  const branches = perType[0];
  if (!branches) {
    throw new InvalidSearchError(`Composite parameter ${param.code} is not indexed`);
  }
  const shape = (b: CompositeBranch[] | undefined) => JSON.stringify(b?.map((branch) => [branch.tupled, branch.parts.map((p) => p.code)]));
  if (perType.some((other) => shape(other) !== shape(branches))) {
    throw new InvalidSearchError(`Composite parameter ${param.code} is stored differently on the types searched; search them one at a time`);
  }
  const alternatives =
    filter.modifier === 'missing'
      ? branches.map((branch) => branchRids(branch, undefined, types, params, ctx))
      : filter.values.flatMap((value) => {
          const components = componentValues(param, value);
          return branches.map((branch) => branchRids(branch, components, types, params, ctx));
        });
  // One semi-join over all alternatives: an OR of EXISTS would plan as a scan of every resource.
  const matching = `EXISTS (SELECT 1 FROM (${alternatives.join(' UNION ALL ')}) m WHERE m.rid = r.rid)`;
  const missing = filter.modifier === 'missing' && filter.values.some((v) => v.value === 'true');
  return missing ? `NOT ${matching}` : matching;
}

function componentValues(param: IndexedParameter, value: SearchValue): SearchValue[] {
  const expected = param.components?.length ?? 0;
  if (!value.components || value.components.length !== expected) {
    throw new InvalidSearchError(`"${value.value}" does not have the ${expected} $-separated values ${param.code} needs`);
  }
  return value.components;
}

/** The rids whose rows of the first component match, each joined to the matching rows of the following components. */
function branchRids(branch: CompositeBranch, values: SearchValue[] | undefined, types: readonly string[], params: SqlParams, ctx: QueryContext): string {
  const key = branch.tupled ? 'i.rid, i.tuple' : 'i.rid';
  let inner = '';
  for (let n = branch.parts.length - 1; n >= 0; n--) {
    const part = branch.parts[n];
    const index = indexOf(part.param);
    const value = values?.[n];
    const match = value ? ` AND (${index.match({ param: part.param, values: [value] }, value, params, ctx)})` : '';
    const next = inner ? ` AND (${key}) IN (${inner})` : '';
    const ofTypes = types.length === 1 ? `= ${params.add(types[0])}` : `= ANY(${params.add(types)}::text[])`;
    const rows = `FROM ${index.table} i WHERE i.resource_type ${ofTypes} AND i.param = ${params.add(part.code)}${match}${next}`;
    inner = `SELECT ${n === 0 ? 'i.rid' : key} ${rows}`;
  }
  return inner;
}
