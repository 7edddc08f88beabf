import { InvalidSearchError, type HistoryQuery } from '../repository';
import { dateRange } from './indexing/date';
import { VERSION_COLUMNS } from './rows';
import { SqlParams } from './sql-params';

/**
 * Versions newest first, paged by history position (seq) rather than offset, so versions written
 * while a client pages never shift the pages it has not read yet.
 */
export function historySql(query: HistoryQuery): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const conditions: string[] = [];
  if (query.resourceType) conditions.push(`h.resource_type = ${params.add(query.resourceType)}`);
  if (query.id) conditions.push(`h.id = ${params.add(query.id)}`);
  if (query.since) conditions.push(`h.last_updated >= ${params.add(query.since)}::timestamptz`);
  if (query.before !== undefined) conditions.push(`h.seq < ${params.add(query.before)}`);
  if (query.at) {
    const range = dateRange(query.at);
    if (!range) {
      throw new InvalidSearchError(`_at "${query.at}" is not a valid date or dateTime`);
    }
    // Current at some moment of [low, high): written before the end, and not replaced before the start.
    conditions.push(`h.last_updated < ${params.add(range.high)}::timestamptz`);
    conditions.push(`NOT EXISTS (SELECT 1 FROM resource_history n WHERE n.resource_type = h.resource_type AND n.id = h.id
      AND n.version_id > h.version_id AND n.last_updated <= ${params.add(range.low)}::timestamptz)`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const columns = VERSION_COLUMNS.split(', ').map((c) => `h.${c}`).join(', ');
  const sql = `SELECT ${columns}, h.method, h.seq FROM resource_history h ${where}
    ORDER BY h.seq DESC LIMIT ${params.add(query.count + 1)}`;
  return { sql, params: params.values };
}
