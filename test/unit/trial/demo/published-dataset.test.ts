import { readFileSync } from 'node:fs';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { expectedPublishedDataset, PUBLISHED_DATASET_FILE, publishedTrial } from '../../../../scripts/demo/layout';
import { demoBundle, publishedBundle, publishedJson, quantile7 } from '../../../../src/trial/demo';
import { errorsOf } from '../ctgov/ctgov-fixture';
import { byFullUrl, demoKeyOf, trialProfileOf } from './demo-fixture';
import { calendarMonths, committedDataset, daysFrom, participants, suspectOf } from './published-fixture';

/**
 * bundles/demo/nct02213705-published.json against the figures published for NCT02213705 (seed 004,
 * Farge et al. 2022), counted on the resources themselves. The numbers are written out here, from the
 * abstract, rather than read from the generator's constants.
 */
const dataset = committedDataset();
const people = participants(dataset);
const STUDY = 'ResearchStudy?identifier=https://clinicaltrials.gov|NCT02213705';
const COHORT_1 = 'Cohort 1: 1 x10^6 MSC/kg';
const COHORT_2 = 'Cohort 2: 3 x10^6 MSC/kg';
const RELATED = 'C53260';
const MONTH = 365.25 / 12;

const months = (days: number): number => Math.round((days / MONTH) * 10) / 10;
const events = people.flatMap((p) => p.events.map((e) => ({ ...e, label: p.label, followUpDays: p.followUpDays })));

describe('the published-results dataset of NCT02213705', () => {
  test('when the generator runs on the trial bundle, then its output is the committed file, byte for byte (npm run demo:published)', () => {
    expect(readFileSync(PUBLISHED_DATASET_FILE, 'utf8')).toBe(publishedJson(publishedTrial()));
    expect(publishedJson(publishedTrial())).toBe(expectedPublishedDataset());
  });

  test('when it is read, then it is one transaction of PUTs keyed on demo identifiers, each key once, apart from npm run load:demo keys', () => {
    expect(dataset.type).toBe('transaction');
    const keys = (dataset.entry ?? []).map((e) => demoKeyOf(e.resource as Resource));
    expect(keys.every((k) => /^NCT02213705\/subject\/P\d{2}\//.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of dataset.entry ?? []) expect(entry.request?.method).toBe('PUT');
    const demoKeys = new Set((demoBundle(publishedTrial(), 20260601).entry ?? []).map((e) => demoKeyOf(e.resource as Resource)));
    expect(keys.filter((k) => demoKeys.has(k))).toEqual([]);
  });

  test('when it is read, then it holds 20 fictional participants, 13 women and 7 men, each tagged HTEST', () => {
    expect(people).toHaveLength(20);
    expect(people.filter((p) => p.patient.gender === 'female')).toHaveLength(13);
    expect(people.filter((p) => p.patient.gender === 'male')).toHaveLength(7);
    for (const p of people) expect(p.patient.name?.[0].family).toBe('Demo');
    for (const entry of dataset.entry ?? []) expect(entry.resource?.meta?.tag?.map((t) => t.code)).toEqual(['HTEST']);
  });

  test('when it is read, then the first ten are infused at 1 x10^6 cells/kg and the next ten at 3 x10^6, all between 2014-03-24 and 2020-01-06', () => {
    const byInfusion = [...people].sort((a, b) => (a.infusion.effectivePeriod?.start as string).localeCompare(b.infusion.effectivePeriod?.start as string));
    expect(byInfusion.map((p) => p.subject.assignedArm)).toEqual([...Array<string>(10).fill(COHORT_1), ...Array<string>(10).fill(COHORT_2)]);
    const days = byInfusion.map((p) => (p.infusion.effectivePeriod?.start as string).slice(0, 10));
    expect(days[0] >= '2014-03-24' && days[19] <= '2020-01-06').toBe(true);
    expect(byInfusion.map((p) => p.subject.period?.start).every((d) => (d as string) >= '2014-03-24' && (d as string) <= '2020-01-06')).toBe(true);
    for (const p of people) expect(p.subject.actualArm).toBe(p.subject.assignedArm);
  });

  test('when it is read, then every participant has one infusion: weight taken before it, dose per kg of the arm, total cells within 10 % of dose x weight', () => {
    for (const p of people) {
      const perKg = p.infusion.dosage?.extension?.find((e) => e.url.endsWith('/dose-per-kg'))?.valueQuantity?.value as number;
      expect(perKg).toBe(p.subject.assignedArm === COHORT_1 ? 1_000_000 : 3_000_000);
      const kg = p.weight.valueQuantity?.value as number;
      expect(p.weight.code?.coding?.[0].code).toBe('29463-7');
      expect(Date.parse(p.weight.effectiveDateTime as string)).toBeLessThan(Date.parse(p.infusion.effectivePeriod?.start as string));
      expect(Math.abs((p.infusion.dosage?.dose?.value as number) - perKg * kg)).toBeLessThanOrEqual(0.1 * perKg * kg);
      expect(byFullUrl(dataset, p.infusion.supportingInformation?.[0].reference)).toBe(p.weight);
      expect(p.infusion.extension).toContainEqual({ url: 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy', valueReference: { reference: STUDY } });
    }
  });

  test('when it is read, then three related events occur within 10 days in two participants: grade 1 flushing; grade 1 nausea and grade 2 asthenia; none serious', () => {
    const related = events.filter((e) => e.relatedness === RELATED);
    expect(related).toHaveLength(3);
    expect(related.every((e) => e.onsetDay >= 0 && e.onsetDay <= 10 && !e.serious && e.criteria.length === 0)).toBe(true);
    const byLabel = new Map<string, string[]>();
    for (const e of related) byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), `${e.term} ${e.meddra} grade ${e.grade}`]);
    expect([...byLabel.values()].map((v) => v.sort().join(', ')).sort()).toEqual([
      'Asthenia 10003549 grade 2, Nausea 10028813 grade 1',
      'Flushing 10016825 grade 1',
    ]);
  });

  test('when it is read, then 36 serious events, grade 3 or 4 and not treatment related, occur in 14 participants after day 10 and before the end of follow-up', () => {
    const serious = events.filter((e) => e.serious);
    expect(serious).toHaveLength(36);
    expect(new Set(serious.map((e) => e.label)).size).toBe(14);
    for (const e of serious) {
      expect(['C53256', 'C53257']).toContain(e.relatedness);
      expect([3, 4]).toContain(e.grade);
      expect(e.criteria).toEqual(['C83052']);
      expect(e.onsetDay).toBeGreaterThan(10);
      expect(e.onsetDay).toBeLessThan(e.followUpDays);
      expect(e.meddra).toMatch(/^100\d{5}$/);
    }
    expect(new Set(serious.map((e) => e.relatedness))).toEqual(new Set(['C53256', 'C53257']));
  });

  test('when it is read, then there is no other adverse event: 39 in all, none related after day 10, none related of grade 3 or more', () => {
    expect(events).toHaveLength(39);
    expect(events.filter((e) => e.relatedness === RELATED && e.onsetDay > 10)).toEqual([]);
    expect(events.filter((e) => ['C53258', RELATED].includes(e.relatedness) && e.grade >= 3)).toEqual([]);
  });

  test('when it is read, then every event names the study, the patient, the ResearchSubject and the infusion as suspect entity', () => {
    for (const p of people) {
      for (const { event } of p.events) {
        expect(event.study).toEqual([{ reference: STUDY }]);
        expect(byFullUrl(dataset, event.subject.reference)).toBe(p.patient);
        expect(byFullUrl(dataset, suspectOf(event))).toBe(p.infusion);
        const subjectRef = event.extension?.find((e) => e.url.endsWith('/research-subject-ref'))?.valueReference?.reference;
        expect(byFullUrl(dataset, subjectRef)).toBe(p.subject);
      }
    }
  });

  test('when follow-up runs from the infusion to ResearchSubject.period.end, then its median is 24.1 months and its IQR 20.8-24.5 (type 7)', () => {
    const days = people.map((p) => p.followUpDays).sort((a, b) => a - b);
    expect([0.25, 0.5, 0.75].map((q) => months(quantile7(days, q)))).toEqual([20.8, 24.1, 24.5]);
    // The same figures with a month of 365/12 days, and in calendar months from each infusion.
    expect([0.25, 0.5, 0.75].map((q) => Math.round((quantile7(days, q) / (365 / 12)) * 10) / 10)).toEqual([20.8, 24.1, 24.5]);
    const calendar = people.map((p) => calendarMonths(p.infusion.effectivePeriod?.start as string, p.subject.period?.end as string)).sort((a, b) => a - b);
    expect([0.25, 0.5, 0.75].map((q) => Math.round(quantile7(calendar, q) * 10) / 10)).toEqual([20.8, 24.1, 24.5]);
    for (const p of people) expect(p.subject.status).toBe('off-study');
    expect(people.every((p) => daysFrom(p.subject.period?.start as string, p.infusion.effectivePeriod?.start as string) > 0)).toBe(true);
  });

  test('when the quantile is computed, then it interpolates linearly between order statistics (R type 7)', () => {
    expect(quantile7([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile7([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile7([0, 10], 0.75)).toBe(7.5);
  });

  test('when it is read, then every resource is valid R4 and meets the trial profile the server applies to it', () => {
    const failures: string[] = [];
    for (const resource of (dataset.entry ?? []).map((e) => e.resource as Resource)) {
      const profile = trialProfileOf(resource);
      const errors = [...errorsOf(resource), ...(profile ? errorsOf(resource, [profile]) : [])];
      if (errors.length > 0) failures.push(`${demoKeyOf(resource)}: ${errors.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  test("when it is asked for another trial, then it refuses: the figures are NCT02213705's own", () => {
    const other = JSON.parse(JSON.stringify(publishedTrial()).replace(/NCT02213705/g, 'NCT09999999')) as Bundle;
    expect(() => publishedBundle(other)).toThrow(/NCT02213705/);
  });
});
