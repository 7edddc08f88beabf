import { readResult } from '../../../../src/sync/hl7v2/obx-result';
import { Hl7StructureError, readOru } from '../../../../src/sync/hl7v2/oru-message';

const lines = (...segments: string[]) => segments.join('\r');
const MSH = (facility: string, controlId: string, time = '20240301093000-0500', type = 'ORU^R01^ORU_R01') => `MSH|^~\\&|LAB|${facility}|STROMA|STROMA|${time}||${type}|${controlId}|P|2.5.1`;
const PID = 'PID|1||MRN123^^^JGH&2.16.840.1.113883.3.1&ISO^MR~555-11-2222^^^SSA^SS||Doe^Jane';
const OBR = 'OBR|1|ORD1|ACC77|CBC^Complete blood count^L|||20240301083000-0500';

/** Sender 1 (a LOINC-coding lab with UCUM-ish units and zones on every time). */
const loincLab = lines(
  MSH('JGH^2.16.840.1.113883.3.1^ISO', 'JGH-0001'),
  PID,
  OBR,
  'OBX|1|NM|718-7^Hemoglobin^LN||12.5|g/dl|12.0-16.0|N|||F|||20240301083000-0500',
  'OBX|2|NM|751-8^Neutrophils^LN||0.4|10\\S\\9/L|1.5-7.5|LL|||F', // 10^9/L, its caret escaped
  'OBX|3|SN|1920-8^AST^LN||<^5|U/L|<40||||F',
);

/** Sender 2 (local codes, a time without zone, a corrected result and an ESR in mm/hr). */
const localLab = lines(
  MSH('CHUM', 'CHUM-77', '20240302101500+0100'),
  'PID|1||4455^^^CHUM^MR',
  'OBR|1||F-9|PANEL^Panel^L|||202403020930',
  'OBX|1|NM|HGB^Hemoglobine^99CHUM||118|g/L|120-160|L|||C',
  'OBX|2|NM|VS^Vitesse de sedimentation^99CHUM||32|mm/hr|0-20|H|||F',
  'OBX|3|CWE|PREG^Pregnancy test^99CHUM||260385009^Negative^SCT||||||F',
  'OBX|4|ST|COMMENT^Comment^99CHUM||hemolysed sample||||||X',
);

describe('ORU^R01 messages', () => {
  it('when a LOINC-coding lab sends a CBC, then the header, the patient identifiers and each OBX are read', () => {
    const oru = readOru(loincLab);
    expect([oru.controlId, oru.facility, oru.application, oru.senderOffset]).toEqual(['JGH-0001', { namespace: 'JGH', universalId: '2.16.840.1.113883.3.1' }, 'LAB', '-0500']);
    expect(oru.patientIds).toEqual([
      { value: 'MRN123', authority: 'JGH', authorityId: '2.16.840.1.113883.3.1', authorityIdType: 'ISO', type: 'MR' },
      { value: '555-11-2222', authority: 'SSA', authorityId: '', authorityIdType: '', type: 'SS' },
    ]);
    const [hb, neutrophils, ast] = oru.results.map((r) => readResult(r, oru.senderOffset));
    expect(hb).toMatchObject({
      code: { code: '718-7', display: 'Hemoglobin', codingSystem: 'LN' },
      orderNumber: 'ACC77',
      value: { valueQuantity: { value: 12.5, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' } },
      referenceRange: [{ low: { value: 12, code: 'g/dL' }, high: { value: 16, code: 'g/dL' } }],
      interpretation: [{ coding: [{ code: 'N' }] }],
      status: 'final',
      effectiveDateTime: '2024-03-01T08:30:00-05:00',
    });
    // No OBX-14: OBR-7's time.
    expect(neutrophils).toMatchObject({ value: { valueQuantity: { value: 0.4, code: '10*9/L' } }, interpretation: [{ coding: [{ code: 'LL' }] }], effectiveDateTime: '2024-03-01T08:30:00-05:00' });
    expect(ast.value).toEqual({ valueQuantity: { value: 5, comparator: '<', unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } });
    expect(ast.referenceRange).toEqual([{ high: { value: 40, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } }]);
  });

  it('when a lab sends local codes, a corrected result, odd units and a time without zone, then each is read in FHIR terms, the zone from MSH-7', () => {
    const oru = readOru(localLab.replace(/\r/g, '\n'));
    const [hb, esr, pregnancy, comment] = oru.results.map((r) => readResult(r, oru.senderOffset));
    expect(hb).toMatchObject({ code: { code: 'HGB', codingSystem: '99CHUM' }, status: 'corrected', value: { valueQuantity: { value: 118, code: 'g/L' } }, effectiveDateTime: '2024-03-02T09:30:00+01:00' });
    expect(esr.value.valueQuantity).toMatchObject({ value: 32, code: 'mm/h' });
    expect(pregnancy.value).toEqual({ valueCodeableConcept: { coding: [{ code: '260385009', system: 'http://snomed.info/sct' }], text: 'Negative' } });
    expect([comment.status, comment.value]).toEqual(['cancelled', {}]);
  });

  it('when a structured numeric is a range or a ratio, then it is a Range or a Ratio', () => {
    const oru = readOru(lines(MSH('X', '1'), PID, OBR, 'OBX|1|SN|5048-4^ANA titer^LN||^1^:^320||||||F', 'OBX|2|SN|X^Y^L||^10^-^20|mg/dl|||||F'));
    const [titer, range] = oru.results.map((r) => readResult(r, oru.senderOffset));
    expect(titer.value).toEqual({ valueRatio: { numerator: { value: 1 }, denominator: { value: 320 } } });
    expect(range.value.valueRange).toMatchObject({ low: { value: 10, code: 'mg/dL' }, high: { value: 20, code: 'mg/dL' } });
  });

  const refusal = (text: string, fallback?: string): Hl7StructureError => {
    try {
      const oru = readOru(text);
      oru.results.forEach((r) => readResult(r, fallback ?? oru.senderOffset));
    } catch (error) {
      if (error instanceof Hl7StructureError) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('when segments are out of order or missing, then the error names the segment, its sequence and the HL7 error code', () => {
    expect(refusal(lines(MSH('X', '1'), PID, 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F', OBR))).toMatchObject({ location: { segment: 'OBX', sequence: 1 }, code: '100' });
    expect(refusal(lines(MSH('X', '1'), OBR, 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F'))).toMatchObject({ location: { segment: 'PID' }, code: '100' });
    expect(refusal(lines(PID, OBR))).toMatchObject({ location: { segment: 'MSH' }, code: '100' });
    expect(refusal(lines(MSH('X', '1', undefined, 'ADT^A01'), PID, OBR))).toMatchObject({ location: { segment: 'MSH', field: 9 }, code: '200' });
    expect(refusal(lines(MSH('X', ''), PID, OBR))).toMatchObject({ location: { segment: 'MSH', field: 10 }, code: '101' });
    // Two patients' results in one message: refused whole, never filed under the first patient.
    expect(refusal(lines(MSH('X', '1'), PID, OBR, 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F', 'PID|2||OTHER^^^JGH^MR', OBR, 'OBX|2|NM|718-7^Hb^LN||9|g/dL|||||F')))
      .toMatchObject({ location: { segment: 'PID', sequence: 2 }, code: '100' });
  });

  it('when a field is malformed, then the error names the OBX and the field', () => {
    const obx = (fields: string) => refusal(lines(MSH('X', '1'), PID, OBR, `OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F`, fields));
    expect(obx('OBX|2|NM|718-7^Hb^LN||twelve|g/dL|||||F')).toMatchObject({ location: { segment: 'OBX', sequence: 2, field: 5 }, code: '102' });
    expect(obx('OBX|2|NM|718-7^Hb^LN||12|g/dL|||||')).toMatchObject({ location: { sequence: 2, field: 11 }, code: '101' });
    expect(obx('OBX|2|ED|718-7^Hb^LN||12|g/dL|||||F')).toMatchObject({ location: { field: 2 }, code: '102' });
    expect(obx('OBX|2|NM|^Hb^LN||12|g/dL|||||F')).toMatchObject({ location: { field: 3 }, code: '101' });
    expect(obx('OBX|2|NM|718-7^Hb^LN||12|g/dL||ZZ|||F')).toMatchObject({ location: { field: 8 } });
    expect(obx('OBX|2|NM|718-7^Hb^LN||12|g/dL|||||F|||20241301')).toMatchObject({ location: { field: 14 } });
  });

  it('when a time has no zone and neither MSH-7 nor the facility gives one, then it is refused; a configured zone places it', () => {
    const text = lines(MSH('X', '1', '20240301093000'), PID, 'OBR|1||A|P^P^L|||202403010830', 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F');
    expect(refusal(text).message).toContain('no time zone');
    const oru = readOru(text);
    expect(readResult(oru.results[0], '+0200').effectiveDateTime).toBe('2024-03-01T08:30:00+02:00');
  });
});
