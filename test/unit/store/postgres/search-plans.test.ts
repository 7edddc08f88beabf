import type { Patient, Resource } from '@medplum/fhirtypes';
import { dataset, HEMOGLOBIN, LOINC, PATIENT_SYSTEM } from '../../../../bench/lib/search-data';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { explainSearch, planNodes, type ExplainedStatement } from '../../../../src/store/postgres/explain';
import type { PostgresRepositoryOptions } from '../../../../src/store/postgres/postgres-repository';
import type { Repository, SearchQuery } from '../../../../src/store/repository';
import { freshDatabase } from '../../../helpers/test-app';

/**
 * Issue 3: each search of bench:search is answered from indexes, on a 100,000-resource data set
 * (the bench's own generator, loaded through Repository.bulkCreate, which ANALYZEs afterwards).
 *
 * PostgreSQL only (TEST_DATABASE_URL): on PGlite the load alone takes about a minute and 2 GB of
 * memory per jest worker, and the plans that matter are those of the PostgreSQL a deployment runs.
 */
const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

const SIZE = { studies: 3, patients: 1_000, observations: 98_000, adverseEvents: 997 };
const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

describeOnPostgres('search plans over 100,000 resources (PostgreSQL)', () => {
  let db: Db;
  let drop: (() => Promise<void>) | undefined;
  let repo: Repository;
  let options: PostgresRepositoryOptions;
  const registries = createRegistries(SEARCHABLE_TYPES);
  let patient: Patient;

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    options = { parameters: registries.searchParameters.indexed(), baseUrl: 'http://localhost/fhir' };
    repo = createPostgresRepository(db, options);
    const loaded = await repo.bulkCreate(keepingFirstPatient(dataset(SIZE), (p) => (patient = p)));
    expect(loaded).toBe(100_000);
  }, 600_000);

  afterAll(async () => {
    await repo?.close();
    await drop?.();
  });

  const queryOf = (url: string): SearchQuery => {
    const [type, search] = url.split('?');
    return parseSearch(type, [...new URLSearchParams(search)], registries, true).query;
  };

  /** Asserts that the search finds something and that none of its statements scans a whole table. */
  async function expectIndexed(url: string): Promise<void> {
    const query = queryOf(url);
    expect((await repo.search(query)).resources.length).toBeGreaterThan(0);
    const explained = await explainSearch(db, options, query);
    expect(explained.map((e) => e.statement)).toEqual(['page', 'count']);
    for (const statement of explained) {
      expect(tableScans(statement)).toEqual([]);
      expect(planNodes(statement.plan).some((node) => INDEX_SCANS.has(node['Node Type']))).toBe(true);
    }
  }

  it('when searching Observations by subject and code, then both statements use indexes only', async () => {
    await expectIndexed(`Observation?subject=Patient/${patient.id}&code=${LOINC}|${HEMOGLOBIN}`);
  });

  it('when adding a date range, a sort on date and _count, then both statements use indexes only', async () => {
    await expectIndexed(`Observation?subject=Patient/${patient.id}&code=${LOINC}|${HEMOGLOBIN}&date=ge2024-01-01&_sort=-date&_count=50`);
  });

  it('when searching Patients by identifier, then both statements use indexes only', async () => {
    await expectIndexed(`Patient?identifier=${PATIENT_SYSTEM}|${patient.identifier?.[0].value}`);
  });

  it.todo('Observation?subject:Patient.identifier=sys|val&code=…: uses indexes only (pending: chained search parameters, issue 3 point 3)');
  it.todo('AdverseEvent?study=…&grade=ge3: uses indexes only (pending: the AdverseEvent CTCAE grade search parameter, issue 3 point 5)');
  it.todo(
    'Patient?_id=X&_revinclude=Observation:subject&_count=100: uses indexes only, include statement too (pending: _revinclude, issue 3 point 3; explainSearch must then explain the include statement)',
  );
});

/** Sequential scans of the resource table or an index table, as "Seq Scan on <table>". */
function tableScans({ plan }: ExplainedStatement): string[] {
  return planNodes(plan)
    .filter((node) => node['Node Type'] === 'Seq Scan' && /^(resource|idx_\w+)$/.test(node['Relation Name'] ?? ''))
    .map((node) => `Seq Scan on ${node['Relation Name']}`);
}

function* keepingFirstPatient(resources: Iterable<Resource>, keep: (patient: Patient) => void): Generator<Resource> {
  let kept = false;
  for (const resource of resources) {
    if (!kept && resource.resourceType === 'Patient') {
      keep(resource);
      kept = true;
    }
    yield resource;
  }
}
