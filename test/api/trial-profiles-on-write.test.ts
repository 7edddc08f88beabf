import type { AdverseEvent, Bundle, BundleEntry, MedicationAdministration, Observation, OperationOutcome, Patient, Resource, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import request from 'supertest';
import { hemoglobin, patient } from '../helpers/fixtures';
import { unprofiledExample } from '../helpers/profile-examples';
import { storeName, useTestApp } from '../helpers/test-app';

const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

const errorTexts = (outcome: OperationOutcome): string[] =>
  (outcome.issue ?? []).filter((i) => i.severity === 'error').map((i) => `${i.expression?.[0]}: ${i.diagnostics}`);

const put = (resource: Resource): BundleEntry => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } });

/** Trial data is held to the trial profiles (profiles/) whether or not its meta.profile names them. */
describe(`trial data conforms to the trial profiles without meta.profile (${storeName()})`, () => {
  const t = useTestApp();
  const write = (resource: Resource) => request(t.app).put(`/fhir/${resource.resourceType}/${resource.id}`).send(resource);

  beforeAll(async () => {
    for (const name of ['ResearchStudy-nct04356287', 'Patient-synthetic-participant-1', 'ResearchSubject-synthetic-subject-1']) {
      await write(unprofiledExample(name)).expect(201);
    }
  });

  it('when the examples of every trial profile are written without meta.profile, then they are accepted', async () => {
    const names = ['Observation-synthetic-weight-1', 'Observation-synthetic-hemoglobin', 'Observation-synthetic-egfr', 'Observation-synthetic-mrss',
      'MedicationAdministration-synthetic-ucmsc-infusion-1', 'MedicationAdministration-synthetic-placebo-infusion-1', 'AdverseEvent-synthetic-ae-flushing'];
    const res = await request(t.app).post('/fhir').send({ resourceType: 'Bundle', type: 'transaction', entry: names.map((n) => put(unprofiledExample(n))) });
    expect(errorTexts(res.body)).toEqual([]);
    expect(res.status).toBe(200);
  });

  it('when an Observation names its study and its hemoglobin is implausible, then 422 from the hemoglobin profile', async () => {
    const obs = { ...unprofiledExample<Observation>('Observation-synthetic-hemoglobin'), id: 'hb-implausible', subject: { reference: 'Patient/not-enrolled' } };
    obs.extension = [{ url: STUDY_EXTENSION, valueReference: { reference: 'ResearchStudy/nct04356287' } }];
    obs.valueQuantity = { ...obs.valueQuantity, value: 90 };
    const res = await write(obs);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/stroma-hemoglobin/);
  });

  it('when a hospital lab arrives for an enrolled patient without the study link, then it is held to its trial profile too', async () => {
    const lab = { ...hemoglobin('Patient/synthetic-participant-1', 12.5), id: 'lab-enrolled' } as Observation;
    delete lab.effectiveDateTime;
    const res = await write(lab);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/effective\[x\].*stroma-hemoglobin/);
  });

  it('when the same lab is about a patient in no study, then base R4 is enough', async () => {
    await write({ ...patient('NOT-ENROLLED'), id: 'not-enrolled' }).expect(201);
    const lab = { ...hemoglobin('Patient/not-enrolled', 12.5), id: 'lab-not-enrolled' } as Observation;
    delete lab.effectiveDateTime;
    await write(lab).expect(201);
  });

  it('when a patient in no study is enrolled, then its next lab is held to the trial profile at once; when unenrolled, base R4 again', async () => {
    const participant = { ...unprofiledExample<Patient>('Patient-synthetic-participant-1'), id: 'enrolled-later' };
    await write(participant).expect(201);
    const lab = (id: string) => {
      const obs = { ...hemoglobin('Patient/enrolled-later', 12.5), id } as Observation;
      delete obs.effectiveDateTime;
      return obs;
    };
    await write(lab('lab-before-enrolment')).expect(201);
    const subject = { ...unprofiledExample<ResearchSubject>('ResearchSubject-synthetic-subject-1'), id: 'subject-enrolled-later' };
    subject.individual = { reference: 'Patient/enrolled-later' };
    await write(subject).expect(201);
    expect((await write(lab('lab-after-enrolment'))).status).toBe(422);
    await request(t.app).delete('/fhir/ResearchSubject/subject-enrolled-later').expect(200);
    await write(lab('lab-after-withdrawal')).expect(201);
  });

  it('when an enrolled patient loses its identifier, then 422 from the participant profile; a patient in no study may have none', async () => {
    const participant = unprofiledExample<Patient>('Patient-synthetic-participant-1');
    delete participant.identifier;
    const res = await write(participant);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/Patient\.identifier.*stroma-participant/);
    await write({ resourceType: 'Patient', id: 'anonymous', gender: 'male' } as Patient).expect(201);
  });

  it('when a ResearchSubject is on study without an arm, then 422 from the subject profile', async () => {
    const subject = { ...unprofiledExample<ResearchSubject>('ResearchSubject-synthetic-subject-1'), id: 'no-arm' };
    delete subject.assignedArm;
    const res = await write(subject);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/stroma-arm-once-on-study/);
  });

  it('when an AdverseEvent names its study but has no seriousness, then 422 from the AE Clinical Research profile; without a study, base R4', async () => {
    const event = { ...unprofiledExample<AdverseEvent>('AdverseEvent-synthetic-ae-flushing'), id: 'ae-no-seriousness' };
    delete event.seriousness;
    const res = await write(event);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/AdverseEvent\.seriousness.*AdverseEvent-clinical-research/);
    await write({ resourceType: 'AdverseEvent', id: 'ae-hospital', actuality: 'actual', subject: { reference: 'Patient/anonymous' } } as AdverseEvent).expect(201);
  });

  it('when an infusion names its study but has no dosage, then 422 from the infusion profile', async () => {
    const infusion = { ...unprofiledExample<MedicationAdministration>('MedicationAdministration-synthetic-ucmsc-infusion-1'), id: 'infusion-no-dose' };
    delete infusion.dosage;
    const res = await write(infusion);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/MedicationAdministration\.dosage.*stroma-infusion/);
  });

  it('when a registered trial (NCT identifier) has no phase, then 422 from the study profile', async () => {
    const study = { ...unprofiledExample<ResearchStudy>('ResearchStudy-nct04356287'), id: 'no-phase' };
    delete study.phase;
    const res = await write(study);
    expect(res.status).toBe(422);
    expect(errorTexts(res.body).join('\n')).toMatch(/ResearchStudy\.phase.*stroma-research-study/);
  });

  describe('in a transaction, whatever the order of its entries', () => {
    const enrolment = (patientId: string): Resource[] => {
      const participant = { ...unprofiledExample<Patient>('Patient-synthetic-participant-1'), id: patientId };
      const subject = { ...unprofiledExample<ResearchSubject>('ResearchSubject-synthetic-subject-1'), id: `subject-${patientId}`, individual: { reference: `Patient/${patientId}` } };
      return [participant, subject];
    };
    const labWithoutTime = (patientId: string): Observation => {
      const lab = { ...hemoglobin(`Patient/${patientId}`), id: `lab-${patientId}` } as Observation;
      delete lab.effectiveDateTime;
      return lab;
    };
    const transaction = (resources: Resource[]) =>
      request(t.app).post('/fhir').send({ resourceType: 'Bundle', type: 'transaction', entry: resources.map(put) } as Bundle);

    it('when a lab precedes the ResearchSubject that enrols its patient, then it is refused and nothing is stored', async () => {
      const [participant, subject] = enrolment('tx-late');
      const res = await transaction([participant, labWithoutTime('tx-late'), subject]);
      expect(res.status).toBe(422);
      expect(errorTexts(res.body).join('\n')).toMatch(/Observation\/lab-tx-late: .*stroma-hemoglobin/);
      await request(t.app).get('/fhir/Patient/tx-late').expect(404);
    });

    it('when the enrolment comes first, then the lab is refused as well', async () => {
      const [participant, subject] = enrolment('tx-early');
      const res = await transaction([participant, subject, labWithoutTime('tx-early')]);
      expect(res.status).toBe(422);
      expect(errorTexts(res.body).join('\n')).toMatch(/(Bundle\.entry\[2\]|Observation\/lab-tx-early): .*stroma-hemoglobin/);
      await request(t.app).get('/fhir/Patient/tx-early').expect(404);
    });

    it('when a participant without identifier is enrolled later in the transaction, then it is refused', async () => {
      const [participant, subject] = enrolment('tx-no-id');
      delete (participant as Patient).identifier;
      const res = await transaction([participant, subject]);
      expect(res.status).toBe(422);
      expect(errorTexts(res.body).join('\n')).toMatch(/Patient\/tx-no-id: .*stroma-participant/);
    });
  });
});
