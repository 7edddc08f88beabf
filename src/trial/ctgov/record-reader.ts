/**
 * Typed reads from an untrusted ClinicalTrials.gov API v2 record. Every read names the field path it
 * read, so a malformed record fails with a CtgovRecordError that says which field is wrong.
 */
export class CtgovRecordError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`ClinicalTrials.gov record: ${field} ${problem}`);
    this.name = 'CtgovRecordError';
  }
}

export type JsonObject = { readonly [key: string]: unknown };

/** An object node of the record, with the path it was read at. */
export interface Node {
  readonly path: string;
  readonly value: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rootNode(record: unknown): Node {
  if (!isObject(record)) throw new CtgovRecordError('(record)', 'is not a JSON object');
  return { path: '', value: record };
}

function childPath(node: Node, key: string): string {
  return node.path ? `${node.path}.${key}` : key;
}

export function optObject(node: Node, key: string): Node | undefined {
  const value = node.value[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new CtgovRecordError(childPath(node, key), 'is not an object');
  return { path: childPath(node, key), value };
}

export function reqObject(node: Node, key: string): Node {
  const child = optObject(node, key);
  if (!child) throw new CtgovRecordError(childPath(node, key), 'is missing');
  return child;
}

export function optString(node: Node, key: string): string | undefined {
  const value = node.value[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new CtgovRecordError(childPath(node, key), 'is not a string');
  return value.trim() === '' ? undefined : value;
}

export function reqString(node: Node, key: string): string {
  const value = optString(node, key);
  if (value === undefined) throw new CtgovRecordError(childPath(node, key), 'is missing');
  return value;
}

export function optNumber(node: Node, key: string): number | undefined {
  const value = node.value[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CtgovRecordError(childPath(node, key), 'is not a number');
  }
  return value;
}

function optArray(node: Node, key: string): { path: string; items: readonly unknown[] } {
  const value = node.value[key];
  if (value === undefined || value === null) return { path: childPath(node, key), items: [] };
  if (!Array.isArray(value)) throw new CtgovRecordError(childPath(node, key), 'is not an array');
  return { path: childPath(node, key), items: value };
}

/** The objects of an optional array (absent means none). */
export function objectList(node: Node, key: string): Node[] {
  const { path, items } = optArray(node, key);
  return items.map((item, i) => {
    if (!isObject(item)) throw new CtgovRecordError(`${path}[${i}]`, 'is not an object');
    return { path: `${path}[${i}]`, value: item };
  });
}

/** The strings of an optional array (absent means none). */
export function stringList(node: Node, key: string): string[] {
  const { path, items } = optArray(node, key);
  return items.map((item, i) => {
    if (typeof item !== 'string') throw new CtgovRecordError(`${path}[${i}]`, 'is not a string');
    return item;
  });
}

/** v2 escapes markdown characters in every text field; plain-string FHIR elements get them unescaped. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([<>[\]~*_\\-])/g, '$1');
}
