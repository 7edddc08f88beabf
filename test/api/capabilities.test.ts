import type { CapabilityStatement } from '@medplum/fhirtypes';
import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';

describe(`CapabilityStatement (${storeName()})`, () => {
  const t = useTestApp();
  let statement: CapabilityStatement;
  beforeAll(async () => {
    statement = (await request(t.app).get('/fhir/metadata')).body;
  });

  it('when /metadata is read, then it describes an R4 JSON server with versioned, conditional interactions', () => {
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.format).toEqual(['json', 'application/fhir+json']);
    expect(statement.patchFormat).toEqual(['application/json-patch+json']);
    const rest = statement.rest?.[0];
    expect(rest?.interaction?.map((i) => i.code).sort()).toEqual(['batch', 'history-system', 'search-system', 'transaction']);
    const patientEntry = rest?.resource?.find((r) => r.type === 'Patient');
    expect(patientEntry?.interaction?.map((i) => i.code).sort()).toEqual(
      ['create', 'delete', 'history-instance', 'history-type', 'patch', 'read', 'search-type', 'update', 'vread'],
    );
    expect(patientEntry).toMatchObject({ versioning: 'versioned-update', conditionalCreate: true, conditionalUpdate: true, conditionalDelete: 'single' });
  });

  it('when a search parameter is listed, then searching by it is accepted under strict handling', async () => {
    const observation = statement.rest?.[0].resource?.find((r) => r.type === 'Observation');
    const params = observation?.searchParam ?? [];
    expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(['code', 'subject', 'date', '_id', '_lastUpdated']));
    const sample: Record<string, string> = { token: 'x', string: 'x', reference: 'Patient/x', uri: 'http://x', date: '2024', number: '1', quantity: '5.4||mg' };
    for (const param of params) {
      // a composite value is one value per component, joined by $
      const components = t.deps.registries.searchParameters.get('Observation', param.name)?.components;
      const value = param.type === 'composite' ? components?.map((c) => sample[c.param.type]).join('$') : sample[param.type as string];
      expect(value).toBeDefined();
      const res = await request(t.app).get(`/fhir/Observation?${param.name}=${encodeURIComponent(value as string)}`).set('Prefer', 'handling=strict');
      expect([param.name, res.status]).toEqual([param.name, 200]);
    }
  });

  it('when /metadata is read, then it lists the $reindex and $export system operations with their definitions', () => {
    expect(statement.rest?.[0].operation).toEqual([
      { name: 'reindex', definition: 'https://stroma-fhir.org/fhir/OperationDefinition/reindex' },
      { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' },
    ]);
  });

  it('when /metadata is read, then Patient and Group list the Bulk Data export operation of their level', () => {
    const exportOf = (type: string) => statement.rest?.[0].resource?.find((r) => r.type === type)?.operation?.filter((o) => o.name === 'export');
    expect(exportOf('Patient')).toEqual([{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' }]);
    expect(exportOf('Group')).toEqual([{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' }]);
    expect(exportOf('Observation')).toEqual([]);
  });

  it('when a parameter type is not implemented, then it is not listed', () => {
    const types = new Set(statement.rest?.[0].resource?.flatMap((r) => r.searchParam?.map((p) => p.type) ?? []));
    expect([...types].sort()).toEqual(['composite', 'date', 'number', 'quantity', 'reference', 'string', 'token', 'uri']);
  });

  it('when a resource type is listed, then reading an unknown id of it answers 404, not 405', async () => {
    for (const entry of statement.rest?.[0].resource ?? []) {
      const res = await request(t.app).get(`/fhir/${entry.type}/nope`);
      expect([entry.type, res.status]).toEqual([entry.type, 404]);
      expect(res.body.issue[0].code).toBe('not-found');
    }
  });
});
