import type { AdverseEvent, Bundle, Extension, Group, MedicationAdministration, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import { demoBundle, DemoDesignError } from '../../../../src/trial/demo';
import { demoResources, seedTrials, subjectOf } from './demo-fixture';

const trials = seedTrials();
const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const GRADE_3_OR_MORE = new Set(['C41340', 'C41337', 'C48275']);
const TREATMENT_RELATED = new Set(['C53260', 'C53258']);

function extension(event: AdverseEvent, name: string): Extension | undefined {
  return event.extension?.find((e) => e.url === `${AE}${name}`);
}

function isTrsae(event: AdverseEvent): boolean {
  const grade = extension(event, 'ae-grade')?.valueCodeableConcept?.coding?.[0].code as string;
  const causality = extension(event, 'suspect-entity')?.extension?.find((e) => e.url === 'causality');
  const related = causality?.extension?.find((e) => e.url === 'entityRelatedness')?.valueCodeableConcept?.coding?.[0].code as string;
  return GRADE_3_OR_MORE.has(grade) && TREATMENT_RELATED.has(related);
}

/** A copy of a seed trial's Bundle with the study and enrollment Group changed: a trial the demo has never seen. */
function variant(nctId: string, change: (study: ResearchStudy, group: Group) => void): Bundle {
  const copy = structuredClone(trials.get(nctId) as Bundle);
  change(copy.entry?.[0].resource as ResearchStudy, copy.entry?.[1].resource as Group);
  return copy;
}

describe('demo safety data and the subject lifecycle', () => {
  test('when many seeds are generated, then some subject has a treatment-related grade >= 3 event and no infusion follows one', () => {
    let trsaes = 0;
    for (const bundle of [...trials.values()].flatMap((t) => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => demoBundle(t, seed)))) {
      const infusions = demoResources<MedicationAdministration>(bundle, 'MedicationAdministration');
      for (const event of demoResources<AdverseEvent>(bundle, 'AdverseEvent').filter(isTrsae)) {
        trsaes++;
        const later = infusions.filter((i) => subjectOf(i) === subjectOf(event) && (i.effectivePeriod?.start as string) > (event.date as string));
        expect(later).toEqual([]);
      }
    }
    expect(trsaes).toBeGreaterThan(0);
  });

  test('when an event is serious, then a hospitalization criterion is present, and only then', () => {
    for (const event of [...trials.values()].flatMap((t) => demoResources<AdverseEvent>(demoBundle(t, 6), 'AdverseEvent'))) {
      const serious = event.seriousness?.coding?.[0].code === 'serious';
      expect(extension(event, 'seriousness-criteria') !== undefined).toBe(serious);
    }
  });

  test('when the seed trials are generated, then subjects stand at different points of the lifecycle at the cut-off', () => {
    const statuses = new Set([...trials.values()].flatMap((t) => demoResources<ResearchSubject>(demoBundle(t, 6), 'ResearchSubject').map((s) => s.status)));
    expect(statuses.has('off-study')).toBe(true);
    expect(statuses.has('follow-up')).toBe(true);
    for (const subject of [...trials.values()].flatMap((t) => demoResources<ResearchSubject>(demoBundle(t, 6), 'ResearchSubject'))) {
      expect(subject.status === 'off-study').toBe(subject.period?.end !== undefined);
      expect(subject.actualArm).toBe(subject.assignedArm);
    }
  });

  test('when a fourth trial comes as a bundle (another NCT number, 12 planned), then the demo follows it without code of its own', () => {
    const bundle = demoBundle(
      variant('NCT04356287', (study, group) => {
        study.identifier = [{ system: 'https://clinicaltrials.gov', value: 'NCT09999999' }];
        group.quantity = 12;
      }),
      6,
    );
    const subjects = demoResources<ResearchSubject>(bundle, 'ResearchSubject');
    expect(subjects).toHaveLength(12);
    expect(subjects.every((s) => s.study.reference === 'ResearchStudy?identifier=https://clinicaltrials.gov|NCT09999999')).toBe(true);
  });

  test('when an arm that infuses cells has no dose-per-kg, then the generator refuses, naming the arm', () => {
    const trial = variant('NCT03562065', (study) => {
      delete study.arm?.[1].extension;
    });
    expect(() => demoBundle(trial, 6)).toThrow(DemoDesignError);
    expect(() => demoBundle(trial, 6)).toThrow(/mesenchymal stem cells, 2 x10\^6 cells\/kg/);
  });

  test('when the condition is neither systemic sclerosis nor lupus, then the generator refuses', () => {
    const trial = variant('NCT03562065', (study) => {
      study.condition = [{ text: 'Crohn disease' }];
    });
    expect(() => demoBundle(trial, 6)).toThrow(/systemic sclerosis and lupus/);
  });
});
