import type { Bundle, BundleEntry, Observation } from '@medplum/fhirtypes';

/**
 * The data of bench:ingest: participants of one study (each a Patient with a hospital MRN, a research
 * consent and an eligible ResearchSubject), and hospital lab results about them, as an EHR pushes them
 * (FHIR: the patient by MRN, the result by the lab's accession number) and as a laboratory sends them
 * (HL7 v2 ORU^R01, ten OBX per message).
 */

/** The hospital's assigning authority, by OID: PID-3.4 `&<OID>&ISO` names this system. */
export const MRN_OID = '2.16.840.1.113883.3.9999.2';
export const MRN_SYSTEM = `urn:oid:${MRN_OID}`;
export const ACCESSION_SYSTEM = 'urn:oid:2.16.840.1.113883.3.9999.1';

/** Panel labs (DOMAIN.md's table): LOINC code, UCUM unit, the HL7 v2 spelling of the unit, a typical range. */
export const LABS = [
  { code: '718-7', name: 'Hemoglobin', unit: 'g/dL', hl7Unit: 'g/dl', low: 9, high: 16 },
  { code: '777-3', name: 'Platelets', unit: '10*9/L', hl7Unit: '10^9/L', low: 120, high: 420 },
  { code: '751-8', name: 'Neutrophils', unit: '10*9/L', hl7Unit: '10^9/L', low: 1.2, high: 7.5 },
  { code: '4537-7', name: 'ESR', unit: 'mm/h', hl7Unit: 'mm/hr', low: 2, high: 60 },
  { code: '1742-6', name: 'ALT', unit: 'U/L', hl7Unit: 'U/L', low: 5, high: 80 },
  { code: '1920-8', name: 'AST', unit: 'U/L', hl7Unit: 'U/L', low: 5, high: 80 },
  { code: '1975-2', name: 'Bilirubin', unit: 'mg/dL', hl7Unit: 'mg/dl', low: 0.2, high: 2 },
  { code: '62238-1', name: 'eGFR', unit: 'mL/min/{1.73_m2}', hl7Unit: 'mL/min/1.73m2', low: 40, high: 120 },
] as const;

export const mrnOf = (patient: number): string => `MRN-${String(patient).padStart(6, '0')}`;

/** A transaction enrolling patients [from, to) in the study: Patient, Consent, ResearchSubject each. */
export function participantsBundle(study: string, from: number, to: number): Bundle {
  const entry: BundleEntry[] = [];
  for (let p = from; p < to; p++) {
    const patient = `urn:uuid:00000000-0000-4000-8000-${String(p).padStart(12, '0')}`;
    const consent = `urn:uuid:00000000-0000-4000-9000-${String(p).padStart(12, '0')}`;
    entry.push(
      post(patient, { resourceType: 'Patient', identifier: [{ system: MRN_SYSTEM, value: mrnOf(p) }], name: [{ family: `Bench${p}` }], gender: p % 2 ? 'female' : 'male', birthDate: '1970-01-01' }),
      post(consent, {
        resourceType: 'Consent', status: 'active',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
        patient: { reference: patient }, dateTime: '2024-01-01T10:00:00Z', policyRule: { text: 'Written informed consent' },
      }),
      post(undefined, { resourceType: 'ResearchSubject', status: 'eligible', period: { start: '2024-01-02' }, study: { reference: study }, individual: { reference: patient }, consent: { reference: consent } }),
    );
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

function post(fullUrl: string | undefined, resource: object): BundleEntry {
  return { ...(fullUrl ? { fullUrl } : {}), resource: resource as BundleEntry['resource'], request: { method: 'POST', url: (resource as { resourceType: string }).resourceType } };
}

/** The n-th result of the run: its patient, lab, value and time are spread deterministically. */
export function resultFacts(n: number, patients: number) {
  const lab = LABS[n % LABS.length];
  const patient = Math.floor(n / LABS.length) % patients;
  const value = Math.round((lab.low + ((n * 7919) % 1000) / 1000 * (lab.high - lab.low)) * 10) / 10;
  const minute = n % (60 * 24 * 365);
  const effective = new Date(Date.UTC(2024, 0, 1) + minute * 60_000).toISOString().replace('.000Z', '+00:00');
  return { lab, patient, value, effective, accession: `ACC-${n}` };
}

/** The n-th result as an EHR pushes it. */
export function pushedResult(n: number, patients: number): Observation {
  const { lab, patient, value, effective, accession } = resultFacts(n, patients);
  return {
    resourceType: 'Observation',
    identifier: [{ system: ACCESSION_SYSTEM, value: accession }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: lab.code, display: lab.name }] },
    subject: { identifier: { system: MRN_SYSTEM, value: mrnOf(patient) } },
    effectiveDateTime: effective,
    valueQuantity: { value, unit: lab.unit, system: 'http://unitsofmeasure.org', code: lab.unit },
  };
}

/** A batch of results [from, from + size) as an EHR pushes them. */
export function pushBundle(from: number, size: number, patients: number): Bundle {
  const entry: BundleEntry[] = [];
  for (let n = from; n < from + size; n++) entry.push({ resource: pushedResult(n, patients), request: { method: 'POST', url: 'Observation' } });
  return { resourceType: 'Bundle', type: 'batch', entry };
}

const hl7Time = (iso: string): string => iso.slice(0, 19).replace(/[-:T]/g, '') + '+0000';

/**
 * The message carrying results [10m, 10m + 10): one patient's ORU^R01 from the laboratory (facility
 * by OID), ten OBX in LOINC with the units as labs spell them (`g/dl`, `10^9/L` escaped, `mm/hr`).
 */
export function oruMessage(m: number, patients: number): string {
  const first = resultFacts(m * 10, patients);
  const obx: string[] = [];
  for (let k = 0; k < 10; k++) {
    const { lab, value, effective } = resultFacts(m * 10 + k, patients);
    const unit = lab.hl7Unit.replace('^', '\\S\\');
    obx.push(`OBX|${k + 1}|NM|${lab.code}^${lab.name}^LN|${k}|${value}|${unit}|${lab.low}-${lab.high}|N|||F|||${hl7Time(effective)}`);
  }
  return [
    `MSH|^~\\&|LIS|BENCHLAB^2.16.840.1.113883.3.9999.3^ISO|STROMA|STROMA|${hl7Time(first.effective)}||ORU^R01^ORU_R01|BENCH-${m}|P|2.5.1`,
    `PID|1||${mrnOf(first.patient)}^^^BENCH&${MRN_OID}&ISO^MR||Bench${first.patient}^Test`,
    `OBR|1|ORD-${m}|FIL-${m}|PANEL^Bench panel^L|||${hl7Time(first.effective)}`,
    ...obx,
  ].join('\r');
}
