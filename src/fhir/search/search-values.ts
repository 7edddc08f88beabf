import type { IndexedParameter, Prefix, SearchValue } from '../../store/repository';
import { errors } from '../outcomes';

const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];
const PREFIXED_TYPES = new Set(['date', 'number', 'quantity']);

/** Splits on commas not escaped with a backslash, then unescapes \, \$ \\ (\| is left to the types that split on it). */
export function splitValues(value: string): string[] {
  return splitUnescaped(value, ',').map(unescape);
}

/** The value of one parameter of its type, its prefix split off where the type takes one. */
export function withPrefix(param: IndexedParameter, value: string): SearchValue {
  const head = value.slice(0, 2) as Prefix;
  if (PREFIXED_TYPES.has(param.type) && PREFIXES.includes(head) && /^[a-z]{2}[0-9-]/.test(value)) {
    return { prefix: head, value: value.slice(2) };
  }
  return { value };
}

/**
 * The comma-separated values of a composite parameter, each split on unescaped `$` into one value
 * per component, prefixed by that component's type (`http://loinc.org|718-7$gt10`).
 */
export function compositeValues(param: IndexedParameter, value: string): SearchValue[] {
  const components = param.components ?? [];
  return splitUnescaped(value, ',').map((raw) => {
    const parts = splitUnescaped(raw, '$').map(unescape);
    if (parts.length !== components.length || parts.some((p) => p === '')) {
      throw errors.invalid(`"${unescape(raw)}" must have ${components.length} non-empty values separated by $ for ${param.code}`);
    }
    return { value: unescape(raw), components: parts.map((part, n) => withPrefix(components[n].param, part)) };
  });
}

/** Splits on `separator` where it is not escaped with a backslash, keeping the escapes. */
function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length && ',$|\\'.includes(value[i + 1])) {
      current += c + value[++i];
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(part: string): string {
  return part.replace(/\\([,$\\])/g, '$1');
}
