import type { Observation } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { Db } from '../../../../src/store/postgres/driver/db';
import type { IndexedParameter, Repository, TabulatedRow } from '../../../../src/store/repository';
import { hemoglobin } from '../../../helpers/fixtures';
import { freshDatabase, storeName } from '../../../helpers/test-app';

describe(`Repository tabulate (${storeName()})`, () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  let db: Db;
  let repo: Repository;
  let drop: (() => Promise<void>) | undefined;
  const param = (code: string): IndexedParameter => registries.searchParameters.get('Observation', code) as IndexedParameter;
  const filters = (query: string) => parseSearch('Observation', [...new URLSearchParams(query)], registries, true).query.filters;
  const byId = (rows: TabulatedRow[]) => Object.fromEntries(rows.map((r) => [r.id, r.values]));

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 2 });
    repo = createPostgresRepository(db, { parameters: registries.searchParameters.indexed(), baseUrl: 'http://localhost/fhir' });
    const grams: Observation = {
      ...hemoglobin('Patient/b', 0, '2024-03-02T08:00:00+02:00'),
      id: 'in-grams',
      valueQuantity: { value: 135, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
    };
    await repo.bulkCreate([
      { ...hemoglobin('Patient/a', 12.5), id: 'plain' },
      grams,
      { ...hemoglobin('Patient/a', 9), id: 'deleted' },
      { resourceType: 'Observation', id: 'no-value', status: 'final', code: { text: 'note' }, subject: { reference: 'Patient/c' } },
      { resourceType: 'Patient', id: 'a' },
    ]);
    await repo.transaction(async (tx) => {
      const stored = await tx.readForUpdate('Observation', 'deleted');
      if (stored) await tx.remove(stored);
    });
  });
  afterAll(async () => {
    await repo.close();
    await drop?.();
  });

  it('when columns name parameters of several types, then each current resource gets its index values, quantities in UCUM base units (g/m3)', async () => {
    const rows = await repo.tabulate({
      resourceType: 'Observation',
      filters: [],
      columns: { subject: param('subject'), code: param('code'), when: param('date'), value: param('value-quantity') },
    });
    expect(byId(rows)).toEqual({
      plain: { subject: ['Patient/a'], code: ['718-7'], when: ['2024-03-01T09:30:00.000Z'], value: [125_000] },
      'in-grams': { subject: ['Patient/b'], code: ['718-7'], when: ['2024-03-02T06:00:00.000Z'], value: [135_000] },
      'no-value': { subject: ['Patient/c'], code: [], when: [], value: [] },
    });
  });

  it('when filters are given, then only the matching resources are tabulated, as a search would find them', async () => {
    const rows = await repo.tabulate({ resourceType: 'Observation', filters: filters('subject=Patient/a&code=http://loinc.org|718-7'), columns: { subject: param('subject') } });
    expect(rows).toEqual([{ id: 'plain', values: { subject: ['Patient/a'] } }]);
    expect(await repo.tabulate({ resourceType: 'Observation', filters: filters('subject=Patient/none'), columns: { subject: param('subject') } })).toEqual([]);
  });

  it('when a column is not a parameter of the tabulated type, then it is refused', async () => {
    const patientName = registries.searchParameters.get('Patient', 'name') as IndexedParameter;
    await expect(repo.tabulate({ resourceType: 'Observation', filters: [], columns: { name: patientName } })).rejects.toThrow(/cannot be a column/);
  });
});
