import type { TypedValue } from '@medplum/core';
import { InvalidSearchError } from '../../repository';
import type { IndexType } from './index-type';

interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

/** Token: system and code, from Coding, CodeableConcept, Identifier, ContactPoint and code-like primitives. */
export const tokenIndex: IndexType = {
  table: 'idx_token',
  columns: ['system', 'code', 'text_value'],
  negatingModifiers: ['not'],
  sortKey: { asc: 'min(i.code)', desc: 'max(i.code)' },
  extract(values) {
    return values.flatMap(tokenRows);
  },
  match(filter, { value }, params) {
    if (filter.modifier === 'text') {
      return `lower(i.text_value) LIKE ${params.add(`${value.toLowerCase()}%`)}`;
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

function tokenRows({ type, value }: TypedValue): unknown[][] {
  switch (type) {
    case 'Coding':
      return [codingRow(value as Coding)];
    case 'CodeableConcept': {
      const concept = value as { coding?: Coding[]; text?: string };
      const rows = (concept.coding ?? []).map(codingRow);
      return concept.text ? [...rows, [null, null, concept.text]] : rows;
    }
    case 'Identifier': {
      const id = value as { system?: string; value?: string; type?: { text?: string } };
      return id.value || id.system ? [[id.system ?? null, id.value ?? null, id.type?.text ?? null]] : [];
    }
    case 'ContactPoint': {
      const point = value as { value?: string; system?: string };
      return point.value ? [[null, point.value, point.system ?? null]] : [];
    }
    case 'boolean':
    case 'code':
    case 'string':
    case 'id':
    case 'uri':
    case 'canonical':
      return value === undefined || value === null ? [] : [[null, String(value), null]];
    default:
      return [];
  }
}

function codingRow(coding: Coding): unknown[] {
  return [coding.system ?? null, coding.code ?? null, coding.display ?? null];
}
