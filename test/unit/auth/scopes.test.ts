import { allows, formatScope, formatScopes, narrowScopes, parseScope, parseScopes, type ResourceScope } from '../../../src/auth/scopes';

const perms = (scope: ResourceScope | undefined) => (scope ? [...scope.permissions].sort().join('') : undefined);

describe('SMART system scopes', () => {
  it('when a v1 scope is parsed, then read, write and * become their permissions', () => {
    expect(perms(parseScope('system/Observation.read'))).toBe('rs');
    expect(perms(parseScope('system/Observation.write'))).toBe('cdu');
    expect(perms(parseScope('system/*.*'))).toBe('cdrsu');
    expect(parseScope('system/Observation.read')).toMatchObject({ resourceType: 'Observation', v1: true });
  });

  it('when a v2 scope is parsed, then its letters in cruds order are its permissions', () => {
    expect(parseScope('system/Observation.cruds')).toMatchObject({ resourceType: 'Observation', v1: false });
    expect(perms(parseScope('system/*.rs'))).toBe('rs');
    expect(perms(parseScope('system/Patient.u'))).toBe('u');
  });

  it('when a token is not a system resource scope this server grants, then it is not parsed', () => {
    for (const token of ['patient/*.read', 'user/Observation.rs', 'openid', 'system/Observation.sr', 'system/Observation.rs?category=laboratory', 'system/observation.read', 'system/Observation.', 'system/Observation.readwrite']) {
      expect(parseScope(token)).toBeUndefined();
    }
  });

  it('when a scope string is parsed, then supported and unsupported tokens are told apart', () => {
    const { scopes, unsupported } = parseScopes('  system/Observation.rs openid   system/Patient.read launch ');
    expect(scopes.map((s) => s.resourceType)).toEqual(['Observation', 'Patient']);
    expect(unsupported).toEqual(['openid', 'launch']);
    expect(parseScopes('')).toEqual({ scopes: [], unsupported: [] });
  });

  it('when allows is asked, then a scope of the type or of * gives its permissions and nothing more', () => {
    const scopes = parseScopes('system/Observation.c system/*.r').scopes;
    expect(allows(scopes, 'Observation', 'c')).toBe(true);
    expect(allows(scopes, 'Observation', 'r')).toBe(true);
    expect(allows(scopes, 'Patient', 'r')).toBe(true);
    expect(allows(scopes, 'Patient', 'c')).toBe(false);
    expect(allows(scopes, 'Observation', 's')).toBe(false);
    expect(allows([], 'Observation', 'r')).toBe(false);
  });

  it('when allows is asked about * itself, then only a scope for every type answers', () => {
    expect(allows(parseScopes('system/Observation.cruds').scopes, '*', 'u')).toBe(false);
    expect(allows(parseScopes('system/*.u').scopes, '*', 'u')).toBe(true);
  });

  it('when requested scopes are narrowed to allowed ones, then permissions intersect and empty scopes drop', () => {
    const allowed = parseScopes('system/Observation.rs system/Patient.cruds').scopes;
    const granted = narrowScopes(parseScopes('system/Observation.write system/Patient.read system/Encounter.read').scopes, allowed);
    expect(formatScopes(granted)).toBe('system/Patient.read');
  });

  it('when * is requested within single-type allowances, then it becomes those types', () => {
    const allowed = parseScopes('system/Observation.cu system/Patient.rs').scopes;
    expect(formatScopes(narrowScopes(parseScopes('system/*.cruds').scopes, allowed))).toBe('system/Observation.cu system/Patient.rs');
  });

  it('when a type is requested within a * allowance, then it keeps the type and the shared permissions', () => {
    const allowed = parseScopes('system/*.rs').scopes;
    expect(formatScopes(narrowScopes(parseScopes('system/Observation.cruds').scopes, allowed))).toBe('system/Observation.rs');
  });

  it('when two requested scopes of one type are granted, then they merge, in v2 unless both were v1', () => {
    const allowed = parseScopes('system/*.*').scopes;
    expect(formatScopes(narrowScopes(parseScopes('system/Observation.read system/Observation.write').scopes, allowed))).toBe('system/Observation.*');
    expect(formatScopes(narrowScopes(parseScopes('system/Observation.read system/Observation.c').scopes, allowed))).toBe('system/Observation.crs');
  });

  it('when a scope is formatted, then v1 is kept where v1 can say it, else v2 in cruds order', () => {
    expect(formatScope({ resourceType: 'Observation', permissions: new Set(['s', 'r']), v1: true })).toBe('system/Observation.read');
    expect(formatScope({ resourceType: 'Observation', permissions: new Set(['u', 'c', 'd']), v1: true })).toBe('system/Observation.write');
    expect(formatScope({ resourceType: '*', permissions: new Set(['c', 'r', 'u', 'd', 's']), v1: true })).toBe('system/*.*');
    expect(formatScope({ resourceType: 'Observation', permissions: new Set(['r']), v1: true })).toBe('system/Observation.r');
    expect(formatScope({ resourceType: 'Observation', permissions: new Set(['s', 'r']), v1: false })).toBe('system/Observation.rs');
  });

  it('when a scope string round-trips through parse and format, then it is unchanged', () => {
    const text = 'system/Observation.read system/Patient.cruds system/*.rs';
    expect(formatScopes(parseScopes(text).scopes)).toBe(text);
  });
});
