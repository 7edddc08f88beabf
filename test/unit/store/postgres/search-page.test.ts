import type { Queryable } from '../../../../src/store/postgres/driver/db';
import { searchPage } from '../../../../src/store/postgres/search-page';
import type { SearchQuery } from '../../../../src/store/repository';

/**
 * A database that answers EXPLAIN with `planRows` and count(*) with `exact`, recording each
 * statement; a page query gets a full page and one more row, so the page alone cannot tell the total.
 */
function fakeDb(planRows: number, exact: number): Queryable & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    async query<Row>(sql: string): Promise<Row[]> {
      statements.push(sql);
      if (sql.startsWith('EXPLAIN')) return [{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': planRows } }] }] as Row[];
      if (sql.includes('count(*)')) return [{ total: exact }] as Row[];
      return Array.from({ length: 11 }, (_, i) => ({ rid: String(i + 1), content: { resourceType: 'Observation', id: `o${i}` } })) as Row[];
    },
  };
}

const query = (total: SearchQuery['total']): SearchQuery => ({ resourceType: 'Observation', filters: [], sort: [], count: 10, offset: 0, total });
const ctx = { baseUrl: 'http://localhost/fhir', storedCodes: (_type: string, code: string) => [code], compositeBranches: () => [] };

describe('search totals', () => {
  it('when an estimate is asked for and the planner expects many matches, then its estimate is the total and nothing is counted', async () => {
    const db = fakeDb(250_000.4, 1);
    expect((await searchPage(db, query('estimate'), ctx)).total).toBe(250_000);
    expect(db.statements.some((s) => s.includes('count(*)'))).toBe(false);
  });

  it('when an estimate is asked for but the planner expects few matches, then they are counted exactly', async () => {
    const db = fakeDb(12, 17);
    expect((await searchPage(db, query('estimate'), ctx)).total).toBe(17);
  });

  it('when an accurate total is asked for, then the planner is not consulted; with none, nothing is counted', async () => {
    const accurate = fakeDb(250_000, 17);
    expect((await searchPage(accurate, query('accurate'), ctx)).total).toBe(17);
    expect(accurate.statements.some((s) => s.startsWith('EXPLAIN'))).toBe(false);
    const none = fakeDb(250_000, 17);
    expect((await searchPage(none, query('none'), ctx)).total).toBeUndefined();
    expect(none.statements).toHaveLength(1);
  });

  it('when the first page holds every match, then its size is the total, even if a count or estimate says otherwise', async () => {
    const small = { ...query('accurate'), count: 20 };
    expect((await searchPage(fakeDb(250_000, 17), small, ctx)).total).toBe(11);
    expect((await searchPage(fakeDb(250_000, 17), { ...small, total: 'estimate' }, ctx)).total).toBe(11);
  });
});
