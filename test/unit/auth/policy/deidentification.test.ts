import type { MedicationAdministration, Observation, Patient, QuestionnaireResponse, Resource } from '@medplum/fhirtypes';
import { createAccessControl, createDeidentificationMask, DEIDENTIFICATION_MASK } from '../../../../src/auth/policy';
import { PseudonymLookup } from '../../../../src/auth/policy/pseudonym-lookup';
import { MAX_SHIFT_DAYS, Pseudonyms } from '../../../../src/auth/policy/pseudonyms';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { MASKED_LABEL } from '../../../../src/fhir/read-masks';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { ResourceReader } from '../../../../src/store/repository';
import { control, refusal } from './policy-fixture';

const BASE = 'http://localhost/fhir';
const DAY = 86_400_000;

function identified(): Patient {
  return {
    resourceType: 'Patient',
    id: 'p1',
    meta: { versionId: '3', lastUpdated: '2024-05-06T07:08:09.123Z' },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Peter Chalmers</div>' },
    identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345' }],
    name: [{ family: 'Chalmers', given: ['Peter'] }],
    telecom: [{ system: 'phone', value: '(03) 5555 6473' }],
    address: [{ city: 'PleasantVille', postalCode: '3999' }],
    photo: [{ url: 'http://example.org/peter.png' }],
    contact: [{ name: { family: 'du Marché' } }],
    gender: 'male',
    birthDate: '1974-12-25',
    _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] },
    deceasedDateTime: '2020-05-06',
    extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Smith' },
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-genderIdentity', valueCodeableConcept: { text: 'male' } },
    ],
    managingOrganization: { reference: 'Organization/1', display: 'Hospital' },
  } as Patient;
}

function lab(subject: string, effective: string): Observation {
  return {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    identifier: [{ system: 'urn:lab', value: 'ACC-1' }],
    code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }], text: 'Hemoglobin' },
    subject: { reference: subject, display: 'Peter Chalmers' },
    effectivePeriod: { start: effective, end: '2024-03-02' },
    issued: '2024-03-02T10:00:00Z',
    performer: [{ reference: 'Practitioner/dr1', display: 'Dr Who' }],
    valueString: 'Peter said he felt tired',
    note: [{ text: 'called Peter at home' }],
  };
}

const shiftOf = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

describe('de-identification policy (issue 10 point 3)', () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  const pseudonyms = new Pseudonyms(Buffer.alloc(32, 7));
  const store = { tabulate: () => Promise.resolve([{ id: 'p1', values: {} }, { id: 'p2', values: {} }]) } as unknown as ResourceReader;
  const lookup = new PseudonymLookup(store, pseudonyms);
  registries.readMasks.register(createDeidentificationMask({ registries, pseudonyms, lookup, baseUrl: BASE }));
  const registry = (clientId = 'registry-a') => control('registry', 'system/*.rs', { registries, clientId });
  const read = <T extends Resource>(resource: T, clientId?: string) => registry(clientId).filterRead(Object.freeze(resource) as Resource) as T & Record<string, unknown>;

  it('when the mask is registered, then it is among the read masks by its name', () => {
    expect(registries.readMasks.names()).toEqual([DEIDENTIFICATION_MASK]);
  });

  it('when a registry reads a Patient, then direct identifiers and identifying extensions are gone, birth and death dates keep their year, and it is labelled MASKED', () => {
    const seen = read(identified());
    for (const element of ['name', 'telecom', 'address', 'identifier', 'photo', 'contact', 'text', '_birthDate']) expect(seen).not.toHaveProperty(element);
    expect(seen.birthDate).toBe('1974');
    expect(seen.deceasedDateTime).toBe('2020');
    expect(seen.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/patient-genderIdentity', valueCodeableConcept: { text: 'male' } }]);
    expect(seen.gender).toBe('male');
    expect(seen.managingOrganization).toEqual({ reference: 'Organization/1', display: 'Hospital' });
    expect(seen.meta?.security).toEqual([MASKED_LABEL]);
    expect(JSON.stringify(seen)).not.toMatch(/Chalmers|Peter|12345|5555|PleasantVille|Smith|1974-12-25/);
  });

  it('when a registry reads a Patient, then its id is a 32-hex pseudonym, the same every time, and another registry gets another', () => {
    const first = read(identified()).id;
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(read(identified()).id).toBe(first);
    expect(read(identified(), 'registry-b').id).not.toBe(first);
  });

  it("when a registry reads a Patient's Observation, then the subject is the Patient's pseudonym in every reference form", () => {
    const id = read(identified()).id;
    expect(read(lab('Patient/p1', '2024-03-01')).subject).toEqual({ reference: `Patient/${id}` });
    expect(read(lab(`${BASE}/Patient/p1`, '2024-03-01')).subject).toEqual({ reference: `${BASE}/Patient/${id}` });
    expect(read(lab('Patient/p1/_history/2', '2024-03-01')).subject).toEqual({ reference: `Patient/${id}/_history/2` });
  });

  it("when a registry reads a Patient's Observation, then identifiers and free text go, codes and a practitioner's display stay", () => {
    const seen = read(lab('Patient/p1', '2024-03-01'));
    for (const element of ['identifier', 'valueString', 'note']) expect(seen).not.toHaveProperty(element);
    expect(seen.code).toEqual({ coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }], text: 'Hemoglobin' });
    expect(seen.performer).toEqual([{ reference: 'Practitioner/dr1', display: 'Dr Who' }]);
    expect(JSON.stringify(seen)).not.toMatch(/Peter|ACC-1/);
  });

  it("when a registry reads a Patient's resources, then every date moves by the same non-zero offset within the bound, keeping times and intervals", () => {
    const seen = read(lab('Patient/p1', '2024-03-01'));
    const shift = shiftOf('2024-03-01', seen.effectivePeriod?.start as string);
    expect(shift).not.toBe(0);
    expect(Math.abs(shift)).toBeLessThanOrEqual(MAX_SHIFT_DAYS);
    expect(shiftOf('2024-03-02', seen.effectivePeriod?.end as string)).toBe(shift);
    expect(seen.issued).toMatch(/T10:00:00Z$/);
    expect(shiftOf('2024-03-02T10:00:00Z', seen.issued as string)).toBe(shift);
    const patient = read(identified());
    expect(shiftOf('2024-05-06T07:08:09.123Z', patient.meta?.lastUpdated as string)).toBe(shift);
    expect(pseudonyms.of('registry-a', 'p1').shiftDays).toBe(shift);
  });

  it('when a date has only a year or a month, then it keeps its precision and a year alone stays the same', () => {
    const seen = read({ ...lab('Patient/p1', '2024'), effectivePeriod: { start: '2024', end: '2024-03' } });
    expect(seen.effectivePeriod?.start).toBe('2024');
    expect(seen.effectivePeriod?.end).toMatch(/^\d{4}-\d{2}$/);
  });

  it('when a reference names another server\'s Patient or a person by identifier only, then what identifies goes (the type may stay)', () => {
    const seen = read({ ...lab('http://other.example.org/fhir/Patient/abc', '2024-03-01') });
    expect(seen.subject).toBeUndefined();
    const infusion: MedicationAdministration = {
      resourceType: 'MedicationAdministration', id: 'm1', status: 'completed', medicationCodeableConcept: { text: 'cells' },
      subject: { type: 'Patient', identifier: { system: 'urn:mrn', value: 'MRN-9' }, display: 'Peter' }, effectiveDateTime: '2024-01-01',
    };
    const masked = read(infusion);
    expect(masked.subject).toEqual({ type: 'Patient' });
  });

  it('when a required string is free text, then data-absent-reason stands in for it; a questionnaire linkId stays', () => {
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse', id: 'q1', status: 'completed', subject: { reference: 'Patient/p1' },
      item: [{ linkId: 'q1', text: 'How is Peter?', answer: [{ valueString: 'fine' }, { valueInteger: 3 }] }],
    };
    const seen = read(response);
    expect(seen.item).toEqual([{ linkId: 'q1', answer: [{ valueInteger: 3 }] }]);
  });

  it('when a registry reads a resource not about a patient, then only references to Patients change, and one without any comes back untouched', () => {
    const study = { resourceType: 'ResearchStudy' as const, id: 's1', status: 'active' as const, title: 'A study', period: { start: '2024-01-01' } };
    expect(registry().filterRead(study)).toBe(study);
    const group = { resourceType: 'Group' as const, id: 'g1', type: 'person' as const, actual: true, name: 'Participants', member: [{ entity: { reference: 'Patient/p1', display: 'Peter' }, period: { start: '2024-01-01' } }] };
    const seen = read(group);
    expect(seen.member).toEqual([{ entity: { reference: `Patient/${pseudonyms.of('registry-a', 'p1').id}` }, period: { start: '2024-01-01' } }]);
    expect(seen.name).toBe('Participants');
  });

  it('when an investigator reads without asking for de-identification, then nothing changes', () => {
    const input = identified();
    expect(control('investigator', 'system/*.rs', { registries }).filterRead(input)).toBe(input);
  });

  it('when an investigator asks for de-identification, then it gets what a registry of its client id gets', () => {
    const access = control('investigator', 'system/*.rs', { registries, clientId: 'inv' });
    const asked = { ...access.requester, deidentify: true };
    const seen = registries.readMasks.apply(identified(), asked) as Patient;
    expect(seen.id).toBe(pseudonyms.of('inv', 'p1').id);
    expect(seen.name).toBeUndefined();
  });

  it('when a registry names a pseudonym, then the lookup finds the Patient; a real id finds nothing', async () => {
    const ids = registry().ids;
    expect(await ids?.stored('Patient', pseudonyms.of('registry-a', 'p2').id)).toBe('p2');
    expect(await ids?.stored('Patient', 'p2')).toBeUndefined();
    expect(await ids?.stored('Patient', pseudonyms.of('registry-b', 'p2').id)).toBeUndefined();
  });

  describe('searching by what the policy hides', () => {
    const query = (type: string, params: [string, string][]) => parseSearch(type, params, registries, true).query;

    it('when a registry searches Patients by name, identifier or birth date, then it is refused', () => {
      for (const [code, value] of [['name', 'Chalmers'], ['identifier', '12345'], ['birthdate', 'ge1974-12-25'], ['address-city', 'PleasantVille']]) {
        expect(refusal(() => registry().constrainSearch(query('Patient', [[code, value]])))).toBe(
          `Role registry may not search Patient by ${code}: its values are masked (${DEIDENTIFICATION_MASK})`,
        );
      }
    });

    it("when a registry searches a Patient's resources by date, identifier or _lastUpdated, or sorts by date, then it is refused", () => {
      expect(refusal(() => registry().constrainSearch(query('Observation', [['date', '2024-03-01']])))).toMatch(/Observation by date/);
      expect(refusal(() => registry().constrainSearch(query('Observation', [['identifier', 'ACC-1']])))).toMatch(/Observation by identifier/);
      expect(refusal(() => registry().constrainSearch(query('Observation', [['_lastUpdated', 'gt2024']])))).toMatch(/Observation by _lastUpdated/);
      expect(refusal(() => registry().constrainSearch(query('Observation', [['_sort', 'date']])))).toMatch(/Observation by date/);
      expect(refusal(() => registry().constrainSearch(query('Observation', [['subject:Patient.family', 'Chalmers']])))).toMatch(/Patient by family/);
    });

    it('when a registry searches by what it may see, or a study by date, or an investigator by name, then the search passes', () => {
      const byCode = query('Observation', [['code', '718-7']]);
      expect(registry().constrainSearch(byCode)).toBe(byCode);
      const studies = query('ResearchStudy', [['date', 'ge2024']]);
      expect(registry().constrainSearch(studies)).toBe(studies);
      const byName = query('Patient', [['name', 'Chalmers']]);
      expect(control('investigator', 'system/*.rs', { registries }).constrainSearch(byName)).toBe(byName);
    });
  });

  it('when a registry or a de-identified investigator writes, or calls an operation whose answer is not masked, then it is refused', () => {
    const investigator = control('investigator', 'system/*.cruds', { registries }).requester;
    const deidentified = createAccessControl({ ...investigator, deidentify: true }, { registries });
    expect(refusal(() => deidentified.authorize({ interaction: 'create', resourceTypes: ['Observation'] }))).toMatch(/read-only/);
    expect(refusal(() => registry().authorize({ interaction: 'create', resourceTypes: ['Observation'] }))).toBe('Role registry may not create Observation');
    expect(refusal(() => deidentified.authorize({ interaction: 'operation', operation: 'eligibility', resourceTypes: ['ResearchStudy'] }))).toMatch(/\$eligibility is not available/);
    expect(refusal(() => registry().authorize({ interaction: 'operation', operation: 'safety-summary', resourceTypes: ['ResearchStudy'] }))).toBeUndefined();
  });
});
