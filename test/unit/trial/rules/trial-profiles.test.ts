import type { Observation, Resource } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { readProfileFiles, registerProfileResources } from '../../../../src/fhir/conformance/profile-files';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { ResourceReader, SearchQuery } from '../../../../src/store/repository';
import { TRIAL_PROFILES, trialProfileRule } from '../../../../src/trial/rules/trial-profiles';

const STROMA = 'https://stroma-fhir.org/fhir/StructureDefinition/';
const LOINC = 'http://loinc.org';

/** A reader whose only ResearchSubject enrols Patient/enrolled; it records the searches it answers. */
function readerEnrolling(searches: SearchQuery[]): ResourceReader {
  return {
    exists: async (query: SearchQuery) => {
      searches.push(query);
      const value = (query.filters[0] as { values: { value: string }[] }).values[0].value;
      return query.resourceType === 'ResearchSubject' && value === 'Patient/enrolled';
    },
  } as unknown as ResourceReader;
}

describe('the trial profile rule', () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  registerProfileResources(readProfileFiles(DEFAULT_PROFILES_DIR).validation, registries.profiles);
  const rule = trialProfileRule(registries);
  const lab = (code: string, subject = 'Patient/enrolled'): Observation =>
    ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code }] }, subject: { reference: subject } });

  it.each([
    ['718-7', 'stroma-hemoglobin'],
    ['62238-1', 'stroma-egfr'],
    ['2164-2', 'stroma-creatinine-clearance'],
    ['2106-3', 'stroma-pregnancy-test'],
    ['2345-7', 'stroma-trial-observation'],
  ])('when an enrolled patient has an Observation coded %s, then it is held to %s', async (code, profile) => {
    expect(await rule.profilesFor(lab(code), readerEnrolling([]), 'POST')).toEqual([`${STROMA}${profile}`]);
  });

  it('when the patient is in no study and the Observation names none, then no trial profile applies', async () => {
    expect(await rule.profilesFor(lab('718-7', 'Patient/other'), readerEnrolling([]), 'POST')).toEqual([]);
  });

  it('when a new Patient is created, then no lookup is made; when one is updated, its enrolment is looked up', async () => {
    const searches: SearchQuery[] = [];
    const reader = readerEnrolling(searches);
    expect(await rule.profilesFor({ resourceType: 'Patient', id: 'enrolled' }, reader, 'POST')).toEqual([]);
    expect(searches).toHaveLength(0);
    expect(await rule.profilesFor({ resourceType: 'Patient', id: 'enrolled' }, reader, 'PUT')).toEqual([TRIAL_PROFILES.participant]);
  });

  it('when a ResearchSubject is written, then the others of its transaction are checked again', () => {
    expect(rule.changesLinks?.({ resourceType: 'ResearchSubject' } as Resource)).toBe(true);
    expect(rule.changesLinks?.({ resourceType: 'Observation' } as Resource)).toBe(false);
  });

  it('when a MedicationAdministration names no study, then it is not held to the infusion profile (a participant\'s other medicines)', async () => {
    const medication = { resourceType: 'MedicationAdministration', subject: { reference: 'Patient/enrolled' } } as Resource;
    expect(await rule.profilesFor(medication, readerEnrolling([]), 'POST')).toEqual([]);
  });
});
