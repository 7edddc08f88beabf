import { canonicalUnit } from '../../../../../src/store/postgres/indexing/ucum';

describe('canonicalUnit', () => {
  it('when units measure the same thing, then they share one base unit and convert to the same value', () => {
    expect([canonicalUnit('g/dL')?.unit, canonicalUnit('g/L')?.unit, canonicalUnit('mg/mL')?.unit]).toEqual(['g.m-3', 'g.m-3', 'g.m-3']);
    expect(canonicalUnit('g/dL')?.convert(13.5)).toBe(canonicalUnit('g/L')?.convert(135));
    expect(canonicalUnit('10*3/uL')?.convert(1)).toBe(canonicalUnit('10*9/L')?.convert(1));
  });

  it('when a unit is special, then values convert by its function, not a factor', () => {
    expect(canonicalUnit('Cel')?.convert(37)).toBe(310.15);
    expect(canonicalUnit('Cel')?.convert(0)).toBe(273.15);
    expect(canonicalUnit('[degF]')?.convert(32)).toBe(273.15);
  });

  it('when a code is unknown, arbitrary or annotated, then it has no canonical form', () => {
    for (const code of ['not-a-unit', '[iU]', '[iU]/L', '{cells}', '{cells}/kg', 'mL/min/{1.73_m2}', '']) {
      expect(canonicalUnit(code)).toBeUndefined();
    }
  });
});
