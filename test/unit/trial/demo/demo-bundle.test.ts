import type { AdverseEvent, Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { demoBundle } from '../../../../src/trial/demo';
import { errorsOf } from '../ctgov/ctgov-fixture';
import { demoKeyOf, demoResources, seedTrials, trialProfileOf } from './demo-fixture';

const trials = seedTrials();
const NCT_IDS = ['NCT04356287', 'NCT02213705', 'NCT03562065'];

function trial(nctId: string): Bundle {
  return trials.get(nctId) as Bundle;
}

describe('demoBundle', () => {
  test('when the seed trials are read, then all three are there', () => {
    expect([...trials.keys()].sort()).toEqual([...NCT_IDS].sort());
  });

  test.each(NCT_IDS)('when %s is generated twice with one seed, then the JSON is identical; with another seed it differs', (nctId) => {
    const once = JSON.stringify(demoBundle(trial(nctId), 6));
    expect(JSON.stringify(demoBundle(trial(nctId), 6))).toBe(once);
    expect(JSON.stringify(demoBundle(trial(nctId), 7))).not.toBe(once);
  });

  test.each(NCT_IDS)('when %s is generated, then it is a transaction of PUTs keyed on demo identifiers, under 10,000 entries, each key once', (nctId) => {
    const bundle = demoBundle(trial(nctId), 6);
    expect(bundle.type).toBe('transaction');
    const entries = bundle.entry ?? [];
    expect(entries.length).toBeGreaterThan(100);
    expect(entries.length).toBeLessThan(10_000);
    for (const entry of entries) {
      expect(entry.request?.method).toBe('PUT');
      expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(demoKeyOf(entry.resource as Resource)).toMatch(new RegExp(`^${nctId}/subject/\\d{2}/`));
    }
    const keys = entries.map((e) => demoKeyOf(e.resource as Resource));
    expect(new Set(keys).size).toBe(keys.length);
    // AdverseEvent has no identifier search parameter in R4: it is PUT to an id derived from its key.
    for (const entry of entries) {
      const url = entry.request?.url as string;
      if (entry.resource?.resourceType === 'AdverseEvent') expect(url).toBe(`AdverseEvent/${entry.resource.id}`);
      else expect(url).toBe(`${entry.resource?.resourceType}?identifier=https://stroma-fhir.org/fhir/NamingSystem/demo|${encodeURIComponent(demoKeyOf(entry.resource as Resource))}`);
    }
  });

  test.each(NCT_IDS)('when %s is generated, then every resource is tagged as test data and names its study', (nctId) => {
    const bundle = demoBundle(trial(nctId), 6);
    const study = `ResearchStudy?identifier=https://clinicaltrials.gov|${nctId}`;
    for (const resource of (bundle.entry ?? []).map((e) => e.resource as Resource)) {
      expect(resource.meta?.tag).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' }]);
      const text = JSON.stringify(resource);
      if (['Observation', 'MedicationAdministration', 'MedicationStatement', 'ResearchSubject', 'AdverseEvent'].includes(resource.resourceType)) expect(text).toContain(study);
    }
    for (const event of demoResources<AdverseEvent>(bundle, 'AdverseEvent')) expect(event.study).toEqual([{ reference: study }]);
  });

  test.each(NCT_IDS)('when %s is generated, then every Patient is plainly fictional: family name Demo and a demo MRN', (nctId) => {
    for (const patient of demoResources<Patient>(demoBundle(trial(nctId), 6), 'Patient')) {
      expect(patient.name?.[0].family).toBe('Demo');
      expect(patient.identifier?.some((i) => i.system === 'https://stroma-fhir.org/fhir/NamingSystem/demo-mrn' && i.value?.startsWith(`DEMO-${nctId}-`))).toBe(true);
    }
  });

  test.each(NCT_IDS)('when %s is generated, then every resource is valid R4 and meets the trial profile the server applies to it', (nctId) => {
    const failures: string[] = [];
    for (const resource of (demoBundle(trial(nctId), 6).entry ?? []).map((e) => e.resource as Resource)) {
      const profile = trialProfileOf(resource);
      const errors = [...errorsOf(resource), ...(profile ? errorsOf(resource, [profile]) : [])];
      if (errors.length > 0) failures.push(`${demoKeyOf(resource)}: ${errors.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });
});
