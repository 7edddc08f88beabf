import type { NamingSystem } from '@medplum/fhirtypes';
import type { PatientIdentifier } from '../../../../src/sync/hl7v2/oru-message';
import { authoritySystem, subjectIdentifier, systemNamed } from '../../../../src/sync/hl7v2/patient-system';

const id = (value: string, authority: string, authorityId = '', authorityIdType = '', type = 'MR'): PatientIdentifier => ({ value, authority, authorityId, authorityIdType, type });
const known: Record<string, string> = { CHUM: 'http://hospital.example.org/mrn' };
const lookup = async (namespace: string) => known[namespace];

const namingSystem = (uniqueId: NamingSystem['uniqueId'], status: NamingSystem['status'] = 'active'): NamingSystem =>
  ({ resourceType: 'NamingSystem', name: 'X', status, kind: 'identifier', date: '2024-01-01', uniqueId });

describe('PID-3 assigning authorities as identifier systems', () => {
  it('when the authority is an OID (&OID&ISO), then the system is urn:oid:OID, without a look-up', async () => {
    expect(await authoritySystem(id('1', 'JGH', '2.16.840.1.113883.3.1', 'ISO'), async () => 'never')).toBe('urn:oid:2.16.840.1.113883.3.1');
  });

  it('when the authority is a URI universal id, then that URI is the system', async () => {
    expect(await authoritySystem(id('1', '', 'https://mrn.example.org', 'URI'), lookup)).toBe('https://mrn.example.org');
  });

  it('when the authority is a namespace id, then the stored NamingSystem decides; unknown ones give no system', async () => {
    expect(await authoritySystem(id('1', 'CHUM'), lookup)).toBe('http://hospital.example.org/mrn');
    expect(await authoritySystem(id('1', 'ELSEWHERE'), lookup)).toBeUndefined();
    expect(await authoritySystem(id('1', ''), lookup)).toBeUndefined();
  });

  it('when several PID-3 repetitions have a known system, then the MR is the subject identifier', async () => {
    const ids = [id('555-11-2222', 'CHUM', '', '', 'SS'), id('4455', 'ELSEWHERE'), id('P-100', 'CHUM')];
    expect(await subjectIdentifier(ids, lookup)).toEqual({ system: 'http://hospital.example.org/mrn', value: 'P-100' });
    expect(await subjectIdentifier([id('4455', 'ELSEWHERE')], lookup)).toBeUndefined();
  });

  it('when a NamingSystem names the namespace as an "other" uniqueId, then its preferred uri (else its oid, as urn:oid:) is the system', () => {
    const both = namingSystem([{ type: 'other', value: 'CHUM' }, { type: 'oid', value: '1.2.3' }, { type: 'uri', value: 'http://a.example' }, { type: 'uri', value: 'http://b.example', preferred: true }]);
    expect(systemNamed(both, 'CHUM')).toBe('http://b.example');
    expect(systemNamed(namingSystem([{ type: 'other', value: 'CHUM' }, { type: 'oid', value: '1.2.3' }]), 'CHUM')).toBe('urn:oid:1.2.3');
    expect(systemNamed(both, 'OTHER')).toBeUndefined();
    expect(systemNamed(namingSystem(both.uniqueId, 'retired'), 'CHUM')).toBeUndefined();
  });
});
