import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, MeasureReport, MedicationAdministration, ResearchSubject } from '@medplum/fhirtypes';
import request from 'supertest';
import { demoBundle } from '../../src/trial/demo';
import { tokenFor } from '../helpers/auth';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const trial = (nctId: string): Bundle =>
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'bundles', 'trials', `${nctId}.json`), 'utf8')) as Bundle;
/** What tells NCT04356287's arms apart: arm names, product names, a zero-cell dose. */
const ALLOCATION_WORDS = ['Placebo infusions', 'One infusion of UCMSC', 'Two infusions of UCMSC', 'UCMSC', 'Placebo', 'dose-per-kg', '{cells}'];
const STUDY_NCT = 'https://clinicaltrials.gov|NCT04356287';

/** The blinding walk (issue 7 point 5): every read path an investigator has, on NCT04356287's demo data. */
describe(`blinding of NCT04356287 (double-blind) (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  const as = {} as Record<'admin' | 'investigator' | 'unblinded' | 'registry', { Authorization: string }>;
  let studyId = '';
  let subject: ResearchSubject;
  let infusion: MedicationAdministration;

  beforeAll(async () => {
    for (const role of ['admin', 'investigator', 'unblinded', 'registry'] as const) as[role] = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, role)}` };
    for (const nct of ['NCT04356287', 'NCT03562065']) {
      await request(t.app).post('/fhir').set(as.admin).set('content-type', FHIR_JSON).send(trial(nct)).expect(200);
      await request(t.app).post('/fhir').set(as.admin).set('content-type', FHIR_JSON).send(demoBundle(trial(nct), 7)).expect(200);
    }
    const study = await request(t.app).get(`/fhir/ResearchStudy?identifier=${STUDY_NCT}`).set(as.admin).expect(200);
    studyId = study.body.entry[0].resource.id;
    const subjects = await request(t.app).get(`/fhir/ResearchSubject?study=ResearchStudy/${studyId}&_count=1`).set(as.unblinded).expect(200);
    subject = subjects.body.entry[0].resource;
    const infusions = await request(t.app).get(`/fhir/MedicationAdministration?subject=${subject.individual?.reference}&_count=1`).set(as.unblinded).expect(200);
    infusion = infusions.body.entry[0].resource;
  }, 180_000);

  /** The subject-level resources of a response (a study's own design names its arms: that is no leak). */
  const allocationBearing = (body: unknown): unknown[] => {
    const resource = body as { resourceType?: string; entry?: { resource?: { resourceType?: string } }[] };
    if (resource.resourceType === 'Bundle') return (resource.entry ?? []).flatMap((e) => allocationBearing(e.resource ?? {}));
    if (resource.resourceType === 'OperationOutcome') return [body];
    if (!['ResearchSubject', 'MedicationAdministration'].includes(resource.resourceType ?? '')) return [];
    // NCT03562065 is open label: its subjects' arms and doses are for everyone to see.
    return JSON.stringify(body).includes(`ResearchStudy/${studyId}"`) ? [body] : [];
  };
  const leaks = (body: unknown) => ALLOCATION_WORDS.filter((word) => JSON.stringify(allocationBearing(body)).includes(word));

  test('when the unblinded role reads a subject and an infusion, then it sees the arm, the product and the dose', () => {
    expect(subject.assignedArm).toBeDefined();
    expect(infusion.dosage?.dose).toBeDefined();
    expect(leaks(subject).length + leaks(infusion).length).toBeGreaterThan(1);
  });

  const paths = (): [string, string][] => [
    ['read', `/fhir/ResearchSubject/${subject.id}`],
    ['vread', `/fhir/ResearchSubject/${subject.id}/_history/1`],
    ['instance history', `/fhir/ResearchSubject/${subject.id}/_history`],
    ['type history', '/fhir/ResearchSubject/_history?_count=100'],
    ['system history', '/fhir/_history?_count=200&_type=ResearchSubject,MedicationAdministration'],
    ['search', `/fhir/ResearchSubject?study=ResearchStudy/${studyId}`],
    ['search with _elements', `/fhir/ResearchSubject?study=ResearchStudy/${studyId}&_elements=assignedArm,actualArm,status`],
    ['search with _summary', `/fhir/ResearchSubject?study=ResearchStudy/${studyId}&_summary=true`],
    ['_revinclude', `/fhir/Patient?_id=${subject.individual?.reference?.split('/')[1]}&_revinclude=ResearchSubject:individual&_revinclude=MedicationAdministration:patient`],
    ['_include', `/fhir/AdverseEvent?study=ResearchStudy/${studyId}&_include=*`],
    ['infusion read', `/fhir/MedicationAdministration/${infusion.id}`],
    ['infusion search', `/fhir/MedicationAdministration?subject=${subject.individual?.reference}`],
    ['system search', `/fhir?_type=ResearchSubject,MedicationAdministration&_count=200`],
  ];

  test('when an investigator walks every read path, then no arm, product or dose of the blinded study appears, and what was masked is labelled', async () => {
    for (const [name, url] of paths()) {
      const response = await request(t.app).get(url).set(as.investigator);
      expect([name, response.status]).toEqual([name, 200]);
      expect([name, leaks(response.body)]).toEqual([name, []]);
    }
    const read = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).expect(200);
    expect(read.body.meta.security).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'MASKED' }), expect.objectContaining({ code: 'blinded-study' })]));
  });

  test('when an investigator reads through a batch Bundle, then the entries are masked too', async () => {
    const batch: Bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ request: { method: 'GET', url: `ResearchSubject/${subject.id}` } }, { request: { method: 'GET', url: `MedicationAdministration/${infusion.id}` } }],
    };
    const response = await request(t.app).post('/fhir').set(as.investigator).set('content-type', FHIR_JSON).send(batch).expect(200);
    expect(leaks(response.body)).toEqual([]);
  });

  test.each([
    ['ResearchSubject by assigned arm', '/fhir/ResearchSubject?assigned-arm=Placebo%20infusions'],
    ['ResearchSubject by actual arm', '/fhir/ResearchSubject?actual-arm=Placebo%20infusions'],
    ['MedicationAdministration by product code', '/fhir/MedicationAdministration?code=placebo'],
    ['Patient through _has on the arm', '/fhir/Patient?_has:ResearchSubject:individual:assigned-arm=Placebo%20infusions'],
  ])('when an investigator searches %s, then 403', async (_name, url) => {
    const response = await request(t.app).get(url).set(as.investigator).expect(403);
    expect(leaks(response.body)).toEqual([]);
  });

  test('when an investigator matches on the arm or the product through a conditional write or reference, then 403 and nothing is written', async () => {
    const read = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).expect(200);
    const { id: _id, meta: _meta, ...content } = read.body as ResearchSubject;
    const before = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.unblinded).expect(200);
    const attempts = [
      request(t.app).put('/fhir/ResearchSubject?assigned-arm=Placebo%20infusions').set(as.investigator).set('content-type', FHIR_JSON).send(content),
      request(t.app).post('/fhir/ResearchSubject').set(as.investigator).set('content-type', FHIR_JSON).set('If-None-Exist', 'assigned-arm=Placebo%20infusions').send(content),
      request(t.app).delete('/fhir/MedicationAdministration?code=placebo').set(as.investigator),
      request(t.app).post('/fhir').set(as.investigator).set('content-type', FHIR_JSON).send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: read.body, request: { method: 'PUT', url: 'ResearchSubject?actual-arm=Placebo%20infusions' } }],
      }),
      // A conditional reference: the Patient resolved by a match on the arm.
      request(t.app).post('/fhir').set(as.investigator).set('content-type', FHIR_JSON).send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
            subject: { reference: 'Patient?_has:ResearchSubject:individual:assigned-arm=Placebo%20infusions' },
            effectiveDateTime: '2024-02-01T08:00:00Z',
            valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
          },
          request: { method: 'POST', url: 'Observation' },
        }],
      }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(leaks(response.body)).toEqual([]);
    }
    const after = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.unblinded).expect(200);
    expect(after.body.meta.versionId).toBe(before.body.meta.versionId);
  });

  test('when an investigator reads with ETags, then the masked read has the version ETag every role sees, and $allocation-log is refused', async () => {
    const masked = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).expect(200);
    const full = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.unblinded).expect(200);
    expect(masked.headers.etag).toBe(full.headers.etag);
    expect(masked.headers.etag).toMatch(/^W\/"\d+"$/);
    await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).set('If-None-Match', masked.headers.etag).expect(304);
    const log = await request(t.app).get(`/fhir/ResearchStudy/${studyId}/$allocation-log`).set(as.investigator).expect(403);
    expect(leaks(log.body)).toEqual([]);
  });

  test('when an investigator puts back the masked subject it read, then the arm is kept as stored', async () => {
    const read = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).expect(200);
    await request(t.app).put(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).set('content-type', FHIR_JSON).send(read.body).expect(200);
    const after = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.unblinded).expect(200);
    expect(after.body.assignedArm).toBe(subject.assignedArm);
  });

  test('when an investigator writes an arm, whichever, then 403 and the answer is the same for the right and a wrong guess', async () => {
    const read = await request(t.app).get(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).expect(200);
    const answers = [];
    for (const arm of ['Placebo infusions', 'One infusion of UCMSC', 'Two infusions of UCMSC']) {
      const response = await request(t.app).put(`/fhir/ResearchSubject/${subject.id}`).set(as.investigator).set('content-type', FHIR_JSON).send({ ...read.body, assignedArm: arm });
      answers.push([response.status, response.body.issue?.[0]?.diagnostics]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0][0]).toBe(403);
  });

  test('when an investigator creates a subject or an infusion of the blinded study stating the arm or the product, then 403 and nothing is stored', async () => {
    const { id: _s, meta: _m, ...newSubject } = subject;
    const before = await request(t.app).get(`/fhir/ResearchSubject?study=ResearchStudy/${studyId}&_summary=count`).set(as.unblinded).expect(200);
    const withArm = await request(t.app).post('/fhir/ResearchSubject').set(as.investigator).set('content-type', FHIR_JSON).send({ ...newSubject, status: 'eligible' });
    expect(withArm.status).toBe(403);
    expect(leaks(withArm.body)).toEqual([]);
    const { id: _i, meta: _n, ...newInfusion } = infusion;
    const product = await request(t.app).post('/fhir/MedicationAdministration').set(as.investigator).set('content-type', FHIR_JSON).send({ ...newInfusion, status: 'not-done' });
    expect(product.status).toBe(403);
    const after = await request(t.app).get(`/fhir/ResearchSubject?study=ResearchStudy/${studyId}&_summary=count`).set(as.unblinded).expect(200);
    expect(after.body.total).toBe(before.body.total);
    // Without the arm the subject is created; its arm will come from $randomize.
    const { assignedArm: _a, actualArm: _b, ...armless } = newSubject;
    await request(t.app).post('/fhir/ResearchSubject').set(as.investigator).set('content-type', FHIR_JSON).send({ ...armless, status: 'eligible' }).expect(201);
  });

  test('when a client sends or strips the blinding label, then the server sets it from the study, not from the client', async () => {
    const open = await request(t.app).get('/fhir/ResearchSubject?_count=1&study.identifier=https://clinicaltrials.gov|NCT03562065').set(as.unblinded).expect(200);
    const openSubject = open.body.entry[0].resource as ResearchSubject;
    const label = { system: 'https://stroma-fhir.org/fhir/CodeSystem/blinding', code: 'blinded-study' };
    const sent = { ...openSubject, meta: { security: [label] }, status: openSubject.status };
    const put = await request(t.app).put(`/fhir/ResearchSubject/${openSubject.id}`).set(as.unblinded).set('content-type', FHIR_JSON).send(sent).expect(200);
    expect(put.body.meta.security ?? []).not.toContainEqual(expect.objectContaining({ code: 'blinded-study' }));
    const investigatorView = await request(t.app).get(`/fhir/ResearchSubject/${openSubject.id}`).set(as.investigator).expect(200);
    expect(investigatorView.body.assignedArm).toBe(openSubject.assignedArm);

    const { meta: _meta, ...stripped } = subject;
    const reput = await request(t.app).put(`/fhir/ResearchSubject/${subject.id}`).set(as.unblinded).set('content-type', FHIR_JSON).send(stripped).expect(200);
    expect(reput.body.meta.security).toContainEqual(expect.objectContaining({ code: 'blinded-study' }));
  });

  test('when an infusion of the blinded study breaks its protocol, then the 422 says so without naming the arm, product or dose', async () => {
    const { id: _id, meta: _meta, ...again } = infusion;
    const response = await request(t.app).post('/fhir/MedicationAdministration').set(as.unblinded).set('content-type', FHIR_JSON).send(again).expect(422);
    expect(response.body.issue[0].diagnostics).toContain('does not follow the protocol of this blinded study');
    expect(leaks(response.body)).toEqual([]);
  });

  const SUMMARIES = ['$safety-summary', '$efficacy-summary', '$participant-flow'];
  const armStratified = (report: MeasureReport) => (report.group ?? []).filter((g) => g.stratifier?.some((st) => st.code?.[0]?.coding?.[0]?.code === 'arm')).length;

  test('when an investigator asks for the summaries of the blinded study, then no group is stratified by arm and no arm is named; the unblinded role gets them by arm', async () => {
    for (const operation of SUMMARIES) {
      const blinded = (await request(t.app).get(`/fhir/ResearchStudy/${studyId}/${operation}`).set(as.investigator).expect(200)).body as MeasureReport;
      expect([operation, armStratified(blinded)]).toEqual([operation, 0]);
      expect([operation, ALLOCATION_WORDS.filter((word) => JSON.stringify(blinded).includes(word))]).toEqual([operation, []]);
      const unblinded = (await request(t.app).get(`/fhir/ResearchStudy/${studyId}/${operation}`).set(as.unblinded).expect(200)).body as MeasureReport;
      expect([operation, armStratified(unblinded)]).toEqual([operation, unblinded.group?.length]);
    }
  });

  test('when the demo data of both studies is summarized, then each outcome counts every treated subject once, as a value or as missing', async () => {
    const lupus = await request(t.app).get('/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|NCT03562065').set(as.admin).expect(200);
    const reports = [
      (await request(t.app).get(`/fhir/ResearchStudy/${studyId}/$efficacy-summary`).set(as.unblinded).expect(200)).body as MeasureReport,
      (await request(t.app).get(`/fhir/ResearchStudy/${lupus.body.entry[0].resource.id}/$efficacy-summary`).set(as.investigator).expect(200)).body as MeasureReport,
    ];
    const codes = reports.map((r) => (r.group ?? []).map((g) => g.code?.coding?.[0]?.code));
    expect(codes[0]).toEqual(['mrss-change-m12']);
    expect(codes[1]).toEqual(expect.arrayContaining(['sri4-m3', 'sri4-m12', 'selena-sledai-m0', 'bilag-total-m12', 'steroid-sparing-m6']));
    for (const report of reports) {
      const safety = (await request(t.app).get(`/fhir/${report.subject?.reference}/$safety-summary`).set(as.unblinded).expect(200)).body as MeasureReport;
      const treated = safety.group?.[0].population?.[0].count ?? 0;
      expect(treated).toBeGreaterThan(0);
      for (const group of report.group ?? []) {
        const counted = (group.population ?? []).filter((p) => p.code?.coding?.[0]?.code !== 'numerator').reduce((sum, p) => sum + (p.count ?? 0), 0);
        expect([group.code?.coding?.[0]?.code, counted <= treated, counted > 0]).toEqual([group.code?.coding?.[0]?.code, true, true]);
      }
      // NCT03562065 is open label: its arms are shown to the investigator as well.
      expect(armStratified(report)).toBe(report.group?.length);
    }
  });
});
