import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Group, ResearchStudy } from '@medplum/fhirtypes';
import { trialBundle } from '../../../../src/trial/ctgov/supplement';
import { readCriteria } from '../../../../src/trial/eligibility/criteria';
import { seedGroup } from './seed-groups';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(path.join(ROOT, ...parts), 'utf8'));

describe('reading the criteria of an enrollment Group', () => {
  test('when NCT04356287 is read, then the severe-disease characteristics are one criterion of three alternatives, and the rest one each', () => {
    const criteria = readCriteria(seedGroup('NCT04356287'));
    const severe = criteria.filter((c) => c.group === 'severe-disease');
    expect(severe).toHaveLength(1);
    expect(severe[0].exclude).toBe(false);
    expect(severe[0].alternatives.map((a) => [a.label, a.conditions.map((c) => c.kind)])).toEqual([
      ['i-esr', ['not-computable', 'observation', 'observation']],
      ['i-hemoglobin', ['not-computable', 'observation', 'observation']],
      ['ii', ['observation', 'not-computable']],
    ]);
    const plain = criteria.filter((c) => c.group === undefined);
    expect(plain.map((c) => c.alternatives[0].conditions[0].characteristic.code?.coding?.[0].code)).toEqual([
      '424144002', '19872-1', '98130-8', '10230-1', '39156-5', '751-8', '777-3', '718-7', '24467-3', '62238-1', '1920-8', '1742-6',
    ]);
  });

  test('when a plain characteristic has no criterion text, then its text is built from its code and value', () => {
    const age = readCriteria(seedGroup('NCT03562065'))[0];
    expect(age.text).toBe('Age 18 to 70 years');
  });
});

describe('group characteristics from a supplement', () => {
  const record = readJson('bundles', 'ctgov', 'NCT04356287.json');
  const supplement = readJson('bundles', 'supplements', 'NCT04356287.json') as Parameters<typeof trialBundle>[1] & object;

  test('when the supplement has groupCharacteristics, then they follow the imported ones in the enrollment Group', () => {
    const bundle = trialBundle(record, supplement);
    const study = bundle.entry?.[0].resource as ResearchStudy;
    const group = bundle.entry?.find((e) => e.fullUrl === study.enrollment?.[0].reference)?.resource as Group;
    const imported = (trialBundle(record).entry ?? []).find((e) => e.resource?.resourceType === 'Group')?.resource as Group;
    expect(group.characteristic).toEqual([...(imported.characteristic ?? []), ...(supplement.groupCharacteristics ?? [])]);
  });
});
