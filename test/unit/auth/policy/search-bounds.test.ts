import { parseSearch } from '../../../../src/fhir/search/parse-search';
import type { QueryFilter, SearchQuery } from '../../../../src/store/repository';
import { control, refusal, registries, searchOf } from './policy-fixture';

function parsed(type: string, params: [string, string][]): SearchQuery {
  return parseSearch(type, params, registries, true).query;
}

describe('search bounds', () => {
  it('when a system search spans types, then it narrows to the readable ones, and is refused when none is left', () => {
    const query = searchOf('AuditEvent', { types: ['AuditEvent', 'Observation', 'Patient'] });
    const narrowed = control('investigator').constrainSearch(query);
    expect(narrowed.types).toEqual(['Observation', 'Patient']);
    expect(narrowed.resourceType).toBe('Observation');
    expect(query.types).toEqual(['AuditEvent', 'Observation', 'Patient']);
    expect(control('admin').constrainSearch(query)).toBe(query);
    expect(refusal(() => control('registry').constrainSearch(searchOf('AuditEvent', { types: ['AuditEvent'] })))).toMatch(/may not search any of AuditEvent/);
  });

  it('when a system search spans types the scopes do not cover, then those are left out too', () => {
    const narrowed = control('admin', 'system/Patient.rs system/Observation.r').constrainSearch(searchOf('Observation', { types: ['Observation', 'Patient'] }));
    expect(narrowed.types).toEqual(['Patient']);
  });

  it('when a type search targets a type the requester may not search, then it is refused', () => {
    expect(refusal(() => control('investigator').constrainSearch(searchOf('AuditEvent')))).toBe('Role investigator may not search-type AuditEvent');
  });

  it('when a search chains into a forbidden type, then it is refused, and into a readable type it passes', () => {
    const intoAudit = parsed('Provenance', [['target:AuditEvent.action', 'R']]);
    expect(refusal(() => control('investigator').constrainSearch(intoAudit))).toMatch(/may not search through AuditEvent/);
    expect(control('admin').constrainSearch(intoAudit)).toBe(intoAudit);
    const intoPatient = parsed('Observation', [['subject:Patient.gender', 'female']]);
    expect(control('investigator').constrainSearch(intoPatient)).toBe(intoPatient);
  });

  it('when a search uses _has from a forbidden type, then it is refused', () => {
    const query = parsed('Patient', [['_has:AuditEvent:entity:action', 'R']]);
    expect(refusal(() => control('registry').constrainSearch(query))).toMatch(/AuditEvent/);
  });

  it('when a forbidden type hides deep inside an any-of filter or a chain of chains, then it is still found', () => {
    const auditAction = registries.searchParameters.get('AuditEvent', 'action');
    const entity = registries.searchParameters.get('AuditEvent', 'entity');
    const subject = registries.searchParameters.get('Observation', 'subject');
    if (!auditAction || !entity || !subject) throw new Error('R4 parameters missing');
    const deepHas: QueryFilter = { kind: 'has', reference: entity, targetType: 'Patient', filter: { param: auditAction, values: [{ value: 'R' }] } };
    const query = searchOf('Observation', {
      filters: [
        {
          kind: 'any',
          filters: [
            { param: '_id', values: [{ value: 'x' }] },
            { kind: 'chain', reference: subject, targets: [{ resourceType: 'Patient', filter: deepHas }] },
          ],
        },
      ],
    });
    expect(refusal(() => control('investigator').constrainSearch(query))).toMatch(/AuditEvent/);
  });

  it('when the scopes do not cover a chained type, then the chain is refused even though the role reads it', () => {
    const query = parsed('Observation', [['subject:Patient.gender', 'female']]);
    expect(refusal(() => control('investigator', 'system/Observation.rs').constrainSearch(query))).toMatch(/through Patient/);
  });
});
