import { doseLabel, dosesPerKg } from '../../../../src/trial/ctgov/doses';

describe('doses per kg from free text', () => {
  test.each([
    ['Each experimental infusion will consist of 1 million UCMSC/kg suspended in 50 ml', [1e6]],
    ['at doses of:\n\n* 1.10^6 CSM / kg\n* 2.10^6 CSM / kg\n* 4.10^6 CSM / kg 1 injection', [1e6, 2e6, 4e6]],
    ['first ten 1 x10^6 cells/kg, next ten 3 x 10^6 cells/kg', [1e6, 3e6]],
    ['2.5 x10^6/kg', [2.5e6]],
    ['a total of 100 x10^6 cells', []],
    ['50 ml of PlasmaLyte A', []],
  ])('when the text is %j, then the doses are %j', (text, doses) => {
    expect(dosesPerKg(text)).toEqual(doses);
  });

  test('when a dose is labelled, then it reads as DOMAIN.md writes it', () => {
    expect(doseLabel(1e6)).toBe('1 x10^6 cells/kg');
    expect(doseLabel(2.5e6)).toBe('2.5 x10^6 cells/kg');
  });
});
