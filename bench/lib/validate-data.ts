import type { AdverseEvent, Bundle, Extension, Medication, MedicationAdministration, Observation, Resource } from '@medplum/fhirtypes';
import { gradeExtensions, LOINC, seededRandom } from './search-data';
import { BENCHED_PROFILES } from './validate-profiles';

/**
 * The bench:validate inputs: varied, realistic trial resources shaped by ../shared/design/DOMAIN.md,
 * drawn from a seeded PRNG so every run validates the same ones, and valid against the project's
 * profiles (BENCHED_PROFILES). One input in INVALID_EVERY carries one flaw, in turn: the kinds a
 * real client gets wrong (a status outside its value set, a value the profile forbids, a missing
 * required element, a date in the wrong format).
 */

export interface BenchInput {
  /** e.g. `Observation #17 (flaw: wrong status)`: how the verdict comparison names it. */
  label: string;
  flaw?: string;
  resource: Resource;
}

const INVALID_EVERY = 8;
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
const DOSE_PER_KG_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';
const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const MEDDRA = 'http://terminology.hl7.org/CodeSystem/mdr';
const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
/** AE outcomes: NCIt (DOMAIN.md) beside the R4 code its required binding asks for. */
const OUTCOMES = [
  { r4: 'recovering', ncit: 'C49496', display: 'Recovering or Resolving' },
  { r4: 'resolved', ncit: 'C49498', display: 'Recovered or Resolved' },
  { r4: 'ongoing', ncit: 'C49494', display: 'Not Recovered or Not Resolved' },
  { r4: 'resolvedWithSequelae', ncit: 'C49495', display: 'Recovered or Resolved with Sequelae' },
];
const SERIOUSNESS = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness';
const STUDIES = ['nct04356287', 'nct02213705', 'nct03562065'];
const MEDDRA_TERMS = [
  { code: '10028813', display: 'Nausea' },
  { code: '10016256', display: 'Fatigue' },
  { code: '10037660', display: 'Pyrexia' },
  { code: '10012735', display: 'Diarrhoea' },
  { code: '10019211', display: 'Headache' },
  { code: '10022086', display: 'Injection site pain' },
];

type Flaw<T> = { name: string; apply: (r: T) => void };
type Random = () => number;

/** `count` inputs of one kind, every INVALID_EVERY-th with the next flaw of `flaws`. */
function inputs<T extends Resource>(kind: string, count: number, seed: number, make: (i: number, random: Random) => T, flaws: Flaw<T>[]): BenchInput[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const resource = make(i, random);
    if (i % INVALID_EVERY !== INVALID_EVERY - 1) return { label: `${kind} #${i}`, resource };
    const flaw = flaws[Math.floor(i / INVALID_EVERY) % flaws.length];
    flaw.apply(resource);
    return { label: `${kind} #${i} (flaw: ${flaw.name})`, flaw: flaw.name, resource };
  });
}

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)];
const id = (prefix: string, random: Random) => `${prefix}-${Math.floor(random() * 1e9).toString(36)}`;

/** A date between 2019 and 2025, at day, second or offset precision (all three occur in real feeds). */
function dateTime(random: Random): string {
  const at = new Date(Date.UTC(2019, 0, 1) + Math.floor(random() * 6 * 365 * 86_400_000));
  const iso = at.toISOString();
  const form = Math.floor(random() * 3);
  return form === 0 ? iso.slice(0, 10) : form === 1 ? iso.replace(/\.\d{3}Z$/, 'Z') : `${iso.slice(0, 19)}+02:00`;
}

function studyExtension(random: Random) {
  return { url: STUDY_EXTENSION, valueReference: { reference: `ResearchStudy/${pick(STUDIES, random)}` } };
}

export function observations(count: number): BenchInput[] {
  return inputs<Observation>('Observation', count, 41, hemoglobin, [
    { name: 'wrong status', apply: (o) => ((o as { status: string }).status = 'bogus') },
    { name: 'value out of the profile range', apply: (o) => (o.valueQuantity = { value: 99, unit: 'g/dL', system: UCUM, code: 'g/dL' }) },
    { name: 'missing required element (code)', apply: (o) => delete (o as Partial<Observation>).code },
    { name: 'bad date format', apply: (o) => (o.effectiveDateTime = '12/03/2024') },
  ]);
}

function hemoglobin(i: number, random: Random): Observation {
  const gramsPerDeciliter = Math.round((8 + random() * 10) * 10) / 10;
  // One lab in five reports in g/L (DOMAIN.md: stored as received); the profile accepts both.
  const perLiter = i % 5 === 1;
  const observation: Observation = {
    resourceType: 'Observation',
    extension: [studyExtension(random)],
    status: pick(['final', 'final', 'amended', 'corrected', 'preliminary'] as const, random),
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }], text: 'Hemoglobin' },
    subject: { reference: `Patient/${id('pt', random)}` },
    effectiveDateTime: dateTime(random),
    valueQuantity: perLiter
      ? { value: Math.round(gramsPerDeciliter * 10), unit: 'g/L', system: UCUM, code: 'g/L' }
      : { value: gramsPerDeciliter, unit: 'g/dL', system: UCUM, code: 'g/dL' },
  };
  const value = gramsPerDeciliter;
  if (random() < 0.5) {
    const low = value < 12;
    observation.interpretation = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: low ? 'L' : 'N' }] },
    ];
    observation.referenceRange = [{ low: { value: 12, unit: 'g/dL', system: UCUM, code: 'g/dL' }, high: { value: 17.5, unit: 'g/dL', system: UCUM, code: 'g/dL' } }];
  }
  if (i % 5 === 0) observation.note = [{ text: 'Sample drawn before infusion' }];
  if (i % 3 === 0) observation.performer = [{ reference: `Practitioner/${id('pr', random)}` }];
  return observation;
}

export function medicationAdministrations(count: number): BenchInput[] {
  return inputs<MedicationAdministration>('MedicationAdministration', count, 42, infusion, [
    { name: 'wrong status', apply: (m) => ((m as { status: string }).status = 'given') },
    { name: 'dose out of the profile range', apply: (m) => m.dosage?.dose && (m.dosage.dose.value = 25_000_000_000) },
    { name: 'missing required element (subject)', apply: (m) => delete (m as Partial<MedicationAdministration>).subject },
    { name: 'bad date format', apply: (m) => (m.effectiveDateTime = '2024-13-45T10:00:00Z') },
  ]);
}

function infusion(i: number, random: Random): MedicationAdministration {
  const placebo = random() < 0.3;
  const weightKg = Math.round(50 + random() * 60);
  const perKg = pick([1_000_000, 2_000_000, 3_000_000, 4_000_000], random);
  const dosePerKg: Extension = { url: DOSE_PER_KG_URL, valueQuantity: { value: perKg, unit: 'cells/kg', system: UCUM, code: '{cells}/kg' } };
  return {
    resourceType: 'MedicationAdministration',
    contained: [product(placebo, i)],
    extension: [studyExtension(random)],
    status: pick(['completed', 'completed', 'in-progress', 'stopped'] as const, random),
    medicationReference: { reference: '#product' },
    subject: { reference: `Patient/${id('pt', random)}` },
    effectiveDateTime: dateTime(random),
    supportingInformation: [{ reference: `Observation/${id('weight', random)}`, display: `Body weight ${weightKg} kg` }],
    dosage: {
      // The profile: a cell infusion states its dose per kg, a placebo (0 cells) does not.
      ...(placebo ? {} : { extension: [dosePerKg] }),
      text: placebo ? 'Placebo, 50 mL PlasmaLyte A' : `${perKg / 1e6} x10^6 cells/kg in 50 mL PlasmaLyte A`,
      route: { coding: [{ system: SNOMED, code: '47625008', display: 'Intravenous route' }] },
      dose: { value: placebo ? 0 : perKg * weightKg, unit: 'cells', system: UCUM, code: '{cells}' },
    },
  };
}

/** The infused product with its lot and vehicle, contained as the project's infusion profile asks. */
function product(placebo: boolean, i: number): Medication {
  return {
    resourceType: 'Medication',
    id: 'product',
    meta: { profile: ['https://stroma-fhir.org/fhir/StructureDefinition/stroma-infusion-product'] },
    code: { text: placebo ? 'Placebo (PlasmaLyte A)' : 'UCMSC (umbilical cord-derived mesenchymal stromal cells)' },
    batch: { lotNumber: `LOT-${1000 + (i % 37)}` },
    amount: {
      numerator: { value: 50, unit: 'mL', system: UCUM, code: 'mL' },
      denominator: { value: 1, unit: 'bag', system: UCUM, code: '{bag}' },
    },
    ingredient: [
      ...(placebo ? [] : [{ itemCodeableConcept: { text: 'UCMSC' }, isActive: true }]),
      { itemCodeableConcept: { text: 'PlasmaLyte A' }, isActive: false },
    ],
  };
}

export function adverseEvents(count: number): BenchInput[] {
  return inputs<AdverseEvent>('AdverseEvent', count, 43, adverseEvent, [
    { name: 'wrong status (actuality)', apply: (a) => ((a as { actuality: string }).actuality = 'maybe') },
    { name: 'event not coded in MedDRA (profile invariant)', apply: (a) => a.event && (a.event.coding = [{ system: LOINC, code: '718-7' }]) },
    { name: 'missing required element (subject)', apply: (a) => delete (a as Partial<AdverseEvent>).subject },
    { name: 'bad date format', apply: (a) => (a.date = '2024-02-30T25:00') },
  ]);
}

function adverseEvent(i: number, random: Random): AdverseEvent {
  const grade = 1 + Math.floor(random() * random() * 5);
  const term = pick(MEDDRA_TERMS, random);
  const serious = grade >= 3;
  const outcome = pick(OUTCOMES, random);
  const extension = gradeExtensions(grade, serious);
  if (i % 4 === 0) {
    extension.push({
      url: `${AE_IG}suspect-entity`,
      extension: [
        { url: 'instance', valueReference: { reference: `MedicationAdministration/${id('inf', random)}` } },
        { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: pick(['C53256', 'C53257', 'C53258', 'C53260'], random) }] } }] },
      ],
    });
  }
  return {
    resourceType: 'AdverseEvent',
    extension,
    actuality: 'actual',
    event: { coding: [{ system: MEDDRA, ...term }], text: term.display },
    subject: { reference: `Patient/${id('pt', random)}` },
    date: dateTime(random),
    recordedDate: dateTime(random),
    seriousness: { coding: [{ system: SERIOUSNESS, code: serious ? 'serious' : 'non-serious' }] },
    outcome: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome', code: outcome.r4 },
        { system: NCIT, code: outcome.ncit, display: outcome.display },
      ],
    },
    study: [{ reference: `ResearchStudy/${pick(STUDIES, random)}` }],
  };
}

/**
 * A transaction Bundle of `size` entries: one Patient, then Observations whose subject is the
 * Patient's urn:uuid fullUrl, so reference checks across entries have work to do; `withProfile`:
 * each Observation names the hemoglobin profile in meta.profile, as a trial write is checked. All valid.
 */
export function observationTransaction(size: number, withProfile = false): Bundle {
  const random = seededRandom(44);
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  };
  const patientUrl = uuid();
  const entry: NonNullable<Bundle['entry']> = [
    {
      fullUrl: patientUrl,
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:oid:2.16.840.1.113883.3.9999.3', value: 'BENCH-VAL-1' }], gender: 'female', birthDate: '1971-04-02' },
      request: { method: 'POST', url: 'Patient' },
    },
  ];
  for (let i = 1; i < size; i++) {
    const observation = hemoglobin(i, random);
    observation.subject = { reference: patientUrl };
    if (withProfile) observation.meta = { profile: [BENCHED_PROFILES.Observation] };
    entry.push({ fullUrl: uuid(), resource: observation, request: { method: 'POST', url: 'Observation' } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
