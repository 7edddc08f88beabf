import type { Patient, Resource, ResearchStudy } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { readProfileSearchParameters } from '../../../../src/fhir/conformance/profile-files';
import { dataset, HEMOGLOBIN, LOINC, PATIENT_SYSTEM } from '../../../../bench/lib/search-data';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { explainInclude, explainSearch, planNodes, type ExplainedStatement } from '../../../../src/store/postgres/explain';
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
  // The project's parameters too (AdverseEvent grade), as the server indexes them.
  registries.searchParameters.useCustom(readProfileSearchParameters(DEFAULT_PROFILES_DIR));
  let patient: Patient;
  let study: ResearchStudy;

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    options = { parameters: registries.searchParameters.indexed(), baseUrl: 'http://localhost/fhir' };
    repo = createPostgresRepository(db, options);
    const kept = keepingFirst<ResearchStudy>(keepingFirst<Patient>(dataset(SIZE), 'Patient', (p) => (patient = p)), 'ResearchStudy', (s) => (study = s));
    const loaded = await repo.bulkCreate(kept);
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
    explained.forEach(expectNoTableScan);
  }

  function expectNoTableScan(statement: ExplainedStatement): void {
    expect(tableScans(statement)).toEqual([]);
    expect(planNodes(statement.plan).some((node) => INDEX_SCANS.has(node['Node Type']))).toBe(true);
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

  it('when chaining from Observation to the Patient identifier, with a code, then both statements use indexes only', async () => {
    await expectIndexed(`Observation?subject:Patient.identifier=${PATIENT_SYSTEM}|${patient.identifier?.[0].value}&code=${LOINC}|${HEMOGLOBIN}`);
  });

  it('when searching AdverseEvents by study and CTCAE grade, then both statements use indexes only', async () => {
    await expectIndexed(`AdverseEvent?study=ResearchStudy/${study.id}&grade=ge3`);
  });

  it('when a Patient is searched by _id with _revinclude of its Observations, then the search and the include use indexes only', async () => {
    await expectIndexed(`Patient?_id=${patient.id}&_revinclude=Observation:subject&_count=100`);
    const subject = registries.searchParameters.get('Observation', 'subject');
    if (!subject) throw new Error('Observation has no subject parameter');
    const from = [{ resourceType: 'Patient', id: patient.id as string }];
    const request = { direction: 'reverse' as const, param: subject, targetType: 'Patient' };
    const include = await explainInclude(db, options, { from, requests: [request], exclude: from, limit: 1001 });
    expectNoTableScan(include);
  });
});

/** Sequential scans of the resource table or an index table, as "Seq Scan on <table>". */
function tableScans({ plan }: ExplainedStatement): string[] {
  return planNodes(plan)
    .filter((node) => node['Node Type'] === 'Seq Scan' && /^(resource|idx_\w+)$/.test(node['Relation Name'] ?? ''))
    .map((node) => `Seq Scan on ${node['Relation Name']}`);
}

/** Passes the resources on, handing the first one of `type` to `keep`. */
function* keepingFirst<T extends Resource>(resources: Iterable<Resource>, type: T['resourceType'], keep: (resource: T) => void): Generator<Resource> {
  let kept = false;
  for (const resource of resources) {
    if (!kept && resource.resourceType === type) {
      keep(resource as T);
      kept = true;
    }
    yield resource;
  }
}
