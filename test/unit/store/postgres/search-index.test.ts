import type { Observation, Patient } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { InvalidSearchError, type IndexedParameter, type Repository, type SearchQuery } from '../../../../src/store/repository';
import { freshDatabase, storeName } from '../../../helpers/test-app';

const CORE = createRegistries(SEARCHABLE_TYPES).searchParameters.indexed();
const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';
const birthPlace = (part: 'city' | 'country'): IndexedParameter => ({
  resourceType: 'Patient', code: 'birth-place', type: 'string', expression: `Patient.extension('${BIRTH_PLACE}').value.ofType(Address).${part}`,
});
const byBirthPlace = (value: string): SearchQuery => ({
  resourceType: 'Patient', filters: [{ param: birthPlace('city'), values: [{ value }] }], sort: [], count: 100, offset: 0, total: 'accurate',
});
const core = (param: IndexedParameter) => CORE.includes(param);

describe(`the search index: completeness and reindexing (${storeName()})`, () => {
  let db: Db;
  let repo: Repository;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    repo = createPostgresRepository(db, { parameters: CORE, baseUrl: 'http://x/fhir' });
    expect(await repo.searchIndex.configure(CORE, core)).toEqual(new Set());
    await repo.transaction(async (tx) => {
      for (let i = 1; i <= 5; i++) {
        const patient: Patient = { resourceType: 'Patient', id: `p${i}`, extension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Montreal', country: 'Canada' } }] };
        await tx.write(patient, 'PUT');
      }
    });
  });
  afterAll(async () => {
    await repo.close();
    await drop?.();
  });

  it('when a parameter is added over existing resources, then it is incomplete and searching by it throws', async () => {
    const incomplete = await repo.searchIndex.configure([...CORE, birthPlace('city')], core);
    expect([...incomplete]).toEqual(['Patient.birth-place']);
    await expect(repo.search(byBirthPlace('Montreal'))).rejects.toThrow(InvalidSearchError);
  });

  it('when a reindex is stopped after a batch, then the parameter stays incomplete and the next run resumes where it stopped', async () => {
    const controller = new AbortController();
    const stopped = await repo.searchIndex.reindex({
      batchSize: 2,
      signal: controller.signal,
      onProgress: ({ done }) => done >= 2 && controller.abort(),
    });
    expect(stopped).toMatchObject({ done: 2, total: 5, finished: false, resumed: false, completed: [] });
    await expect(repo.search(byBirthPlace('Montreal'))).rejects.toThrow(InvalidSearchError);

    const resumed = await repo.searchIndex.reindex({ batchSize: 2 });
    expect(resumed).toMatchObject({ done: 5, total: 5, finished: true, resumed: true, completed: ['Patient.birth-place'] });
    expect((await repo.search(byBirthPlace('Montreal'))).total).toBe(5);
  });

  it('when the definition changes during an interrupted run, then the run is not resumed but started over', async () => {
    await repo.searchIndex.configure([...CORE, birthPlace('country')], core);
    const controller = new AbortController();
    await repo.searchIndex.reindex({ batchSize: 2, signal: controller.signal, onProgress: ({ done }) => done >= 2 && controller.abort() });
    await repo.searchIndex.configure([...CORE, birthPlace('city')], core);
    const run = await repo.searchIndex.reindex({ batchSize: 2 });
    expect(run).toMatchObject({ resumed: false, done: 5, finished: true, completed: ['Patient.birth-place'] });
    expect((await repo.search(byBirthPlace('mont'))).total).toBe(5);
  });

  it('when a parameter is dropped and defined again, then it starts incomplete again', async () => {
    expect(await repo.searchIndex.configure(CORE, core)).toEqual(new Set());
    expect([...(await repo.searchIndex.configure([...CORE, birthPlace('city')], core))]).toEqual(['Patient.birth-place']);
    await repo.searchIndex.reindex({ resourceTypes: ['Observation'] });
    await expect(repo.search(byBirthPlace('Montreal'))).rejects.toThrow(InvalidSearchError);
    expect((await repo.searchIndex.reindex({ resourceTypes: ['Patient'] })).completed).toEqual(['Patient.birth-place']);
  });

  it('when resources were written before the index tables took their current shape (migration 3), then the core parameters of their types start incomplete', async () => {
    const observation: Observation = { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1 } };
    await repo.transaction((tx) => tx.write(observation, 'PUT'));
    // As if this database had been created before migration 3 and the state were recorded for the first time now.
    await db.query(`UPDATE schema_migrations SET applied_at = now() + interval '1 hour' WHERE version = 3`);
    await db.query('DELETE FROM search_param_state');
    const incomplete = await repo.searchIndex.configure(CORE, core);
    expect(incomplete.has('Observation.value-quantity')).toBe(true);
    expect(incomplete.has('Observation.combo-value-quantity')).toBe(true);
    // Token rows changed shape in migration 3 too (the composite element, identifier types).
    expect(incomplete.has('Observation.code')).toBe(true);
    // A composite is searched over its parts' rows: incomplete with them, and refused until reindexed.
    expect(incomplete.has('Observation.code-value-quantity')).toBe(true);
    const composite = CORE.find((p) => p.resourceType === 'Observation' && p.code === 'code-value-quantity') as IndexedParameter;
    const byComposite: SearchQuery = { ...byBirthPlace('x'), resourceType: 'Observation', filters: [{ param: composite, modifier: 'missing', values: [{ value: 'false' }] }] };
    await expect(repo.search(byComposite)).rejects.toThrow(InvalidSearchError);
    // No Practitioner was stored: nothing of Practitioner can be missing.
    expect(incomplete.has('Practitioner.name')).toBe(false);
    const run = await repo.searchIndex.reindex();
    expect(run.completed).toEqual(expect.arrayContaining(['Observation.value-quantity']));
    expect(await repo.searchIndex.configure(CORE, core)).toEqual(new Set());
    expect((await repo.search(byComposite)).resources.map((r) => r.id)).toEqual(['o1']);
  });
});
