import type { Bundle, Extension, Parameters } from '@medplum/fhirtypes';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { useTwoServers } from '../helpers/server-process';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { armOf, eligibleSubjects, randomize, tally } from './trial-randomization-fixture';

const CARE_SSC = 'NCT04356287';
const BALANCED = { 'Placebo infusions': 2, 'One infusion of UCMSC': 2, 'Two infusions of UCMSC': 2 };
type Target = RequestListener | string;
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** NCT04356287 without its staggering, so that all three blocks can be randomized at once. */
function unstaggered(): Bundle {
  const trial = seedTrials().get(CARE_SSC) as Bundle;
  const withoutStagger = (e: Extension): Extension =>
    e.url.endsWith('/randomization-scheme') ? { ...e, extension: e.extension?.filter((x) => x.url !== 'staggerInterval') } : e;
  return {
    ...trial,
    entry: trial.entry?.map((e) => (e.resource?.resourceType === 'ResearchStudy' ? { ...e, resource: { ...e.resource, extension: e.resource.extension?.map(withoutStagger) } } : e)),
  };
}

/** Loads the study through the first target, randomizes 18 subjects at once (call i through targets[i % n]) and checks every block. */
async function raceEighteen(targets: Target[]): Promise<void> {
  const [first] = targets;
  await request(first).post('/fhir').set('content-type', FHIR_JSON).send(unstaggered()).expect(200);
  const found = await request(first).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${CARE_SSC}`).expect(200);
  const study = `ResearchStudy/${(found.body as Bundle).entry?.[0]?.resource?.id}`;
  const subjects = await eligibleSubjects(first, {}, study, 19);
  const answers = await Promise.all(subjects.map((who, i) => randomize(targets[i % targets.length], {}, study, who.subject)));
  // The 19th of 18 places: exactly one call is refused, whichever lost the race.
  expect(answers.filter((a) => a.status === 409)).toHaveLength(1);
  const armBySubject = new Map(subjects.flatMap((who, i) => (answers[i].status === 200 ? [[who.subject, armOf(answers[i])]] : [])));

  const log = await request(first).get(`/fhir/${study}/$allocation-log`).expect(200);
  const allocations = ((log.body as Parameters).parameter ?? []).filter((p) => p.name === 'allocation');
  const part = (p: (typeof allocations)[number], name: string) => p.part?.find((x) => x.name === name);
  expect(allocations.map((p) => part(p, 'sequence')?.valueInteger)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
  for (const block of [1, 2, 3]) {
    const inBlock = allocations.filter((p) => part(p, 'block')?.valueInteger === block);
    expect(inBlock.map((p) => part(p, 'slot')?.valueInteger)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tally(inBlock.map((p) => part(p, 'arm')?.valueString as string))).toEqual(BALANCED);
    for (const p of inBlock) expect(armBySubject.get(part(p, 'subject')?.valueReference?.reference as string)).toBe(part(p, 'arm')?.valueString);
  }
}

describe(`$randomize under concurrency (${storeName()})`, () => {
  const t = useTestApp();

  test('when 19 subjects are randomized at once into 3 blocks of 6, then every block is 2:2:2, the log has no gap, and the 19th is refused', async () => {
    await raceEighteen([t.app]);
  }, 60_000);
});

// Allocation state lives in the store (ARCHITECTURE.md, "Scale beyond one machine"): the lock and the
// log must hold across server processes, not only within one.
onPostgres('$randomize across two server processes on one PostgreSQL', () => {
  const servers = useTwoServers();

  test('when 19 subjects are randomized at once through both processes, then every block is 2:2:2 and the log has no gap', async () => {
    await raceEighteen(servers.map((s) => s.baseUrl.replace(/\/fhir$/, '')));
  }, 60_000);
});
