import type { TypedValue } from '@medplum/core';
import type { IndexedParameter, SearchFilter, SearchValue } from '../../repository';
import type { SqlParams } from '../sql-params';

/**
 * One way a composite parameter's elements are indexed (see composite-plan.ts): for each component,
 * the parameter code whose rows hold its values. With `tupled`, the rows of one element share a
 * `tuple` number; without, the element is the resource itself and the rows have none.
 */
export interface CompositeBranch {
  tupled: boolean;
  parts: { code: string; param: IndexedParameter }[];
}

/** Where a query runs: the base URL that makes absolute references local. */
export interface QueryContext {
  baseUrl: string;
  /** The parameter codes whose index rows hold a parameter's values (see stored-as.ts). */
  storedCodes(resourceType: string, code: string): string[];
  /** How a composite parameter's values are stored; undefined for any other parameter. */
  compositeBranches(resourceType: string, code: string): CompositeBranch[] | undefined;
}

/**
 * One search parameter type: how its values are extracted into index rows at write time,
 * and how a search value becomes SQL over the same rows. One file per type implements it.
 */
export interface IndexType {
  /** Index table; every table has rid, resource_type and param before these columns. */
  table: string;
  columns: readonly string[];
  /** SQL types of the columns that are not text. */
  columnTypes?: Readonly<Record<string, string>>;
  /** Rows (in `columns` order) for the values a parameter's expression produced. */
  extract(values: TypedValue[], ctx: QueryContext): unknown[][];
  /** SQL condition over alias `i` matching one value; throws InvalidSearchError for a malformed one. */
  match(filter: SearchFilter, value: SearchValue, params: SqlParams, ctx: QueryContext): string;
  /**
   * SQL condition matching any of the filter's values, when the type can say it better than their
   * matches ORed (one index condition for many codes); undefined: OR the matches.
   */
  matchAny?(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string | undefined;
  /** FHIR types (lower case) this type never makes rows from, so branches yielding only them add nothing. */
  unindexedTypes?: readonly string[];
  /** Modifiers meaning "no row matches" (like :not), evaluated as NOT EXISTS. */
  negatingModifiers?: readonly string[];
  /** Aggregates over alias `i` to sort by, ascending and descending, and their SQL type (default text). */
  sortKey: { asc: string; desc: string; type?: string };
  /** One row's value (alias `i`) as a tabulation returns it (see TabulatedValue): text, or float8 for numbers. */
  tabulated: string;
}
