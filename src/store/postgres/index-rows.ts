import type { IndexType } from './indexing/index-type';

/**
 * Index rows travel to PostgreSQL as one JSON array of objects per table, read back with
 * json_to_recordset. These two helpers keep the writer and the reindexer agreeing on the shape.
 */

/** The json_to_recordset column list of an index table's rows after the given leading columns. */
export function indexRecordColumns(index: IndexType, leading: readonly string[]): string {
  const columns = ['param', ...index.columns].map((c) => `${c} ${index.columnTypes?.[c] ?? 'text'}`);
  return [...leading, ...columns].join(', ');
}

/** One row as Indexer.rowsFor gives it ([param, ...columns]) as an object, with extra fields first. */
export function indexRowObject(index: IndexType, row: unknown[], extra: Record<string, unknown>): Record<string, unknown> {
  const object: Record<string, unknown> = { ...extra, param: row[0] };
  index.columns.forEach((column, c) => (object[column] = row[c + 1]));
  return object;
}
