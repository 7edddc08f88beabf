import type { ConceptMap } from '@medplum/fhirtypes';
import { mapCode } from '../../../../src/sync/hl7v2/code-mapping';

const LOCAL = 'https://chum.example.org/codes';
const map: ConceptMap = {
  resourceType: 'ConceptMap',
  status: 'active',
  url: 'https://chum.example.org/map',
  group: [
    { source: LOCAL, target: 'http://loinc.org', element: [
      { code: 'HGB', target: [{ code: '718-7', equivalence: 'equivalent' }] },
      { code: 'PLT', target: [{ code: '777-3', equivalence: 'narrower' }, { code: '26515-7', equivalence: 'wider' }] },
      { code: 'NONE', target: [{ equivalence: 'unmatched' }] },
    ] },
  ],
};
const sent = (code: string, codingSystem: string, display = '') => ({ code, codingSystem, display });

describe('OBX-3 as a FHIR code', () => {
  it('when the code is LOINC (LN), then it is taken as it is, its text kept as text', () => {
    expect(mapCode(sent('718-7', 'LN', 'Hemoglobin'), undefined, undefined, 'JGH')).toEqual({ ok: true, code: { coding: [{ system: 'http://loinc.org', code: '718-7' }], text: 'Hemoglobin' } });
  });

  it('when a local code is in the facility ConceptMap, then the target comes first and the local code is kept in the group source system', () => {
    expect(mapCode(sent('HGB', '99CHUM', 'Hemoglobine'), undefined, map, 'CHUM')).toEqual({
      ok: true,
      code: { coding: [{ system: 'http://loinc.org', code: '718-7' }, { system: LOCAL, code: 'HGB', display: 'Hemoglobine' }], text: 'Hemoglobine' },
    });
  });

  it('when a target is narrower than the local code, then it is not used; a wider one is', () => {
    const mapped = mapCode(sent('PLT', 'L'), undefined, map, 'CHUM');
    expect(mapped.ok && mapped.code.coding?.[0]).toEqual({ system: 'http://loinc.org', code: '26515-7' });
  });

  it('when the local code is unmapped, then the result is refused, naming the map; without a map, naming the convention', () => {
    expect(mapCode(sent('NONE', 'L'), undefined, map, 'CHUM')).toEqual({ ok: false, reason: expect.stringContaining('https://chum.example.org/map') });
    expect(mapCode(sent('HGB', 'L'), undefined, undefined, 'CHUM')).toEqual({ ok: false, reason: expect.stringContaining('https://stroma-fhir.org/fhir/NamingSystem/hl7v2-facility|CHUM') });
  });

  it('when an unmapped local code carries a LOINC alternate (OBX-3.4-6), then the alternate is the code', () => {
    expect(mapCode(sent('X1', '99LAB', 'Hb'), sent('718-7', 'LN'), undefined, 'LAB')).toEqual({ ok: true, code: { coding: [{ system: 'http://loinc.org', code: '718-7' }, { code: 'X1', display: 'Hb' }], text: 'Hb' } });
  });
});
