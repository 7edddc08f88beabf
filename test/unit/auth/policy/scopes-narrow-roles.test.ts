import type { Observation } from '@medplum/fhirtypes';
import { anonymousAdmin, createAccessControl } from '../../../../src/auth/policy';
import type { StoredVersion } from '../../../../src/store/repository';
import { control, refusal, registries, searchOf } from './policy-fixture';

const observation: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'CD19' } };
const stored: StoredVersion = { resourceType: 'Observation', id: 'o1', versionId: 1, lastUpdated: '2026-01-01T00:00:00Z', deleted: false, resource: { ...observation, id: 'o1' } };

describe('scopes narrow a role', () => {
  it('when an investigator holds only v1 system/Observation.read, then it reads and searches Observations but cannot write them', () => {
    const access = control('investigator', 'system/Observation.read');
    for (const interaction of ['read', 'vread', 'history-instance', 'search-type', 'history-type']) {
      expect(refusal(() => access.authorize({ interaction, resourceTypes: ['Observation'] }))).toBeUndefined();
    }
    expect(refusal(() => access.authorize({ interaction: 'create', resourceTypes: ['Observation'] }))).toBe(
      "The token's scopes do not allow create of Observation (needs system/Observation.c)",
    );
    for (const interaction of ['update', 'patch', 'delete']) {
      expect(refusal(() => access.authorize({ interaction, resourceTypes: ['Observation'] }))).toMatch(/scopes do not allow/);
    }
    expect(refusal(() => access.checkWrite({ ...observation }, 'POST', undefined))).toMatch(/scopes do not allow create/);
    expect(refusal(() => access.authorize({ interaction: 'read', resourceTypes: ['Patient'] }))).toMatch(/scopes do not allow read of Patient/);
  });

  it('when an investigator holds v2 system/*.rs, then it reads and searches every type its role reads, and writes nothing', () => {
    const access = control('investigator', 'system/*.rs');
    for (const type of ['Observation', 'Patient', 'StructureDefinition']) {
      expect(refusal(() => access.authorize({ interaction: 'read', resourceTypes: [type] }))).toBeUndefined();
      expect(refusal(() => access.authorize({ interaction: 'search-type', resourceTypes: [type] }))).toBeUndefined();
      expect(refusal(() => access.authorize({ interaction: 'update', resourceTypes: [type] }))).toBeDefined();
    }
    // The scope is wide, the role is not.
    expect(refusal(() => access.authorize({ interaction: 'read', resourceTypes: ['AuditEvent'] }))).toBe('Role investigator may not read AuditEvent');
  });

  it('when a v2 scope gives search but not read, then search is allowed and read by id is not', () => {
    const access = control('registry', 'system/Observation.s');
    expect(refusal(() => access.authorize({ interaction: 'search-type', resourceTypes: ['Observation'] }))).toBeUndefined();
    expect(refusal(() => access.authorize({ interaction: 'read', resourceTypes: ['Observation'] }))).toMatch(/needs system\/Observation.r/);
    // What a search hands out still passes filterRead.
    expect(access.filterRead(stored.resource as Observation)).toBeDefined();
  });

  it('when an admin holds scopes for Patient only, then the admin role does not widen them', () => {
    const access = control('admin', 'system/Patient.cruds');
    expect(refusal(() => access.authorize({ interaction: 'read', resourceTypes: ['Observation'] }))).toMatch(/scopes/);
    expect(access.filterRead(stored.resource as Observation)).toBeUndefined();
  });

  it('when a token has no scope this server grants, then it may do nothing but ask for capabilities', () => {
    const access = control('admin', 'openid launch/patient patient/*.read');
    expect(refusal(() => access.authorize({ interaction: 'capabilities', resourceTypes: [] }))).toBeUndefined();
    expect(refusal(() => access.authorize({ interaction: 'read', resourceTypes: ['Patient'] }))).toBeDefined();
    expect(refusal(() => access.authorize({ interaction: 'search-system', resourceTypes: [] }))).toBeDefined();
  });

  it('when a conditional update is made without the search permission, then its search is refused', () => {
    // The router finds the target of a conditional update/patch/delete through a search, which passes constrainSearch.
    const access = control('investigator', 'system/Observation.cud');
    expect(refusal(() => access.authorize({ interaction: 'update', resourceTypes: ['Observation'] }))).toBeUndefined();
    expect(refusal(() => access.constrainSearch(searchOf('Observation')))).toBe("The token's scopes do not allow search-type of Observation (needs system/Observation.s)");
  });

  it('when an update creates the resource, then it needs the create permission too', () => {
    const access = control('investigator', 'system/Observation.ru');
    expect(refusal(() => access.checkWrite({ ...observation, id: 'o1' }, 'PUT', stored))).toBeUndefined();
    expect(refusal(() => access.checkWrite({ ...observation, id: 'o2' }, 'PUT', undefined))).toMatch(/scopes do not allow create of Observation/);
    const tombstone: StoredVersion = { ...stored, deleted: true, resource: undefined };
    expect(refusal(() => access.checkWrite({ ...observation, id: 'o1' }, 'PUT', tombstone))).toMatch(/create/);
  });

  it('when a write reaches checkWrite for a type the role may not write, then it is refused even if authorize was skipped', () => {
    const access = control('investigator');
    expect(refusal(() => access.checkWrite({ resourceType: 'AuditEvent' } as never, 'POST', undefined))).toBe('Role investigator may not create AuditEvent');
    expect(refusal(() => access.checkWrite({ resourceType: 'StructureDefinition' } as never, 'DELETE', undefined))).toMatch(/may not delete/);
    // Nobody writes the audit trail through the API, not even an admin.
    expect(refusal(() => control('admin').checkWrite({ resourceType: 'AuditEvent' } as never, 'POST', undefined))).toBeDefined();
  });

  it('when authorization is off, then the anonymous admin may do what an admin may and writes no AuditEvent', () => {
    const access = createAccessControl(anonymousAdmin(), { registries });
    expect(access.requester).toEqual({ clientId: 'anonymous', role: 'admin', scope: 'system/*.cruds' });
    expect(refusal(() => access.authorize({ interaction: 'delete', resourceTypes: ['StructureDefinition'] }))).toBeUndefined();
    expect(refusal(() => access.authorize({ interaction: 'operation', operation: 'reindex', resourceTypes: [] }))).toBeUndefined();
    expect(refusal(() => access.authorize({ interaction: 'create', resourceTypes: ['AuditEvent'] }))).toBeDefined();
  });
});
