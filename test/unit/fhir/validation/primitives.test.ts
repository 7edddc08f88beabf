import { checkPrimitive } from '../../../../src/fhir/validation/primitives';

/** R4 datatypes.html: each primitive's JSON type and lexical rule, one valid and one invalid value each. */
const cases: [type: string, valid: unknown, invalid: unknown][] = [
  ['boolean', true, 'true'],
  ['integer', -5, 2147483648],
  ['integer', 0, 1.5],
  ['positiveInt', 1, 0],
  ['unsignedInt', 0, -1],
  ['decimal', 1.25, '1.25'],
  ['date', '2024-02', '2024-13'],
  ['date', '2024-02-29', '24-02-29'],
  ['dateTime', '2024-02-29T10:00:00+01:00', '2024-02-29T10:00:00'],
  ['dateTime', '2024', '2024-02-29T25:00:00Z'],
  ['instant', '2024-02-29T10:00:00.123Z', '2024-02-29'],
  ['time', '23:59:59', '24:00:00'],
  ['id', 'abc-1.2', 'abc_1'],
  ['code', 'final', ' final'],
  ['code', 'two words', 'two  spaces'],
  ['uri', 'urn:uuid:1', 'has space'],
  ['url', 'http://example.org/x', 'http://example.org/a b'],
  ['canonical', 'http://example.org/sd|1.0', 'a b'],
  ['oid', 'urn:oid:1.2.840.10008', 'urn:oid:1.02'],
  ['uuid', 'urn:uuid:a5afddf4-e880-459b-876e-e4591b0acc11', 'urn:uuid:xyz'],
  ['base64Binary', 'aGVsbG8=', '%%%2@()()'],
  ['string', 'text', ''],
  ['markdown', '**bold**', 3],
];

describe('R4 primitive formats', () => {
  it.each(cases)('%s accepts %p', (type, valid) => {
    expect(checkPrimitive(type, valid)).toBeUndefined();
  });

  it.each(cases.map(([t, , i]) => [t, i] as const))('%s refuses %p', (type, invalid) => {
    expect(checkPrimitive(type, invalid)).toEqual(expect.any(String));
  });

  it('says why a dateTime with a time and no zone is invalid, as the Java validator does', () => {
    expect(checkPrimitive('dateTime', '2024-02-29T10:00:00')).toBe('If a date has a time, it must have a timezone');
  });
});
