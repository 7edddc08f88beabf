import type { AuditEvent } from '@medplum/fhirtypes';
import { toAuditEvent, withoutSecrets } from '../../../../src/auth/audit/audit-event';
import { issuesOf } from '../../fhir/validation/validator-fixture';
import { auditRecord } from './audit-fixture';

const server = { baseUrl: 'https://stroma.example.org/fhir' };
const RECORDED = '2026-12-02T14:00:00.250Z';

/**
 * Every issue above information the base R4 validator raises, as `severity location: diagnostics`,
 * except dom-6 (a resource should have narrative): audit events are machine records, kept small.
 */
function problemsOf(event: AuditEvent): string[] {
  return issuesOf(event)
    .filter((i) => i.severity !== 'information' && !i.diagnostics.includes('dom-6'))
    .map((i) => `${i.severity} ${i.expression[0]}: ${i.diagnostics}`);
}

const requester = (event: AuditEvent) => event.agent.find((a) => a.requestor);
const decode = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('utf8');

describe('toAuditEvent', () => {
  it('when a client reads a resource, then the event is a BALP read naming the client, its address and the version read', () => {
    const event = toAuditEvent(auditRecord(), server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event).toMatchObject({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      recorded: RECORDED,
      period: { start: '2026-12-02T14:00:00.000Z', end: RECORDED },
      outcome: '0',
      source: { site: server.baseUrl, observer: { display: 'Stroma' } },
    });
    expect(event.outcomeDesc).toBeUndefined();
    expect(requester(event)).toMatchObject({
      who: { identifier: { system: 'https://stroma-fhir.org/fhir/client', value: 'lab-ehr' } },
      role: [{ text: 'ehr' }],
      network: { address: '10.1.2.3', type: '2' },
    });
    expect(event.entity?.[0]).toMatchObject({
      what: { reference: 'Observation/obs-1/_history/3' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4' },
    });
    expect(event.entity?.find((e) => e.what?.identifier)?.what?.identifier?.value).toBe('req-1');
  });

  it('when an operation is called, then it is the restful operation and, searchably, its name; the client is its altId', () => {
    const event = toAuditEvent(auditRecord({ interaction: '$validate', path: '/fhir/Observation/$validate' }), server, RECORDED);
    expect(event.subtype).toEqual([
      { system: 'http://hl7.org/fhir/restful-interaction', code: 'operation' },
      { system: 'https://stroma-fhir.org/fhir/CodeSystem/audit-activity', code: 'validate' },
    ]);
    expect(requester(event)?.altId).toBe(requester(event)?.who?.identifier?.value);
    expect(problemsOf(event)).toEqual([]);
  });

  it('when a client searches, then one Query entity carries the raw query in base64 and the path, and the action is E', () => {
    const query = 'code=http://loinc.org|718-7&_count=10&subject:Patient.name=peter';
    const record = auditRecord({ path: '/fhir/Observation', query, interaction: 'search-type', entities: [{ resourceType: 'Observation', id: 'o2', versionId: '1', action: 'read' }] });

    const event = toAuditEvent(record, server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event.action).toBe('E');
    expect(event.subtype?.[0].code).toBe('search-type');
    const queries = event.entity?.filter((e) => e.role?.code === '24') ?? [];
    expect(queries).toHaveLength(1);
    expect(decode(queries[0].query)).toBe(query);
    expect(queries[0].description).toBe('GET /fhir/Observation');
    expect(event.entity?.map((e) => e.what?.reference).filter(Boolean)).toEqual(['Observation/o2/_history/1']);
  });

  it('when a search has no parameters, then its Query entity has no (empty, invalid) query', () => {
    const event = toAuditEvent(auditRecord({ path: '/fhir/Patient', interaction: 'search-type', entities: [] }), server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event.entity?.find((e) => e.role?.code === '24')).not.toHaveProperty('query');
  });

  it('when a query carries a token, then its value is not recorded', () => {
    expect(withoutSecrets('_count=1&access_token=eyJabc.def&name=x')).toBe('_count=1&access_token=REDACTED&name=x');
    const event = toAuditEvent(auditRecord({ interaction: 'search-system', query: 'access_token=eyJabc' }), server, RECORDED);
    expect(JSON.stringify(event)).not.toContain('eyJabc');
    expect(decode(event.entity?.find((e) => e.query)?.query)).not.toContain('eyJabc');
  });

  it('when a client creates a resource, then the action is C and the entity names version 1 as created', () => {
    const record = auditRecord({ method: 'POST', path: '/fhir/Observation', interaction: 'create', status: 201, entities: [{ resourceType: 'Observation', id: 'new-1', versionId: '1', action: 'write' }] });

    const event = toAuditEvent(record, server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event).toMatchObject({ action: 'C', outcome: '0', subtype: [{ code: 'create' }] });
    expect(event.entity?.[0]).toMatchObject({ what: { reference: 'Observation/new-1/_history/1' }, lifecycle: { code: '1' } });
  });

  it('when authentication fails, then the requesting agent names no client, only the address, and the outcome is 4 with the reason', () => {
    const record = auditRecord({ requester: undefined, interaction: undefined, status: 401, failure: 'The access token has expired', entities: [] });

    const event = toAuditEvent(record, server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event).toMatchObject({ outcome: '4', outcomeDesc: 'The access token has expired', action: 'E' });
    expect(event.subtype).toBeUndefined();
    const agent = requester(event);
    expect(agent?.who).toBeUndefined();
    expect(agent?.role).toBeUndefined();
    expect(agent?.network).toEqual({ address: '10.1.2.3', type: '2' });
    expect(JSON.stringify(event)).not.toContain('lab-ehr');
  });

  it('when a client is refused (403), then the event names the client, the interaction tried, and outcome 4 with the reason', () => {
    const record = auditRecord({ method: 'DELETE', interaction: 'delete', status: 403, failure: 'Not allowed for role ehr', entities: [] });

    const event = toAuditEvent(record, server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event).toMatchObject({ action: 'D', outcome: '4', outcomeDesc: 'Not allowed for role ehr', subtype: [{ code: 'delete' }] });
    expect(requester(event)?.who?.identifier?.value).toBe('lab-ehr');
  });

  it('when the token endpoint or the admin API answers, then the subtype is a Stroma activity, and a 5xx is outcome 8', () => {
    const token = toAuditEvent(auditRecord({ method: 'POST', path: '/auth/token', interaction: 'token', entities: [] }), server, RECORDED);
    const admin = toAuditEvent(auditRecord({ method: 'POST', path: '/admin/clients', interaction: 'client-admin', status: 500, failure: 'Internal error', entities: [] }), server, RECORDED);

    expect(problemsOf(token)).toEqual([]);
    expect(problemsOf(admin)).toEqual([]);
    expect(token.subtype).toEqual([{ system: 'https://stroma-fhir.org/fhir/CodeSystem/audit-activity', code: 'token' }]);
    expect(admin).toMatchObject({ subtype: [{ system: 'https://stroma-fhir.org/fhir/CodeSystem/audit-activity', code: 'client-admin' }], outcome: '8', action: 'E' });
  });

  it('when a transaction writes and deletes, then each resource is an entity with what happened to it', () => {
    const record = auditRecord({
      method: 'POST',
      path: '/fhir',
      interaction: 'transaction',
      entities: [
        { resourceType: 'Patient', id: 'p1', versionId: '4', action: 'write' },
        { resourceType: 'Observation', id: 'o1', versionId: '2', action: 'delete' },
        { resourceType: 'Patient', id: 'p2', action: 'read' },
      ],
    });

    const event = toAuditEvent(record, server, RECORDED);

    expect(problemsOf(event)).toEqual([]);
    expect(event.action).toBe('E');
    expect(event.entity?.slice(0, 3).map((e) => [e.what?.reference, e.lifecycle?.code])).toEqual([
      ['Patient/p1/_history/4', '3'],
      ['Observation/o1/_history/2', '14'],
      ['Patient/p2', '6'],
    ]);
  });

  it('when an event breaks R4 (the check these tests rely on), then the validator says so', () => {
    const event = toAuditEvent(auditRecord(), server, RECORDED);
    const broken = { ...event, action: 'X', agent: [{ ...event.agent[0], network: { address: '10.1.2.3', type: '9' } }] };
    expect(problemsOf(broken as AuditEvent).filter((p) => p.startsWith('error'))).toHaveLength(2);
  });

  it('when a failure description is very long, then it is cut short', () => {
    const event = toAuditEvent(auditRecord({ status: 422, failure: 'x'.repeat(5000) }), server, RECORDED);
    expect(event.outcomeDesc?.length).toBe(1000);
  });
});
