import type { TypedValue } from '@medplum/core';
import { InvalidSearchError } from '../../repository';
import type { SqlParams } from '../sql-params';
import type { IndexType } from './index-type';

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
