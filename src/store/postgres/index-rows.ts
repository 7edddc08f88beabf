import type { IndexType } from './indexing/index-type';

/**
 * Index rows travel to PostgreSQL as one JSON array of objects per table, read back with
 * json_to_recordset. These two helpers keep the writer and the reindexer agreeing on the shape.
 */

/** The columns an index row fills after rid and resource_type. */
export function indexColumns(index: IndexType): string[] {
  return ['param', ...index.columns, 'tuple'];
}

/** The json_to_recordset column list of an index table's rows after the given leading columns. */
export function indexRecordColumns(index: IndexType, leading: readonly string[]): string {
  const types: Readonly<Record<string, string>> = { ...index.columnTypes, tuple: 'integer' };
  const columns = indexColumns(index).map((c) => `${c} ${types[c] ?? 'text'}`);
  return [...leading, ...columns].join(', ');
}

/**
 * One row as Indexer.rowsFor gives it ([param, ...columns, tuple?]) as an object, with extra fields
 * first. json_to_recordset makes a missing field NULL, so NULLs are left out of the JSON.
 */
export function indexRowObject(index: IndexType, row: unknown[], extra: Record<string, unknown>): Record<string, unknown> {
  // Object.assign, not a spread: a spread followed by added keys is about 30x slower in V8, and
  // this runs for every index row of every write.
  const object: Record<string, unknown> = Object.assign({}, extra);
  object.param = row[0];
  index.columns.forEach((column, c) => {
    if (row[c + 1] !== null && row[c + 1] !== undefined) object[column] = row[c + 1];
  });
  if (row.length > index.columns.length + 1) object.tuple = row[index.columns.length + 1];
  return object;
}
