import { InvalidSearchError } from '../repository';
import type { SqlParams } from './sql-params';

/** A sort key of a search: its SQL expression over resource alias `r`, its type and direction. */
export interface SortKey {
  expression: string;
  type: string;
  descending: boolean;
}

/**
 * Where a page starts: just after (or, for a previous page, just before) the row with these sort-key
 * values and rid. Paging by position (OFFSET) skips a resource when an earlier one is deleted and
 * repeats one when a resource is created ahead of the page; a position in the sort order does
 * neither. `rid` is kept by every version of a resource, so the default order (by rid) is also
 * stable under updates. A resource whose sort value changes while a client pages moves to its new
 * place, as the client would see if it searched again.
 */
export interface PagePosition {
  direction: 'after' | 'before';
  /** The sort-key values as text, null where the row had none. */
  keys: (string | null)[];
  rid: string;
}

/** The opaque `_cursor` value of a page position: base64url of a small JSON array. */
export function encodeCursor(position: PagePosition): string {
  const json = JSON.stringify([position.direction === 'after' ? 'a' : 'b', position.rid, ...position.keys]);
  return Buffer.from(json).toString('base64url');
}

export function decodeCursor(cursor: string, keyCount: number): PagePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const valid =
    Array.isArray(decoded) &&
    decoded.length === keyCount + 2 &&
    (decoded[0] === 'a' || decoded[0] === 'b') &&
    typeof decoded[1] === 'string' &&
    /^\d{1,19}$/.test(decoded[1]) &&
    decoded.slice(2).every((k) => k === null || typeof k === 'string');
  if (!valid) {
    throw new InvalidSearchError('The _cursor value is not one this server gave for this search (its sort may have changed)');
  }
  const [direction, rid, ...keys] = decoded as [string, string, ...(string | null)[]];
  return { direction: direction === 'a' ? 'after' : 'before', rid, keys };
}

/**
 * ORDER BY for the page: the sort keys (nulls last, as HAPI sorts) then rid. A previous page is read
 * in the reverse order from its position and flipped back afterwards.
 */
export function orderBy(keys: readonly SortKey[], columns: readonly string[], ridColumn: string, reverse: boolean): string {
  const parts = keys.map((key, i) => {
    const descending = key.descending !== reverse;
    return `${columns[i]} ${descending ? 'DESC' : 'ASC'} NULLS ${reverse ? 'FIRST' : 'LAST'}`;
  });
  return [...parts, `${ridColumn} ${reverse ? 'DESC' : 'ASC'}`].join(', ');
}

/** Condition that a row (sort values in `columns`, rid in `r_rid`) lies past the position. */
export function pastPosition(position: PagePosition, keys: readonly SortKey[], columns: readonly string[], params: SqlParams): string {
  const after = position.direction === 'after';
  const rid = `r_rid ${after ? '>' : '<'} ${params.add(position.rid)}::bigint`;
  let condition = rid;
  // Built from the last key outwards: each key decides unless the row ties with the position on it.
  for (let i = keys.length - 1; i >= 0; i--) {
    const column = columns[i];
    const value = position.keys[i];
    if (value === null) {
      // Nulls sort last: after a null only nulls follow; before it, every non-null comes first.
      condition = after ? `(${column} IS NULL AND ${condition})` : `(${column} IS NOT NULL OR (${column} IS NULL AND ${condition}))`;
      continue;
    }
    const placeholder = `${params.add(value)}::${keys[i].type}`;
    const beyond = keys[i].descending === after ? '<' : '>';
    const pastValue = after ? `${column} ${beyond} ${placeholder} OR ${column} IS NULL` : `${column} ${beyond} ${placeholder}`;
    condition = `(${pastValue} OR (${column} = ${placeholder} AND ${condition}))`;
  }
  return condition;
}
