import { deepEqual } from './values';

/**
 * The collections, errors and functions of the fast FHIRPath subset (see fhirpath-fast.ts):
 * existence, filtering, counting and the string functions R4 invariants use.
 */

export interface FastVariables {
  context: unknown;
  /** The FHIR type of the context value (`dateTime` for effectiveDateTime): JSON does not say it. */
  contextType: string;
  resource: unknown;
  rootResource: unknown;
}

export type Collection = unknown[];
export type Evaluator = (input: Collection, vars: FastVariables) => Collection;

export class Unsupported extends Error {}

export const EMPTY: Collection = [];

export type Tri = boolean | undefined;

export function compileFunction(name: string, args: Evaluator[]): Evaluator {
  const arg = args[0];
  switch (name) {
    case 'empty':
      return (input) => [input.length === 0];
    case 'exists':
      return arg ? (input, vars) => [input.some((x) => isTrue(arg([x], vars)))] : (input) => [input.length > 0];
    case 'hasValue':
      return (input) => [input.length === 1 && typeof input[0] !== 'object'];
    case 'not':
      return (input) => {
        const b = toBoolean(input);
        return b === undefined ? EMPTY : [!b];
      };
    case 'count':
      return (input) => [input.length];
    case 'where':
      return (input, vars) => input.filter((x) => isTrue(arg([x], vars)));
    case 'select':
      return (input, vars) => input.flatMap((x) => arg([x], vars));
    case 'all':
      return (input, vars) => [input.every((x) => isTrue(arg([x], vars)))];
    case 'first':
      return (input) => input.slice(0, 1);
    case 'isDistinct':
      return (input) => [distinct(input).length === input.length];
    case 'distinct':
      return (input) => distinct(input);
    case 'intersect':
      return (input, vars) => {
        const other = arg(input, vars);
        return distinct(input.filter((x) => other.some((y) => deepEqual(x, y))));
      };
    case 'trace':
      return (input) => input;
    case 'toString':
      return (input) => {
        if (input.length === 1 && typeof input[0] !== 'object') {
          return [String(input[0])];
        }
        throw new Unsupported('toString of a collection or an object');
      };
  }
  return compileStringFunction(name, args);
}

function compileStringFunction(name: string, args: Evaluator[]): Evaluator {
  const withString = (f: (s: string, argValues: unknown[]) => unknown): Evaluator => (input, vars) => {
    if (input.length === 0) {
      return EMPTY;
    }
    if (input.length > 1 || typeof input[0] !== 'string') {
      throw new Unsupported(name);
    }
    const argValues = args.map((a) => a(input, vars)[0]);
    const result = f(input[0] as string, argValues);
    return result === undefined ? EMPTY : [result];
  };
  switch (name) {
    case 'startsWith':
      return withString((s, [p]) => (typeof p === 'string' ? s.startsWith(p) : undefined));
    case 'endsWith':
      return withString((s, [p]) => (typeof p === 'string' ? s.endsWith(p) : undefined));
    case 'contains':
      return withString((s, [p]) => (typeof p === 'string' ? s.includes(p) : undefined));
    case 'length':
      return withString((s) => s.length);
    case 'substring':
      return withString((s, [start, length]) =>
        typeof start === 'number' ? s.substring(start, typeof length === 'number' ? start + length : undefined) : undefined,
      );
    case 'matches':
      return withString((s, [re]) => (typeof re === 'string' ? new RegExp(re).test(s) : undefined));
  }
  throw new Unsupported(name);
}

export function toBoolean(collection: Collection): Tri {
  if (collection.length === 0) {
    return undefined;
  }
  if (collection.length > 1) {
    throw new Unsupported('boolean of a collection');
  }
  const value = collection[0];
  return typeof value === 'boolean' ? value : true;
}

export function isTrue(collection: Collection): boolean {
  return toBoolean(collection) === true;
}

/** Primitives through a Set (linear), objects by deep equality. */
export function distinct(items: Collection): Collection {
  const primitives = new Set<unknown>();
  const out: Collection = [];
  for (const item of items) {
    if (typeof item !== 'object') {
      if (!primitives.has(item)) {
        primitives.add(item);
        out.push(item);
      }
    } else if (!out.some((x) => deepEqual(x, item))) {
      out.push(item);
    }
  }
  return out;
}
