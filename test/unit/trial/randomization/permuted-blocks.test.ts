import type { ResearchStudy } from '@medplum/fhirtypes';
import { blockSequence } from '../../../../src/trial/randomization/permuted-blocks';
import { readScheme, type RandomizationScheme, SchemeError } from '../../../../src/trial/randomization/scheme';
import { seedTrials } from '../demo/demo-fixture';

const SECRET = Buffer.from('a fixed test secret, not the server one');
const studyOf = (nctId: string): ResearchStudy =>
  seedTrials().get(nctId)?.entry?.find((e) => e.resource?.resourceType === 'ResearchStudy')?.resource as ResearchStudy;
const count = (arms: string[]) => arms.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<string, number>());

describe('the randomization scheme of a study', () => {
  test('when NCT04356287 is read, then it is 3 blocks of 6 at 2:2:2 over its three arms, staggered by one month', () => {
    expect(readScheme(studyOf('NCT04356287'))).toEqual({
      blockSize: 6,
      blockCount: 3,
      staggerInterval: { value: 1, unit: 'mo' },
      weights: [
        { arm: 'Placebo infusions', weight: 2 },
        { arm: 'One infusion of UCMSC', weight: 2 },
        { arm: 'Two infusions of UCMSC', weight: 2 },
      ],
    });
  });

  test('when a study states none (NCT02213705, open-label dose escalation), then there is none', () => {
    expect(readScheme(studyOf('NCT02213705'))).toBeUndefined();
  });

  test('when the weights do not fill a block, or weight an arm the study lacks, then the scheme is refused with why', () => {
    const study = studyOf('NCT04356287');
    const scheme = study.extension?.find((e) => e.url.endsWith('/randomization-scheme'));
    const withBlock = (size: number): ResearchStudy => ({
      ...study,
      extension: [{ ...scheme, url: scheme?.url as string, extension: scheme?.extension?.map((e) => (e.url === 'blockSize' ? { url: 'blockSize', valuePositiveInt: size } : e)) }],
    });
    expect(() => readScheme(withBlock(8))).toThrow(new SchemeError('the arm weights of the randomization scheme add up to 6, not to its block size 8'));
    const renamed = { ...study, arm: study.arm?.map((a, i) => (i === 0 ? { ...a, name: 'Renamed' } : a)) };
    expect(() => readScheme(renamed)).toThrow(SchemeError);
  });
});

describe('permuted blocks', () => {
  const scheme = readScheme(studyOf('NCT04356287')) as RandomizationScheme;

  test('when any block is drawn, then it holds each arm exactly its weight (2:2:2)', () => {
    for (let block = 0; block < 200; block++) {
      expect([...count(blockSequence(SECRET, 'study-1', scheme, block)).values()]).toEqual([2, 2, 2]);
    }
  });

  test('when drawn again with the same secret, then the sequence is the same; another secret, study or block gives another', () => {
    const first = blockSequence(SECRET, 'study-1', scheme, 0);
    expect(blockSequence(SECRET, 'study-1', scheme, 0)).toEqual(first);
    const others = [
      ...Array.from({ length: 20 }, (_, i) => blockSequence(Buffer.from(`other secret ${i}`), 'study-1', scheme, 0)),
      ...Array.from({ length: 20 }, (_, i) => blockSequence(SECRET, `study-${i + 2}`, scheme, 0)),
      ...Array.from({ length: 20 }, (_, i) => blockSequence(SECRET, 'study-1', scheme, i + 1)),
    ];
    // 90 orders are possible: sixty draws that all matched the first would mean the inputs are ignored.
    expect(others.filter((o) => JSON.stringify(o) !== JSON.stringify(first)).length).toBeGreaterThan(50);
  });

  test('when 3,000 blocks are drawn, then each arm takes each position about equally often (a broken shuffle would skew it)', () => {
    const positions = Array.from({ length: 6 }, () => new Map<string, number>());
    for (let block = 0; block < 3000; block++) {
      blockSequence(SECRET, 'study-1', scheme, block).forEach((arm, i) => positions[i].set(arm, (positions[i].get(arm) ?? 0) + 1));
    }
    // Expected 1,000 per arm and position; the bounds are some 5 standard deviations (sd about 26).
    for (const position of positions) for (const n of position.values()) expect(Math.abs(n - 1000)).toBeLessThan(130);
  });
});
