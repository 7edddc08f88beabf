import { planResults } from '../../../../src/sync/hl7v2/oru-observations';
import { readOru } from '../../../../src/sync/hl7v2/oru-message';

const lines = (...segments: string[]) => segments.join('\r');
const message = (facility: string, obr: string, ...obx: string[]) =>
  readOru(lines(`MSH|^~\\&|LAB|${facility}|STROMA|STROMA|20240301093000-0500||ORU^R01^ORU_R01|C-1|P|2.5.1`, 'PID|1||MRN1^^^X^MR', obr, ...obx));
const subject = { system: 'http://hospital.example.org/mrn', value: 'MRN1' };

describe('ORU^R01 results as Observations', () => {
  it('when a result is planned, then it is a conditional update on facility + order + code + sub-id, the patient by identifier', () => {
    const oru = message('JGH^2.16.840.1.113883.3.1^ISO', 'OBR|1|P-1|ACC-9|CBC|||20240301083000-0500', 'OBX|1|NM|718-7^Hb^LN|2|12.5|g/dl|||||F');
    const [planned] = planResults(oru, { subject });
    if (!('request' in planned)) throw new Error('refused');
    expect(planned.request).toMatchObject({ method: 'PUT', path: 'Observation', query: [['identifier', 'urn:oid:2.16.840.1.113883.3.1|ACC-9^718-7^2']] });
    expect(planned.request.body).toEqual({
      resourceType: 'Observation',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.3.1', value: 'ACC-9^718-7^2' }],
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '718-7' }], text: 'Hb' },
      subject: { identifier: subject },
      effectiveDateTime: '2024-03-01T08:30:00-05:00',
      valueQuantity: { value: 12.5, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
    });
  });

  it('when the facility has no OID, then its identifier system is under the project base, by namespace', () => {
    const [planned] = planResults(message('CHUM', 'OBR|1||F-1|X|||202403020930', 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F'), { subject });
    expect('request' in planned && planned.request.query).toEqual([['identifier', 'https://stroma-fhir.org/fhir/hl7v2/facility/CHUM|F-1^718-7']]);
  });

  it('when the patient, the code, the order number or a value cannot be told, then that OBX is refused where it lies', () => {
    const oru = message('CHUM', 'OBR|1|||X|||202403020930', 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F');
    expect(planResults(oru, { subject }).map((p) => 'refused' in p && p.refused.error.location)).toEqual([{ segment: 'OBR', sequence: 1, field: 3 }]);
    const two = message('CHUM', 'OBR|1||F-1|X|||202403020930', 'OBX|1|NM|HGB^Hb^L||12|g/dL|||||F', 'OBX|2|NM|718-7^Hb^LN||twelve|g/dL|||||F');
    const refusals = planResults(two, { subject }).map((p) => 'refused' in p && [p.refused.reason, p.refused.error.location, p.refused.error.code]);
    expect(refusals).toEqual([['unmapped-code', { segment: 'OBX', sequence: 1, field: 3 }, '103'], ['invalid', { segment: 'OBX', sequence: 2, field: 5 }, '102']]);
    const nobody = planResults(message('CHUM', 'OBR|1||F-1|X|||202403020930', 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F'), {});
    expect('refused' in nobody[0] && [nobody[0].refused.reason, nobody[0].refused.error.location]).toEqual(['unknown-patient', { segment: 'PID', sequence: 1, field: 3 }]);
  });
});
