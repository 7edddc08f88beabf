import type { Observation } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { GroupCommit } from '../../../../src/store/postgres/group-commit';
import { Indexer } from '../../../../src/store/postgres/indexing/indexer';
import { openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import { ExistsCoalescer } from '../../../../src/store/postgres/exists-coalescer';
import { ReadCoalescer } from '../../../../src/store/postgres/read-coalescer';
import { nextVersion } from '../../../../src/store/postgres/version-writer';
import { freshDatabase, storeName } from '../../../helpers/test-app';

/** The store's Db, counting the statements that reach the database. */
async function countingDb(): Promise<{ db: Db; statements: string[]; close(): Promise<void> }> {
  const database = await freshDatabase();
  const db = await openDatabase({ databaseUrl: database?.url, poolSize: 5 });
  const statements: string[] = [];
  const counting: Db = {
    ...db,
    query: (sql, params, name) => {
      statements.push(name ?? sql);
      return db.query(sql, params, name);
    },
  };
  return { db: counting, statements, close: async () => (await db.close(), await database?.drop()) };
}

const observation = (id: string, code = '718-7'): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
});

describe(`batching of concurrent reads and creates (${storeName()})`, () => {
  let store: Awaited<ReturnType<typeof countingDb>>;
  let groupCommit: GroupCommit;
  const create = (id: string) => groupCommit.write([nextVersion(observation(id), 'POST', undefined, id, 'Observation')]);

  beforeAll(async () => {
    store = await countingDb();
    const indexer = new Indexer(createRegistries(SEARCHABLE_TYPES).searchParameters.indexed(), { baseUrl: 'http://x/fhir', storedCodes: (_type, code) => [code], compositeBranches: () => undefined });
    groupCommit = new GroupCommit(store.db, indexer);
  });
  beforeEach(() => (store.statements.length = 0));
  afterAll(() => store.close());

  it('when creates arrive in one turn, then one statement writes them all and each gets its own rid', async () => {
    const rids = await Promise.all(['a', 'b', 'c'].map(create));
    expect(store.statements).toEqual(['stroma_create_versions']);
    expect(new Set(rids.flat()).size).toBe(3);
    const rows = await store.db.query<{ id: string }>(`SELECT id FROM resource WHERE id IN ('a', 'b', 'c') ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('when the database refuses one create of a group, then only that one fails and the others are written', async () => {
    await create('taken');
    store.statements.length = 0;
    const results = await Promise.allSettled(['x', 'taken', 'y'].map(create));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    // The shared statement, then each create alone.
    expect(store.statements).toHaveLength(4);
    const rows = await store.db.query<{ id: string; version_id: number }>(`SELECT id, version_id FROM resource WHERE id IN ('taken', 'x', 'y') ORDER BY id`);
    expect(rows).toEqual([{ id: 'taken', version_id: 1 }, { id: 'x', version_id: 1 }, { id: 'y', version_id: 1 }]);
    const history = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resource_history WHERE id IN ('taken', 'x', 'y')`);
    expect(history[0].n).toBe(3);
  });

  it('when reads arrive in one turn, then one query answers them, each with its own copy', async () => {
    await Promise.all(['r1', 'r2'].map(create));
    store.statements.length = 0;
    const reads = new ReadCoalescer(store.db);
    const [one, two, missing, again] = await Promise.all([reads.read('Observation', 'r1'), reads.read('Observation', 'r2'), reads.read('Patient', 'r1'), reads.read('Observation', 'r1')]);
    expect(store.statements).toEqual(['stroma_read_many']);
    expect(one?.resource?.id).toBe('r1');
    expect(two?.resource?.id).toBe('r2');
    expect(missing).toBeUndefined();
    expect(again?.resource).toEqual(one?.resource);
    expect(again?.resource).not.toBe(one?.resource);
    (one?.resource as Observation).code.coding?.push({ code: 'changed' });
    expect((again?.resource as Observation).code.coding).toHaveLength(1);
  });

  it('when a read is alone, then it uses the single-row statement', async () => {
    await create('solo');
    store.statements.length = 0;
    const version = await new ReadCoalescer(store.db).read('Observation', 'solo');
    expect(version?.versionId).toBe(1);
    expect(store.statements).toEqual(['stroma_read']);
  });

  it('when EXISTS questions arrive in one turn, then one statement answers them all, each with its own parameters', async () => {
    await create('e1');
    store.statements.length = 0;
    const questions = new ExistsCoalescer(store.db);
    const byId = 'SELECT r.rid FROM resource r WHERE r.resource_type = $1 AND r.id = $2';
    const answers = await Promise.all([
      questions.exists(byId, ['Observation', 'e1']),
      questions.exists(byId, ['Observation', 'nowhere']),
      questions.exists('SELECT r.rid FROM resource r WHERE r.id = $1', ['e1']),
    ]);
    expect(answers).toEqual([true, false, true]);
    expect(store.statements).toHaveLength(1);
    expect(store.statements[0]).toMatch(/^SELECT ARRAY\[EXISTS/);
    expect(await questions.exists(byId, ['Patient', 'e1'])).toBe(false);
    expect(store.statements[1]).toMatch(/^stroma_exists_/);
  });
});
