/**
 * De-identification cost: `npm run bench:deidentify` (issue 10 point 3). Times the registry's read mask
 * (src/auth/policy/deidentification.ts) alone, in this process on one thread, over a mix like a trial's
 * export: per patient one Patient, 20 Observations (one with a note and a valueString), a ResearchSubject,
 * a Consent and a MedicationAdministration. Prints µs per resource and resources/s (median of 5 runs
 * after a warm-up). The pseudonyms are memoized as they are in the server, so after the first pass
 * each one costs a map lookup.
 *
 * Knobs (env): BENCH_PATIENTS=500 BENCH_RUNS=5.
 */
import type { Resource } from '@medplum/fhirtypes';
import { createDeidentificationMask } from '../src/auth/policy';
import { PseudonymLookup } from '../src/auth/policy/pseudonym-lookup';
import { Pseudonyms } from '../src/auth/policy/pseudonyms';
import type { Requester } from '../src/fhir/access';
import { createRegistries } from '../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../src/store/postgres';
import type { ResourceReader } from '../src/store/repository';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BASE = 'http://127.0.0.1:8080/fhir';

function resourcesOf(p: number): Resource[] {
  const patient = `Patient/p${p}`;
  const out: Resource[] = [
    {
      resourceType: 'Patient', id: `p${p}`, meta: { versionId: '1', lastUpdated: '2024-01-02T03:04:05.678Z' },
      identifier: [{ system: 'urn:mrn', value: `MRN-${p}` }], name: [{ family: `Family${p}`, given: ['Given'] }],
      telecom: [{ system: 'phone', value: '+41 79 555 00 00' }], address: [{ line: ['1 Street'], city: 'Town' }], gender: 'female', birthDate: '1970-05-06',
    },
    { resourceType: 'ResearchSubject', id: `rs${p}`, status: 'on-study', period: { start: '2024-01-02' }, study: { reference: 'ResearchStudy/s1' }, individual: { reference: patient } },
    {
      resourceType: 'Consent', id: `c${p}`, status: 'active', scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }], patient: { reference: patient }, dateTime: '2024-01-01T10:00:00Z',
    },
    {
      resourceType: 'MedicationAdministration', id: `ma${p}`, status: 'completed', medicationCodeableConcept: { coding: [{ system: 'urn:x', code: 'cells' }] },
      subject: { reference: patient }, effectivePeriod: { start: '2024-02-01T08:00:00Z', end: '2024-02-01T09:00:00Z' }, dosage: { text: 'slow', dose: { value: 1, unit: 'mL' } },
    },
  ];
  for (let o = 0; o < 20; o++) {
    out.push({
      resourceType: 'Observation', id: `o${p}-${o}`, meta: { versionId: '1', lastUpdated: '2024-03-01T10:00:00.000Z' }, status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }] }, subject: { reference: patient, display: `Family${p}` },
      effectiveDateTime: '2024-03-01T09:30:00Z', valueQuantity: { value: 12.5, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
      referenceRange: [{ low: { value: 12, unit: 'g/dL' }, high: { value: 16, unit: 'g/dL' } }],
      ...(o === 0 ? { note: [{ text: 'tired' }], identifier: [{ system: 'urn:lab', value: `ACC-${p}` }] } : {}),
    } as Resource);
  }
  return out;
}

function main(): void {
  const registries = createRegistries(SEARCHABLE_TYPES);
  const pseudonyms = new Pseudonyms(Buffer.alloc(32, 3));
  const lookup = new PseudonymLookup({} as ResourceReader, pseudonyms);
  const mask = createDeidentificationMask({ registries, pseudonyms, lookup, baseUrl: BASE });
  const requester: Requester = { clientId: 'registry-bench', role: 'registry', scope: 'system/*.rs' };
  const resources = Array.from({ length: PATIENTS }, (_, p) => resourcesOf(p)).flat();
  const pass = () => {
    let masked = 0;
    for (const resource of resources) if (mask.apply(resource, requester)) masked++;
    return masked;
  };
  pass(); // warm-up: plans built, pseudonyms memoized, JIT
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    pass();
    times.push(Number(process.hrtime.bigint() - started) / 1000 / resources.length);
  }
  const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  console.log(`de-identification: ${resources.length} resources per run, median of ${RUNS}: ${median.toFixed(2)} µs/resource, ${Math.round(1e6 / median).toLocaleString('en-US')} resources/s on one thread`);
}

main();
