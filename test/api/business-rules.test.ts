import type { Bundle } from '@medplum/fhirtypes';
import request from 'supertest';
import { errors } from '../../src/fhir/outcomes';
import { patient } from '../helpers/fixtures';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

/** The business-rule extension point, with rules registered the way a domain layer registers them. */
describe(`business rules on writes (${storeName()})`, () => {
  const t = useTestApp();
  const seen: { method: string; previousVersion?: string }[] = [];

  beforeAll(() => {
    t.deps.registries.businessRules.register({
      name: 'no-patient-named-forbidden',
      types: ['Patient'],
      async apply(resource, { method, previous }) {
        seen.push({ method, previousVersion: previous?.versionId === undefined ? undefined : String(previous.versionId) });
        const family = (resource as { name?: { family?: string }[] }).name?.[0]?.family;
        if (family === 'Forbidden') throw errors.businessRule(`Patient ${family} may not be written`, 'Patient.name[0].family');
        return { ...resource, meta: { ...resource.meta, tag: [{ system: 'https://example.org/tags', code: 'checked' }] } };
      },
    });
  });

  test('when a write passes the rule, then what the rule added is stored, and the rule saw the method and the previous version', async () => {
    const created = await request(t.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(patient('BR-1')).expect(201);
    expect(created.body.meta.tag).toEqual([{ system: 'https://example.org/tags', code: 'checked' }]);
    await request(t.app).put(`/fhir/Patient/${created.body.id}`).set('content-type', FHIR_JSON).send({ ...patient('BR-1'), id: created.body.id, gender: 'other' }).expect(200);
    expect(seen.slice(-2)).toEqual([{ method: 'POST' }, { method: 'PUT', previousVersion: '1' }]);
  });

  test('when the rule refuses an entry of a transaction, then 422 names the rule\'s reason and nothing of the transaction is stored', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient('BR-2'), request: { method: 'POST', url: 'Patient' } },
        { resource: patient('BR-3', 'Forbidden'), request: { method: 'POST', url: 'Patient' } },
      ],
    };
    const response = await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(bundle).expect(422);
    expect(response.body.issue[0]).toMatchObject({ code: 'business-rule', diagnostics: expect.stringContaining('Patient Forbidden may not be written') });
    const found = await request(t.app).get('/fhir/Patient?identifier=http://hospital.example.org/mrn|BR-2').expect(200);
    expect(found.body.entry).toBeUndefined();
  });
});
