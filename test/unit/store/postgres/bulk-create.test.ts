import type { Observation, Resource } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { INDEX_TYPES } from '../../../../src/store/postgres/indexing';
import type { Repository } from '../../../../src/store/repository';
import { hemoglobin, patient } from '../../../helpers/fixtures';
import { freshDatabase, storeName } from '../../../helpers/test-app';

describe(`Repository.bulkCreate (${storeName()})`, () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  let db: Db;
  let repo: Repository;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    repo = createPostgresRepository(db, { parameters: registries.searchParameters.indexed(), baseUrl: 'http://localhost/fhir' });
  });
  afterAll(async () => {
    await repo.close();
    await drop?.();
  });

  const search = (url: string) => {
    const [type, query] = url.split('?');
    return repo.search(parseSearch(type, [...new URLSearchParams(query)], registries, true).query);
  };
  const observations = (subject: string, n: number, id = (i: number) => `${subject}-${i}`): Observation[] =>
    Array.from({ length: n }, (_, i) => ({ ...hemoglobin(`Patient/${subject}`, 10 + (i % 7)), id: id(i) }));

  /** Every index row of one resource, without its rid, in a stable order. */
  async function indexRowsOf(type: string, id: string): Promise<string[]> {
    const rows: string[] = [];
    for (const index of Object.values(INDEX_TYPES)) {
      const found = await db.query<Record<string, unknown>>(
        `SELECT i.param, ${index.columns.map((c) => `i.${c}`).join(', ')} FROM ${index.table} i
         JOIN resource r ON r.rid = i.rid WHERE r.resource_type = $1 AND r.id = $2`,
        [type, id],
      );
      rows.push(...found.map((row) => `${index.table} ${JSON.stringify(row)}`));
    }
    return rows.sort();
  }

  it('when a resource is bulk-created, then it is version 1 with the history and index rows a create writes', async () => {
    const body = { ...hemoglobin('Patient/same', 13.1, '2024-05-06T07:08:00Z'), category: [{ coding: [{ code: 'laboratory' }] }] };
    await repo.transaction((tx) => tx.write({ ...body, id: 'created-once' }, 'POST'));
    expect(await repo.bulkCreate([{ ...body, id: 'bulk-once' }])).toBe(1);

    const stored = await repo.read('Observation', 'bulk-once');
    expect(stored).toMatchObject({ versionId: 1, deleted: false, resource: { id: 'bulk-once', meta: { versionId: '1' } } });
    const history = await repo.history({ resourceType: 'Observation', id: 'bulk-once', count: 10 });
    expect(history.versions.map((v) => [v.versionId, v.method])).toEqual([[1, 'POST']]);
    const bulkRows = await indexRowsOf('Observation', 'bulk-once');
    expect(bulkRows.length).toBeGreaterThan(5);
    expect(bulkRows).toEqual(await indexRowsOf('Observation', 'created-once'));
  });

  it('when a resource has no id, then it is stored under a new UUID', async () => {
    await repo.bulkCreate([patient('BULK-NO-ID')]);
    const found = await search('Patient?identifier=BULK-NO-ID');
    expect(found.resources.map((r) => r.id)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  it('when more resources than a batch holds are loaded, then progress follows each committed batch and all are searchable', async () => {
    const progress: number[] = [];
    async function* streamed(): AsyncGenerator<Resource> {
      yield* observations('many', 2_500);
    }
    expect(await repo.bulkCreate(streamed(), { onProgress: (n) => progress.push(n) })).toBe(2_500);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(2_500);
    expect((await search('Observation?subject=Patient/many&_total=accurate&_count=1')).total).toBe(2_500);
  });

  it('when a later batch holds an id already stored, then bulkCreate rejects and the batches before it stay', async () => {
    await repo.bulkCreate([{ ...hemoglobin('Patient/dup'), id: 'dup-taken' }]);
    const load = observations('dup', 1_500, (i) => (i === 1_200 ? 'dup-taken' : `dup-${i}`));
    await expect(repo.bulkCreate(load)).rejects.toMatchObject({ code: '23505' });
    // The first 1,000 were one committed batch; the batch with the taken id wrote nothing.
    expect((await search('Observation?subject=Patient/dup&_count=1')).total).toBe(1_001);
  });
});
