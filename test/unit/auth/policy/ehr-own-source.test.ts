import type { Observation } from '@medplum/fhirtypes';
import { clientSource } from '../../../../src/auth/policy';
import type { SearchFilter, StoredVersion } from '../../../../src/store/repository';
import { control, refusal, registries, searchOf } from './policy-fixture';

const ours = 'https://stroma-fhir.org/fhir/client/lab-a';
const theirs = 'https://stroma-fhir.org/fhir/client/lab-b';

function observation(source?: string, id = 'o1'): Observation {
  return { resourceType: 'Observation', id, status: 'final', code: { text: 'ferritin' }, ...(source ? { meta: { source } } : {}) };
}

function version(resource: Observation | undefined): StoredVersion {
  return { resourceType: 'Observation', id: 'o1', versionId: 1, lastUpdated: '2026-01-01T00:00:00Z', deleted: !resource, resource };
}

const ehr = () => control('ehr', 'system/Observation.cruds', { clientId: 'lab-a' });

describe('ehr: only its own pushes', () => {
  it('when the client id is used as a source, then it is the documented client URI', () => {
    expect(clientSource('lab-a')).toBe(ours);
  });

  it('when an ehr creates an Observation, then meta.source is stamped with its client URI, overwriting what it sent', () => {
    const sent = observation('http://evil.example/lab-b');
    sent.meta = { ...sent.meta, tag: [{ code: 'kept' }] };
    ehr().checkWrite(sent, 'POST', undefined);
    expect(sent.meta).toEqual({ source: ours, tag: [{ code: 'kept' }] });
    const bare = observation();
    ehr().checkWrite(bare, 'POST', undefined);
    expect(bare.meta?.source).toBe(ours);
  });

  it('when an ehr reads, then its own Observations are seen and another source or none is hidden', () => {
    const access = ehr();
    const own = observation(ours);
    expect(access.filterRead(own)).toBe(own);
    expect(access.filterRead(observation(theirs))).toBeUndefined();
    expect(access.filterRead(observation())).toBeUndefined();
    expect(access.filterRead({ resourceType: 'Patient', id: 'p1', meta: { source: ours } })).toBeUndefined();
  });

  it('when an ehr searches, then a _source filter for its own URI is added and the query is otherwise unchanged', () => {
    const query = searchOf('Observation', { filters: [{ param: '_id', values: [{ value: 'o1' }] }] });
    const constrained = ehr().constrainSearch(query);
    expect(constrained.filters).toHaveLength(2);
    const own = constrained.filters[1] as SearchFilter;
    expect(own.param).toBe(registries.searchParameters.get('Observation', '_source'));
    expect(own.values).toEqual([{ value: ours }]);
    expect(own.resourceTypes).toBeUndefined();
    expect(query.filters).toHaveLength(1);
  });

  it('when an ehr searches at system level, then the types narrow to Observation and the source filter covers them', () => {
    const constrained = ehr().constrainSearch(searchOf('Patient', { types: ['Patient', 'Observation', 'AuditEvent'] }));
    expect(constrained.types).toEqual(['Observation']);
    expect(constrained.resourceType).toBe('Observation');
    expect((constrained.filters[0] as SearchFilter).resourceTypes).toEqual(['Observation']);
  });

  it('when an ehr searches through a chain or _has, then it is refused, even into Observation', () => {
    const derivedFrom = registries.searchParameters.get('Observation', 'derived-from');
    if (!derivedFrom) throw new Error('Observation.derived-from is an R4 parameter');
    const chain = searchOf('Observation', {
      filters: [{ kind: 'chain', reference: derivedFrom, targets: [{ resourceType: 'Observation', filter: { param: '_id', values: [{ value: 'x' }] } }] }],
    });
    expect(refusal(() => ehr().constrainSearch(chain))).toMatch(/may not search through chains or _has/);
    const has = searchOf('Observation', {
      filters: [{ kind: 'has', reference: derivedFrom, targetType: 'Observation', filter: { param: '_id', values: [{ value: 'x' }] } }],
    });
    expect(refusal(() => ehr().constrainSearch(has))).toMatch(/chains or _has/);
  });

  it('when an ehr updates its own Observation, then it may, and the stamp is kept whatever it sent', () => {
    const update = observation(theirs);
    ehr().checkWrite(update, 'PUT', version(observation(ours)));
    expect(update.meta?.source).toBe(ours);
    const patched = observation(ours);
    ehr().checkWrite(patched, 'PATCH', version(observation(ours)));
    expect(patched.meta?.source).toBe(ours);
  });

  it("when an ehr updates an id it cannot see, then absent and another client's get the same 403", () => {
    const absent = refusal(() => ehr().checkWrite(observation(ours), 'PUT', undefined));
    const others = refusal(() => ehr().checkWrite(observation(ours), 'PUT', version(observation(theirs))));
    const deleted = refusal(() => ehr().checkWrite(observation(ours), 'PUT', version(undefined)));
    expect(absent).toBe('Role ehr may update only Observation resources it sent');
    expect(others).toBe(absent);
    expect(deleted).toBe(absent);
    expect(refusal(() => ehr().checkWrite(observation(ours), 'PATCH', version(observation(theirs))))).toMatch(/may patch only Observation/);
  });

  it('when an ehr holding only the update permission updates an id it cannot see, then the answer still does not depend on existence', () => {
    const updater = () => control('ehr', 'system/Observation.u', { clientId: 'lab-a' });
    const absent = refusal(() => updater().checkWrite(observation(ours), 'PUT', undefined));
    expect(absent).toBe('Role ehr may update only Observation resources it sent');
    expect(refusal(() => updater().checkWrite(observation(ours), 'PUT', version(observation(theirs))))).toBe(absent);
  });

  it('when an ehr deletes or reads type or system history, then it is refused', () => {
    const access = ehr();
    expect(refusal(() => access.checkWrite(observation(ours), 'DELETE', version(observation(ours))))).toBe('Role ehr may not delete Observation');
    expect(refusal(() => access.authorize({ interaction: 'delete', resourceTypes: ['Observation'] }))).toBeDefined();
    expect(refusal(() => access.authorize({ interaction: 'history-type', resourceTypes: ['Observation'] }))).toBeDefined();
    expect(refusal(() => access.authorize({ interaction: 'history-system', resourceTypes: [] }))).toBeDefined();
  });

  it('when another role writes, then its own meta.source is left as sent, and a client stamp only as the stored version has it', () => {
    const mine = { ...observation(theirs), meta: { source: 'urn:lab:system-x' } };
    control('investigator').checkWrite(mine, 'POST', undefined);
    expect(mine.meta?.source).toBe('urn:lab:system-x');
    expect(refusal(() => control('investigator').checkWrite(observation(theirs), 'POST', undefined))).toBe(`meta.source ${theirs} is a client's stamp, which only the server sets`);
    const kept = observation(theirs);
    control('investigator').checkWrite(kept, 'PUT', version(observation(theirs)));
    expect(kept.meta?.source).toBe(theirs);
  });
});
