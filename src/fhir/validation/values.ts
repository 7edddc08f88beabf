/** Value comparisons of ElementDefinition fixed[x] and pattern[x] (R4 profiling.html). */

/** fixed[x]: the value must be exactly the fixed value (JSON deep equality). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) {
    return false;
  }
  return aKeys.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * pattern[x]: every property of the pattern is present with the same value; a pattern array's
 * items must each match some item of the value's array.
 */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null) {
    return value === pattern;
  }
  if (Array.isArray(pattern)) {
    return Array.isArray(value) && pattern.every((p) => value.some((v) => matchesPattern(v, p)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  return Object.entries(pattern).every(([k, p]) => matchesPattern((value as Record<string, unknown>)[k], p));
}

/** The values at a simple FHIRPath (`url`, `code.coding.code`, `extension('u').value`), arrays flattened. */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  if (path === '$this') {
    return current;
  }
  for (const segment of splitPath(path)) {
    const extension = /^extension\('(.*)'\)$/.exec(segment);
    const next: unknown[] = [];
    for (const item of current) {
      if (typeof item !== 'object' || item === null) {
        continue;
      }
      const record = item as Record<string, unknown>;
      const child = extension ? record.extension : record[segment];
      const children = Array.isArray(child) ? child : child === undefined ? [] : [child];
      for (const c of children) {
        if (!extension || (c as { url?: string })?.url === extension[1]) {
          next.push(c);
        }
      }
    }
    current = next;
  }
  return current;
}

/** Splits on dots outside quotes, so `extension('http://a.b/c').value` stays two segments. */
export function splitPath(path: string): string[] {
  const segments: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    if (path[i] === "'") {
      quoted = !quoted;
    } else if (path[i] === '.' && !quoted) {
      segments.push(path.slice(start, i));
      start = i + 1;
    }
  }
  segments.push(path.slice(start));
  return segments.filter((s) => s !== '$this');
}
