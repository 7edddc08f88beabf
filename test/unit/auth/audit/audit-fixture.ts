import type { AuditRecord } from '../../../../src/fhir/access';

/** A successful read by an `ehr` client, to change one field at a time. */
export function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    started: '2026-12-02T14:00:00.000Z',
    requestId: 'req-1',
    requester: { clientId: 'lab-ehr', role: 'ehr', scope: 'system/Observation.cruds' },
    address: '10.1.2.3',
    method: 'GET',
    path: '/fhir/Observation/obs-1',
    query: '',
    interaction: 'read',
    status: 200,
    entities: [{ resourceType: 'Observation', id: 'obs-1', versionId: '3', action: 'read' }],
    ...overrides,
  };
}
