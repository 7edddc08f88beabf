import { control, refusal } from './policy-fixture';

const call = (operation: string, resourceTypes: string[] = []) => ({ interaction: 'operation', operation, resourceTypes });

describe('operations', () => {
  it('when a role with any permission on the type calls $validate, then it is allowed; without one, refused', () => {
    expect(refusal(() => control('registry').authorize(call('validate', ['Patient'])))).toBeUndefined();
    expect(refusal(() => control('ehr').authorize(call('validate', ['Observation'])))).toBeUndefined();
    expect(refusal(() => control('ehr').authorize(call('validate', ['Patient'])))).toBe('Role ehr with these scopes may not call $validate on Patient');
    expect(refusal(() => control('investigator').authorize(call('validate', ['AuditEvent'])))).toBeDefined();
    // The role reads Patient, but the token's scopes give nothing on it.
    expect(refusal(() => control('registry', 'system/Observation.rs').authorize(call('validate', ['Patient'])))).toBeDefined();
  });

  it('when anyone but an admin calls $reindex, then it is refused; an admin needs the update permission on every type', () => {
    expect(refusal(() => control('admin').authorize(call('reindex')))).toBeUndefined();
    for (const role of ['investigator', 'unblinded', 'registry', 'ehr']) {
      expect(refusal(() => control(role).authorize(call('reindex')))).toMatch(new RegExp(`Role ${role} .*\\$reindex`));
    }
    expect(refusal(() => control('admin', 'system/*.rs').authorize(call('reindex')))).toBeDefined();
    expect(refusal(() => control('admin', 'system/Observation.cruds').authorize(call('reindex')))).toBeDefined();
  });

  it('when an operation has no rule, then only an admin with every permission may call it', () => {
    expect(refusal(() => control('admin').authorize(call('unlisted-operation', ['ResearchSubject'])))).toBeUndefined();
    expect(refusal(() => control('admin', 'system/*.rs').authorize(call('unlisted-operation', ['ResearchSubject'])))).toBeDefined();
    expect(refusal(() => control('unblinded').authorize(call('unlisted-operation', ['ResearchSubject'])))).toBeDefined();
    expect(refusal(() => control('admin').authorize({ interaction: 'operation', resourceTypes: [] }))).toBeUndefined();
    expect(refusal(() => control('investigator').authorize({ interaction: 'operation', resourceTypes: [] }))).toBeDefined();
  });

  it('when an operation opts in with a rule, then the rule decides', () => {
    const operations = { 'opted-in': { roles: ['unblinded'], needs: ['r', 'c'] as const } };
    expect(refusal(() => control('unblinded', 'system/*.cruds', { operations }).authorize(call('opted-in', ['ResearchSubject'])))).toBeUndefined();
    expect(refusal(() => control('unblinded', 'system/*.rs', { operations }).authorize(call('opted-in', ['ResearchSubject'])))).toBeDefined();
    expect(refusal(() => control('investigator', 'system/*.cruds', { operations }).authorize(call('opted-in', ['ResearchSubject'])))).toBeDefined();
    expect(refusal(() => control('admin', 'system/*.cruds', { operations }).authorize(call('opted-in', ['ResearchSubject'])))).toBeDefined();
  });
});
