import type { IndexedParameter } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { canTarget } from './chain';

/** One _include or _revinclude as asked. */
export interface IncludeSpec {
  reverse: boolean;
  /** `:iterate` (or DSTU2's `:recurse`): applied to included resources too, not only to matches. */
  iterate: boolean;
  /** The referring type; undefined for `*` (any type). */
  sourceType?: string;
  /** The reference parameter of sourceType; undefined for `*` and `[type]:*` (all of them). */
  param?: IndexedParameter;
  /** `[type]:[param]:[target]`: only references to this type. */
  targetType?: string;
}

const NAMES = new Set(['_include', '_revinclude']);
const ITERATE = new Set(['iterate', 'recurse']);

/** Whether a parameter name is _include or _revinclude, with or without a modifier. */
export function isIncludeParam(rawName: string): boolean {
  return NAMES.has(rawName.split(':', 1)[0]);
}

/**
 * `_include=Observation:subject`, `Observation:subject:Patient`, `Observation:*` or `*`, and the
 * same for _revinclude, as a spec; or the reason it cannot be applied (unknown type or parameter).
 */
export function parseInclude(rawName: string, value: string, registries: FhirRegistries): IncludeSpec | string {
  const [name, modifier, extra] = rawName.split(':');
  if (extra !== undefined || (modifier !== undefined && !ITERATE.has(modifier))) {
    return `Modifier ":${rawName.slice(name.length + 1)}" is not supported on ${name}`;
  }
  const spec = { reverse: name === '_revinclude', iterate: modifier !== undefined };
  if (value === '*') {
    return spec;
  }
  const [sourceType, code, targetType, more] = value.split(':');
  if (!sourceType || !code || more !== undefined) {
    return `${name}=${value} is not of the form [type]:[parameter], [type]:[parameter]:[target type] or *`;
  }
  if (!registries.resourceTypes.has(sourceType)) {
    return `Unknown resource type "${sourceType}" in ${name}=${value}`;
  }
  if (code === '*') {
    return targetType === undefined ? { ...spec, sourceType } : `${name}=${value}: a target type cannot follow *`;
  }
  const param = registries.searchParameters.get(sourceType, code);
  if (!param || param.type !== 'reference') {
    return `"${code}" is not a reference parameter of ${sourceType} (${name}=${value})`;
  }
  if (targetType !== undefined && (!registries.resourceTypes.has(targetType) || !canTarget(param, targetType))) {
    return `Parameter "${code}" of ${sourceType} cannot refer to a ${targetType} (${name}=${value})`;
  }
  return { ...spec, sourceType, param, targetType };
}
