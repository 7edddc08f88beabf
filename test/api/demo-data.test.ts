import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import request from 'supertest';
import { demoBundle } from '../../src/trial/demo';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { FHIR_JSON, storeName, type TestApp, useTestApp } from '../helpers/test-app';

const SEED = 20260601;

function diagnostics(body: unknown): string {
  const outcome = body as OperationOutcome;
  return outcome.resourceType === 'OperationOutcome' ? (outcome.issue ?? []).map((i) => i.diagnostics).join('\n') : '';
}

async function commit(app: Parameters<typeof request>[0], bundle: Bundle): Promise<Bundle> {
  const res = await request(app).post('/fhir').set('Content-Type', FHIR_JSON).send(bundle);
  if (res.status !== 200) throw new Error(`transaction answered ${res.status}: ${diagnostics(res.body)}`);
  return res.body as Bundle;
}

async function total(app: Parameters<typeof request>[0], query: string): Promise<number> {
  const res = await request(app).get(`/fhir/${query}${query.includes('?') ? '&' : '?'}_summary=count`).expect(200);
  return (res.body as Bundle).total as number;
}

/** The trial first, as its transaction Bundle of bundles/trials (what the first start loads). */
async function storeTrial(t: TestApp, trial: Bundle): Promise<void> {
  await commit(t.app, trial);
}

describe(`npm run load:demo's Bundles on the server (${storeName()})`, () => {
  const t = useTestApp();
  const trials = seedTrials();

  beforeAll(async () => {
    for (const trial of trials.values()) await storeTrial(t, trial);
  }, 120_000);

  it('when the demo Bundles of the three seed trials are committed, then each transaction answers 200 and creates every entry (201)', async () => {
    for (const [nctId, trial] of trials) {
      const bundle = demoBundle(trial, SEED);
      const response = await commit(t.app, bundle);
      expect(response.entry).toHaveLength(bundle.entry?.length as number);
      const statuses = new Set(response.entry?.map((e) => e.response?.status.split(' ')[0]));
      expect({ nctId, statuses: [...statuses].sort() }).toEqual({ nctId, statuses: ['201'] });
    }
    expect(await total(t.app, 'ResearchSubject')).toBe(48);
    expect(await total(t.app, 'Patient?_tag=http://terminology.hl7.org/CodeSystem/v3-ActReason|HTEST')).toBe(48);
  }, 300_000);

  it('when the demo is loaded again, then it updates in place: 200 for every entry, and no new Patient, ResearchSubject or AdverseEvent', async () => {
    const before = { patients: await total(t.app, 'Patient'), subjects: await total(t.app, 'ResearchSubject'), events: await total(t.app, 'AdverseEvent') };
    for (const trial of trials.values()) {
      const response = await commit(t.app, demoBundle(trial, SEED));
      expect(new Set(response.entry?.map((e) => e.response?.status.split(' ')[0]))).toEqual(new Set(['200']));
    }
    expect({ patients: await total(t.app, 'Patient'), subjects: await total(t.app, 'ResearchSubject'), events: await total(t.app, 'AdverseEvent') }).toEqual(before);
  }, 300_000);

  it('when a subject is searched by study, then the demo ResearchSubjects point at the trial loaded from its bundle', async () => {
    const res = await request(t.app).get('/fhir/ResearchSubject?study:ResearchStudy.identifier=https://clinicaltrials.gov|NCT04356287&_count=50').expect(200);
    expect((res.body as Bundle).entry).toHaveLength(18);
  });
});
