import type { GroupCharacteristic } from '@medplum/fhirtypes';
import { CRITERION_TEXT_URL, thresholdCharacteristics } from '../../../../src/trial/ctgov/eligibility-thresholds';
import { ctgovToBundle } from '../../../../src/trial/ctgov/map-record';
import { unescapeMarkdown } from '../../../../src/trial/ctgov/record-reader';
import { errorsOf, groupOf, seedRecord } from './ctgov-fixture';

/** [exclude, code, comparator, value, UCUM unit]: one characteristic, compactly. */
type Row = [boolean, string, string, number, string];

function rowsOf(characteristics: GroupCharacteristic[]): Row[] {
  return characteristics.map((c) => [
    c.exclude as boolean,
    c.code?.coding?.[0].code as string,
    c.valueQuantity?.comparator as string,
    c.valueQuantity?.value as number,
    c.valueQuantity?.code as string,
  ]);
}

function criteriaOf(nctId: string): string {
  const record = seedRecord(nctId) as { protocolSection: { eligibilityModule: { eligibilityCriteria: string } } };
  return record.protocolSection.eligibilityModule.eligibilityCriteria;
}

const rowsFor = (text: string): Row[] => rowsOf(thresholdCharacteristics(text));
const inclusion = (line: string): string => `Inclusion Criteria:\n\n* ${line}\n`;
const exclusion = (line: string): string => `Exclusion Criteria:\n\n* ${line}\n`;

/**
 * Every threshold each seed record states simply, read by hand from its criteria. Left as text only:
 * - NCT04356287: mRSS > 20 / > 15 and ESR, hemoglobin, DLCO/FVC < 80% (inclusion 2: alternatives i or ii,
 *   a disease-duration window, "plus" an organ involvement); GFR between 30-89 (a range); Age < 18 (the age
 *   characteristic holds it); systolic PAP > 50 mmHg "or mean PAP > 25 (and wedge < 15)" (a mean PAP is not
 *   the table's measurement); "glomerular filtration rate < 30 ml/min" (eGFR is per 1.73 m2: the unit
 *   cannot be converted); ASAT/ALAT > 3 normal (relative to normal).
 * - NCT02213705: Age > 18 and < 70; "score of Rodnan > 15 and one or more of the major visceral lesions"
 *   (with a 6-month follow-up condition); DLCO < 60% or FVC <= 70% (inclusion alternatives, with ILD);
 *   PaO2 < 8 kPa / PaCO2 > 6.7 kPa "without oxygen therapy" (a measurement condition); creatinine
 *   clearance < 20 ml/mn/m2 (per body surface: not mL/min); "suspected pulmonary hypertension with
 *   systolic PAP at echography > 40 mmHg" (tied to a suspicion and a method); transaminases or bilirubin
 *   to 3 times normal.
 * - NCT03562065: Age; the treatment doses (prednisone >= 6 mg/day...: not measurements); AST, ALT > 2 x
 *   normal; mean PAP > 50, PaO2 < 70, PaCO2 > 50 "without oxygen".
 * The bone marrow cytopenias carry "due to / caused by another disease than SSc / SLE": the cause is
 * not computable, the thresholds are; criterion-text keeps the qualifier for the reader.
 */
const EXPECTED: Record<string, Row[]> = {
  NCT04356287: [
    [true, '19872-1', '<', 45, '%'],
    [true, '98130-8', '<', 30, '%'],
    [true, '10230-1', '<', 40, '%'],
    [true, '39156-5', '<', 18, 'kg/m2'],
    [true, '751-8', '<', 0.5, '10*9/L'],
    [true, '777-3', '<', 30, '10*9/L'],
    [true, '718-7', '<', 8, 'g/dL'],
    [true, '24467-3', '<', 200, '10*6/L'],
  ],
  NCT02213705: [
    [true, '8440-0', '>', 55, 'mm[Hg]'],
    [true, '98130-8', '<', 30, '%'],
    [true, '10230-1', '<', 35, '%'],
    [true, '751-8', '<', 0.5, '10*9/L'],
    [true, '777-3', '<', 50, '10*9/L'],
    [true, '718-7', '<', 8, 'g/dL'],
    [true, '24467-3', '<', 200, '10*6/L'],
  ],
  NCT03562065: [
    [false, 'selena-sledai', '>=', 6, '{score}'],
    [true, '2164-2', '<', 30, 'mL/min'],
    [true, '10230-1', '<', 40, '%'],
    [true, '751-8', '<', 0.5, '10*9/L'],
    [true, '777-3', '<', 30, '10*9/L'],
    [true, '718-7', '<', 8, 'g/dL'],
    [true, '24467-3', '<', 200, '10*6/L'],
  ],
};

describe('thresholdCharacteristics on the seed records', () => {
  test.each(Object.keys(EXPECTED))('when %s criteria are read, then exactly its simple thresholds come out', (nctId) => {
    expect(rowsFor(criteriaOf(nctId))).toEqual(EXPECTED[nctId]);
  });

  test.each(Object.keys(EXPECTED))('when %s is mapped, then each threshold carries the criterion line it came from', (nctId) => {
    const lines = unescapeMarkdown(criteriaOf(nctId)).split('\n').map((l) => l.trim());
    for (const c of thresholdCharacteristics(criteriaOf(nctId))) {
      expect(c.extension).toEqual([{ url: CRITERION_TEXT_URL, valueString: expect.any(String) }]);
      expect(lines).toContain(c.extension?.[0].valueString);
    }
  });

  test('when NCT04356287 FVC is read, then the characteristic is in the encoding issue 7 evaluates', () => {
    expect(thresholdCharacteristics(criteriaOf('NCT04356287'))[0]).toEqual({
      extension: [{ url: CRITERION_TEXT_URL, valueString: '* FVC < 45% and/or DLCO (corrected for hemoglobin) < 30% predicted;' }],
      code: { coding: [{ system: 'http://loinc.org', code: '19872-1' }], text: 'FVC % predicted' },
      valueQuantity: { comparator: '<', value: 45, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      exclude: true,
    });
  });

  test.each(Object.keys(EXPECTED))('when %s is mapped, then its Group has age then thresholds and still validates', (nctId) => {
    const group = groupOf(ctgovToBundle(seedRecord(nctId)));
    expect(group.characteristic?.[0].valueRange).toBeDefined();
    expect(rowsOf(group.characteristic?.slice(1) ?? [])).toEqual(EXPECTED[nctId]);
    expect(errorsOf(group)).toEqual([]);
  });
});

describe('thresholdCharacteristics on single lines', () => {
  test.each([
    ['mRSS > 15', [false, 'mrss', '>', 15, '{score}']],
    ['modified Rodnan skin score of at least 10', [false, 'mrss', '>=', 10, '{score}']],
    ['SLEDAI-2K ≥ 4 points', [false, 'selena-sledai', '>=', 4, '{score}']],
    ['hemoglobin greater than 9 g/dL', [false, '718-7', '>', 9, 'g/dL']],
    ['Haemoglobin >= 90 g/L', [false, '718-7', '>=', 9, 'g/dL']],
    ['eGFR ≥ 45 mL/min/1.73 m2', [false, '62238-1', '>=', 45, 'mL/min/{1.73_m2}']],
    ['ESR above 20 mm/h', [false, '4537-7', '>', 20, 'mm/h']],
    ['total bilirubin <= 1.5 mg/dL', [false, '1975-2', '<=', 1.5, 'mg/dL']],
  ])('when inclusion says "%s", then members have it', (line, row) => {
    expect(rowsFor(inclusion(line))).toEqual([row]);
  });

  test.each([
    ['platelets < 100,000/mm3', [true, '777-3', '<', 100, '10*9/L']],
    ['absolute neutrophil count less than 1500/µL', [true, '751-8', '<', 1.5, '10*9/L']],
    ['CD4 count below 350/mm3', [true, '24467-3', '<', 350, '10*6/L']],
    ['systolic PAP > 6 kPa', [true, '8440-0', '>', 45.004, 'mm[Hg]']],
  ])('when exclusion says "%s" in another unit, then UCUM converts it to the table unit', (line, row) => {
    const [[exclude, code, comparator, value, unit]] = rowsFor(exclusion(line));
    expect([exclude, code, comparator, unit]).toEqual([row[0], row[1], row[2], row[4]]);
    expect(value).toBeCloseTo(row[3] as number, 3);
  });

  test.each([
    // compound and conditional
    'mRSS > 20 within 2 years of onset with ESR > 25 mm/h or hemoglobin < 11 g/dL',
    'mRss >15 without any restriction as to disease duration plus at least one major organ involvement',
    'DLCO <60% or FVC ≤70% of the theoretical value and the presence of interstitial lung disease',
    'FVC < 70% or DLCO < 60%',
    'score of Rodnan> 15 and one or more of the major visceral lesions',
    'Age> 18 years and <70 years.',
    'Prednisone orally ≥ 6 mg / day (or equivalent) for at least 28 days.',
    // relative to a normal limit or a range
    'AST or ALT > 3 times the upper limit of normal',
    'bilirubin < 1.5 x ULN',
    'glomerular filtration rate between 30-89 mL/min',
    // units that are not the table's and cannot be converted safely
    'ESR > 25 mm',
    'hemoglobin > 6 mmol/L',
    'glomerular filtration rate > 30 ml/min',
    'FVC > 2.5 L',
  ])('when inclusion says "%s", then no characteristic is computed', (line) => {
    expect(rowsFor(inclusion(line))).toEqual([]);
  });

  test.each([
    'Hepatitis defined by abnormal levels of transaminases (AST, ALT> 2 x normal) not related to disease activity.',
    'Respiratory failure defined by oxygen arterial pressure at rest (PaO2) <8 kPa (<60 mmHg) and / or (PaCO2)> 6.7 kPa without oxygen therapy.',
    'mean pulmonary artery pressure > 25 mmHg (and pulmonary wedge pressure < 15 mmHg)',
    'suspected pulmonary hypertension with systolic PAP at echography > 40 mmHg',
    'Calculated creatinine clearance <20 ml/mn/m2',
    'FVC < 50% and interstitial lung disease on HRCT',
    'bilirubin > 34 umol/L',
  ])('when exclusion says "%s", then no characteristic is computed', (line) => {
    expect(rowsFor(exclusion(line))).toEqual([]);
  });

  test('when a threshold stands before any section heading, then it is not placed in either', () => {
    expect(rowsFor('Patients with mRSS > 15\n\nExclusion Criteria:\n\n* LVEF < 40%')).toEqual([[true, '10230-1', '<', 40, '%']]);
  });

  test('when one of an exclusion line\'s units is not the table\'s, then only that threshold is left out', () => {
    expect(rowsFor(exclusion('neutropenia < 0.5 x 10^9/L, anemia < 5 mmol/L'))).toEqual([[true, '751-8', '<', 0.5, '10*9/L']]);
  });
});
