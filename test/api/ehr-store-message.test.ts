import type { Bundle, Observation } from '@medplum/fhirtypes';
import request from 'supertest';
import { requesterContext } from '../../src/app';
import { storeMessage, upsertRequest, type ResultOutcome } from '../../src/sync/intake/store-message';
import { patient } from '../helpers/fixtures';
import { makeParticipant } from '../helpers/participant';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const MRN = 'http://hospital.example.org/mrn';
const KEY = 'urn:lab:results';

const result = (mrn: string, key: string, value: number, code = '718-7'): Observation => ({
  resourceType: 'Observation',
  identifier: [{ system: KEY, value: key }],
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { identifier: { system: MRN, value: mrn } },
  effectiveDateTime: '2024-03-01T09:30:00Z',
  valueQuantity: { value, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
});

/** storeMessage: a message's results in one transaction with its record, refused results left out. */
describe(`storeMessage (${storeName()})`, () => {
  const t = useTestApp();
  const sender = { clientId: 'lab-test', role: 'ehr', scope: 'system/Observation.cruds' };

  beforeAll(async () => {
    const made = await request(t.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(patient('M-1')).expect(201);
    await makeParticipant(t.app, `Patient/${made.body.id}`);
  });

  const send = (results: Observation[], stream: string) =>
    storeMessage(requesterContext(t.deps, sender), results.map((r) => upsertRequest(r, r.identifier![0] as { system: string; value: string })), {
      finish: async (tx, outcomes: readonly ResultOutcome[]) => {
        await tx.journal.append(stream, { outcomes: outcomes.map((o) => (o.stored ? o.status : 'refused')) });
        return outcomes;
      },
    });

  it('when one result of three is refused, then the two others and the record are stored, and nothing of the third', async () => {
    const outcomes = await send([result('M-1', 'K-1', 11), result('NOBODY', 'K-2', 12), result('M-1', 'K-3', 13)], 'test/one');
    expect(outcomes.map((o) => o.stored)).toEqual([true, false, true]);
    expect(outcomes[1].stored ? undefined : outcomes[1].error.outcome.issue?.[0].details?.coding?.[0].code).toBe('unknown-patient');
    const stored = await request(t.app).get(`/fhir/Observation?identifier=${KEY}|K-1,${KEY}|K-2,${KEY}|K-3`).expect(200);
    expect(((stored.body as Bundle).entry ?? []).map((e) => (e.resource as Observation).identifier?.[0].value).sort()).toEqual(['K-1', 'K-3']);
    const journal = await t.repo.transaction((tx) => tx.journal.entries('test/one'));
    expect(journal.map((e) => e.content)).toEqual([{ outcomes: [201, 'refused', 201] }]);
  });

  it('when the same results are stored again, then they are matched by key: 200 and no new version', async () => {
    const outcomes = await send([result('M-1', 'K-1', 11), result('M-1', 'K-3', 13)], 'test/two');
    expect(outcomes).toEqual([expect.objectContaining({ stored: true, status: 200 }), expect.objectContaining({ stored: true, status: 200 })]);
    const first = outcomes[0].stored ? outcomes[0].reference : '';
    const read = await request(t.app).get(`/fhir/${first}`).expect(200);
    expect(read.body.meta.versionId).toBe('1');
  });
});
