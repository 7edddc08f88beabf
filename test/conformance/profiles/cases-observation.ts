import type { Observation } from '@medplum/fhirtypes';
import { breaking, type ProfileCase } from './profile-case';

/**
 * Every Observation profile's constraints, each broken once on its synthetic example: the code, the
 * unit and the plausible range of each measurement, and the common parent's subject and time.
 */
interface QuantityProfile {
  /** The example's id: synthetic-<name>. */
  name: string;
  /** A value outside the plausible range, in the example's unit. */
  implausible: number;
  /** The range (and, for labs, unit) invariant. */
  invariant: string;
  /** Labs accept several units and check the unit in the invariant; the others fix one code. */
  unitRule: 'fixed' | 'invariant';
  /** Another profile's code, which this profile must refuse. */
  otherCode?: { system: string; code: string };
}

const LOINC = 'http://loinc.org';
const QUANTITIES: QuantityProfile[] = [
  { name: 'mrss', implausible: 52, invariant: 'stroma-mrss-range', unitRule: 'fixed' },
  { name: 'esr', implausible: 250, invariant: 'stroma-esr-range', unitRule: 'fixed' },
  { name: 'hemoglobin', implausible: 30, invariant: 'stroma-hemoglobin-range', unitRule: 'invariant' },
  { name: 'dlco-percent', implausible: 250, invariant: 'stroma-percent-predicted-range', unitRule: 'fixed' },
  { name: 'fvc-percent', implausible: -1, invariant: 'stroma-percent-predicted-range', unitRule: 'fixed' },
  { name: 'egfr', implausible: 260, invariant: 'stroma-egfr-range', unitRule: 'fixed', otherCode: { system: LOINC, code: '2164-2' } },
  { name: 'creatinine-clearance', implausible: 400, invariant: 'stroma-creatinine-clearance-range', unitRule: 'fixed', otherCode: { system: LOINC, code: '62238-1' } },
  { name: 'lvef', implausible: 101, invariant: 'stroma-lvef-range', unitRule: 'fixed' },
  { name: 'pasp', implausible: 250, invariant: 'stroma-pasp-range', unitRule: 'fixed' },
  { name: 'ast', implausible: 25000, invariant: 'stroma-aminotransferase-range', unitRule: 'fixed' },
  { name: 'alt', implausible: -3, invariant: 'stroma-aminotransferase-range', unitRule: 'fixed' },
  { name: 'bilirubin', implausible: 60, invariant: 'stroma-bilirubin-range', unitRule: 'invariant' },
  { name: 'neutrophils', implausible: 150, invariant: 'stroma-neutrophils-range', unitRule: 'invariant' },
  { name: 'platelets', implausible: 2500, invariant: 'stroma-platelets-range', unitRule: 'invariant' },
  { name: 'cd4', implausible: 6000, invariant: 'stroma-cd4-range', unitRule: 'invariant' },
  { name: 'weight-1', implausible: 12, invariant: 'stroma-body-weight-range', unitRule: 'fixed' },
  { name: 'bmi', implausible: 120, invariant: 'stroma-bmi-range', unitRule: 'fixed' },
  { name: 'pao2', implausible: 900, invariant: 'stroma-pao2-range', unitRule: 'fixed' },
  { name: 'paco2', implausible: 210, invariant: 'stroma-paco2-range', unitRule: 'fixed' },
  { name: 'selena-sledai', implausible: 106, invariant: 'stroma-selena-sledai-range', unitRule: 'fixed' },
  { name: 'bilag-total', implausible: 73, invariant: 'stroma-bilag-total-range', unitRule: 'fixed' },
  { name: 'physician-global', implausible: 3.5, invariant: 'stroma-physician-global-range', unitRule: 'fixed' },
  { name: 'sf36-pf', implausible: 101, invariant: 'stroma-sf36-range', unitRule: 'fixed', otherCode: { system: 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments', code: 'mrss' } },
  { name: 'eq5d-index', implausible: -1.2, invariant: 'stroma-eq5d-index-range', unitRule: 'fixed' },
  { name: 'eq5d-vas', implausible: 101, invariant: 'stroma-eq5d-vas-range', unitRule: 'fixed' },
  { name: 'ana-titer', implausible: 0, invariant: 'stroma-ana-titer-range', unitRule: 'fixed' },
];

const observation = (example: string, name: string, breakIt: (r: Observation) => void, expression: string, finding: string): ProfileCase =>
  breaking<Observation>(`Observation-synthetic-${example}`, name, breakIt, expression, finding);

function quantityCases(p: QuantityProfile): ProfileCase[] {
  const other = p.otherCode ?? { system: LOINC, code: '8310-5' };
  const codeFinding = p.otherCode ? 'is not in the value set' : 'pattern';
  return [
    observation(p.name, `${p.name}: another measurement's code`, (r) => (r.code = { coding: [other] }), 'Observation.code', codeFinding),
    observation(p.name, `${p.name}: an implausible value`, (r) => (r.valueQuantity!.value = p.implausible), 'Observation', p.invariant),
    p.unitRule === 'fixed'
      ? observation(p.name, `${p.name}: another unit`, (r) => (r.valueQuantity!.code = 'kPa'), 'Observation.value.ofType(Quantity).code', 'Value is')
      : observation(p.name, `${p.name}: a unit the range does not know`, (r) => (r.valueQuantity!.code = 'kPa'), 'Observation', p.invariant),
    observation(p.name, `${p.name}: a unit outside UCUM`, (r) => (r.valueQuantity!.system = 'http://example.org/units'), 'Observation.value.ofType(Quantity).system', 'http://unitsofmeasure.org'),
  ];
}

const WHOLE_NUMBER_SCORES = [
  observation('mrss', 'mrss: a fractional score', (r) => (r.valueQuantity!.value = 12.5), 'Observation', 'stroma-mrss-range'),
  observation('selena-sledai', 'selena-sledai: a fractional score', (r) => (r.valueQuantity!.value = 6.5), 'Observation', 'stroma-selena-sledai-range'),
  observation('bilag-total', 'bilag-total: a fractional score', (r) => (r.valueQuantity!.value = 9.5), 'Observation', 'stroma-bilag-total-range'),
];

const COMMON_PARENT = [
  observation('esr', 'no subject', (r) => delete r.subject, 'Observation', 'Observation.subject: minimum required'),
  observation('esr', 'a subject that is a Group', (r) => (r.subject = { reference: 'Group/g' }), 'Observation.subject', 'is not a valid Target'),
  observation('esr', 'no effective time', (r) => delete r.effectiveDateTime, 'Observation', 'Observation.effective[x]: minimum required'),
  observation('esr', 'an effective instant', (r) => {
    r.effectiveInstant = r.effectiveDateTime;
    delete r.effectiveDateTime;
  }, 'Observation', 'The type of element effectiveInstant is not known'),
  observation('esr', 'a value that is not a Quantity', (r) => {
    r.valueString = '32 mm/h';
    delete r.valueQuantity;
  }, 'Observation', 'The type of element valueString is not known'),
  observation('esr', 'a quantity without number', (r) => delete r.valueQuantity!.value, 'Observation.value.ofType(Quantity)', 'Observation.value[x].value: minimum required'),
  observation('weight-1', 'two study links', (r) => r.extension!.push(r.extension![0]), 'Observation', 'Observation.extension:study: max allowed = 1, but found 2'),
];

const CODED = [
  observation('pregnancy-test', 'pregnancy test: another code', (r) => (r.code = { coding: [{ system: LOINC, code: '718-7' }] }), 'Observation.code', 'pregnancy-test-codes'),
  observation('pregnancy-test', 'pregnancy test: a result outside positive/negative', (r) => (r.valueCodeableConcept = { coding: [{ system: 'http://snomed.info/sct', code: '373066001' }] }), 'Observation.value.ofType(CodeableConcept)', 'qualitative-results'),
  observation('pregnancy-test', 'pregnancy test: a quantity result', (r) => {
    r.valueQuantity = { value: 1 };
    delete r.valueCodeableConcept;
  }, 'Observation', 'The type of element valueQuantity is not known'),
  observation('ana-presence', 'ANA presence: another code', (r) => (r.code = { coding: [{ system: LOINC, code: '5048-4' }] }), 'Observation.code', 'pattern'),
  observation('ana-presence', 'ANA presence: a result outside positive/negative', (r) => (r.valueCodeableConcept = { coding: [{ system: 'http://snomed.info/sct', code: '373066001' }] }), 'Observation.value.ofType(CodeableConcept)', 'qualitative-results'),
  observation('bilag-organ', 'BILAG organs: another code', (r) => (r.code = { coding: [{ system: 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments', code: 'bilag-total' }] }), 'Observation.code', 'pattern'),
  observation('bilag-organ', 'BILAG organs: a value on the observation', (r) => (r.valueString = 'A'), 'Observation', 'Observation.value[x]: max allowed = 0'),
  observation('bilag-organ', 'BILAG organs: no organ', (r) => delete r.component, 'Observation', 'Observation.component: minimum required'),
  observation('bilag-organ', 'BILAG organs: an organ outside BILAG', (r) => (r.component![0].code.coding![0].code = 'bilag-skin'), 'Observation.component[0].code', 'bilag-organ-systems'),
  observation('bilag-organ', 'BILAG organs: a grade outside A-E', (r) => (r.component![0].valueCodeableConcept!.coding![0].code = 'bilag-f'), 'Observation.component[0].value.ofType(CodeableConcept)', 'bilag-grades'),
  observation('bilag-organ', 'BILAG organs: an organ without grade', (r) => delete r.component![0].valueCodeableConcept, 'Observation.component[0]', 'Observation.component.value[x]: minimum required'),
  observation('bilag-organ', 'BILAG organs: an organ graded twice', (r) => (r.component![1].code = r.component![0].code), 'Observation', 'stroma-bilag-organs-once'),
];

export const OBSERVATION_CASES: ProfileCase[] = [...QUANTITIES.flatMap(quantityCases), ...WHOLE_NUMBER_SCORES, ...COMMON_PARENT, ...CODED];
