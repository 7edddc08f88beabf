import { sri4, type LupusAssessment } from '../../../../src/trial/measures/sri4';

const organs = (grades: string): Record<string, string> => Object.fromEntries([...grades].map((g, i) => [`bilag-organ-${i}`, g]));
const inclusion: LupusAssessment = { sledai: 10, bilag: organs('bcdde'), physicianGlobal: 1.5 };

describe('the SRI-4 response of seed 003', () => {
  it('when SELENA-SLEDAI falls by exactly 4 with nothing else worse, then the subject responds; by 3, it does not', () => {
    expect(sri4(inclusion, { ...inclusion, sledai: 6 })).toBe('responder');
    expect(sri4(inclusion, { ...inclusion, sledai: 7 })).toBe('non-responder');
  });

  it('when an organ becomes BILAG A, then the subject does not respond, even if SLEDAI fell', () => {
    expect(sri4(inclusion, { ...inclusion, sledai: 2, bilag: organs('acdde') })).toBe('non-responder');
  });

  it('when one organ becomes B it still responds; when two do, it does not; an organ staying B is not new', () => {
    expect(sri4(inclusion, { ...inclusion, sledai: 2, bilag: organs('bbdde') })).toBe('responder');
    expect(sri4(inclusion, { ...inclusion, sledai: 2, bilag: organs('bbbde') })).toBe('non-responder');
  });

  it("when the physician's global assessment rises at all, then it is a worsening; staying equal is not", () => {
    expect(sri4(inclusion, { ...inclusion, sledai: 2, physicianGlobal: 1.6 })).toBe('non-responder');
    expect(sri4(inclusion, { ...inclusion, sledai: 2, physicianGlobal: 1.5 })).toBe('responder');
  });

  it('when any value is missing at inclusion or at the visit, then the response is missing, not a non-response', () => {
    expect(sri4(inclusion, { ...inclusion, sledai: undefined })).toBe('missing');
    expect(sri4({ ...inclusion, physicianGlobal: undefined }, { ...inclusion, sledai: 2 })).toBe('missing');
    expect(sri4(inclusion, { sledai: 2, physicianGlobal: 1 })).toBe('missing');
    expect(sri4({ ...inclusion, bilag: { 'bilag-organ-0': 'b' } }, { ...inclusion, sledai: 2 })).toBe('missing');
  });
});
