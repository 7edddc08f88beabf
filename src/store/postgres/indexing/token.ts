import type { TypedValue } from '@medplum/core';
import { InvalidSearchError, type SearchFilter, type SearchValue } from '../../repository';
import type { SqlParams } from '../sql-params';
import type { IndexType, QueryContext } from './index-type';

interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

interface Identifier {
  system?: string;
  value?: string;
  type?: { coding?: Coding[]; text?: string };
}

/**
 * Token: system and code, from Coding, CodeableConcept, Identifier, ContactPoint and code-like
 * primitives. An Identifier's row also holds its type coding (one row per type coding) for :of-type.
 */
export const tokenIndex: IndexType = {
  table: 'idx_token',
  columns: ['system', 'code', 'text_value', 'type_system', 'type_code'],
  negatingModifiers: ['not'],
  sortKey: { asc: 'min(i.code)', desc: 'max(i.code)' },
  tabulated: 'i.code',
  extract(values) {
    return values.flatMap(tokenRows);
  },
  matchAny: (filter, params, ctx) => tokenMatchAny(filter, params, ctx),
  match(filter, { value }, params) {
    if (filter.modifier === 'text') {
      return `lower(i.text_value) LIKE ${params.add(`${value.toLowerCase()}%`)}`;
    }
    if (filter.modifier === 'of-type') {
      return ofTypeMatch(value, params);
    }
    const bar = value.indexOf('|');
    if (bar < 0) {
      return `i.code = ${params.add(value)}`;
    }
    const system = value.slice(0, bar);
    const code = value.slice(bar + 1);
    if (!system && !code) {
      throw new InvalidSearchError('Token search value "|" names neither system nor code');
    }
    if (!system) {
      return `(i.system IS NULL AND i.code = ${params.add(code)})`;
    }
    if (!code) {
      return `i.system = ${params.add(system)}`;
    }
    return `(i.system = ${params.add(system)} AND i.code = ${params.add(code)})`;
  },
};

/**
 * Several `system|code` values of one system (a Bundle's upserts keyed by identifier, a panel of
 * codes) as one `code = ANY(...)` condition: ORed pairs let the planner scan every row of the system,
 * since the index leads with the code. Values of other shapes are matched one by one as usual.
 */
function tokenMatchAny(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string | undefined {
  if (filter.modifier || filter.values.length < 2) return undefined;
  const bySystem = new Map<string, string[]>();
  const others: SearchValue[] = [];
  for (const v of filter.values) {
    const bar = v.value.indexOf('|');
    const system = bar > 0 ? v.value.slice(0, bar) : '';
    const code = bar > 0 ? v.value.slice(bar + 1) : '';
    if (system && code) bySystem.set(system, [...(bySystem.get(system) ?? []), code]);
    else others.push(v);
  }
  if (![...bySystem.values()].some((codes) => codes.length > 1)) return undefined;
  const grouped = [...bySystem].map(([system, codes]) => `(i.code = ANY(${params.add(codes)}::text[]) AND i.system = ${params.add(system)})`);
  const single = others.map((v) => tokenIndex.match(filter, v, params, ctx));
  return `(${[...grouped, ...single].join(' OR ')})`;
}

/**
 * `identifier:of-type=system|code|value` (R4 search page): an identifier whose type has the coding
 * system|code and whose value is `value`; all three parts are required.
 */
function ofTypeMatch(value: string, params: SqlParams): string {
  const parts = value.split(/(?<!\\)\|/).map((part) => part.replace(/\\\|/g, '|'));
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new InvalidSearchError(`:of-type takes system|code|value (the identifier type's coding, then the value), not "${value}"`);
  }
  const [system, code, identifier] = parts;
  return `(i.code = ${params.add(identifier)} AND i.type_system = ${params.add(system)} AND i.type_code = ${params.add(code)})`;
}

function tokenRows({ type, value }: TypedValue): unknown[][] {
  switch (type) {
    case 'Coding':
      return [codingRow(value as Coding)];
    case 'CodeableConcept': {
      const concept = value as { coding?: Coding[]; text?: string };
      const rows = (concept.coding ?? []).map(codingRow);
      return concept.text ? [...rows, [null, null, concept.text, null, null]] : rows;
    }
    case 'Identifier':
      return identifierRows(value as Identifier);
    case 'ContactPoint': {
      const point = value as { value?: string; system?: string };
      return point.value ? [[null, point.value, point.system ?? null, null, null]] : [];
    }
    case 'boolean':
    case 'code':
    case 'string':
    case 'id':
    case 'uri':
    case 'canonical':
      return value === undefined || value === null ? [] : [[null, String(value), null, null, null]];
    default:
      return [];
  }
}

function codingRow(coding: Coding): unknown[] {
  return [coding.system ?? null, coding.code ?? null, coding.display ?? null, null, null];
}

/** One row per type coding (usually one), so :of-type finds the identifier by any of them. */
function identifierRows(id: Identifier): unknown[][] {
  if (!id.value && !id.system) {
    return [];
  }
  const typeCodings = (id.type?.coding ?? []).filter((c) => c.system || c.code);
  const row = (type?: Coding) => [id.system ?? null, id.value ?? null, id.type?.text ?? null, type?.system ?? null, type?.code ?? null];
  return typeCodings.length === 0 ? [row()] : typeCodings.map(row);
}
