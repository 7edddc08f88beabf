import type { Patient } from '@medplum/fhirtypes';
import { unchangedBy } from '../../../src/fhir/same-content';

const SERVER_TAG = { system: 'https://example.org/server-flags', code: 'flagged' };
const CLIENT_TAG = { system: 'https://example.org/client-tags', code: 'reviewed' };

function patient(tags?: { system: string; code: string }[], gender: Patient['gender'] = 'female'): Patient {
  return { resourceType: 'Patient', id: 'p1', gender, ...(tags ? { meta: { tag: tags } } : {}) };
}

describe('whether an update changes the stored version', () => {
  const stored = { ...patient([CLIENT_TAG, SERVER_TAG]), meta: { versionId: '3', lastUpdated: '2026-12-01T00:00:00Z', tag: [CLIENT_TAG, SERVER_TAG] } };

  it('when the update resends the content without a tag system it does not mention, then it is unchanged', () => {
    expect(unchangedBy(stored, patient([CLIENT_TAG]))).toBe(true);
    expect(unchangedBy({ ...stored, meta: { tag: [SERVER_TAG] } }, patient())).toBe(true);
  });

  it('when the update changes a tag of a system it mentions, or other content, then it is a change', () => {
    expect(unchangedBy(stored, patient([{ ...CLIENT_TAG, code: 'rejected' }]))).toBe(false);
    expect(unchangedBy(stored, patient([CLIENT_TAG], 'male'))).toBe(false);
    expect(unchangedBy(patient(), patient([SERVER_TAG]))).toBe(false);
  });

  it('when the update is the stored content itself, version meta aside, then it is unchanged', () => {
    expect(unchangedBy(stored, patient([CLIENT_TAG, SERVER_TAG]))).toBe(true);
  });

  it('when the update leaves out a security label system the stored version has, then it is unchanged; a label it states is compared', () => {
    const label = { system: 'https://example.org/blinding', code: 'blinded' };
    const labelled: Patient = { ...patient(), meta: { security: [label] } };
    expect(unchangedBy(labelled, patient())).toBe(true);
    expect(unchangedBy(labelled, { ...patient(), meta: { security: [{ ...label, code: 'open' }] } })).toBe(false);
    expect(unchangedBy({ ...labelled, meta: { security: [label], tag: [SERVER_TAG] } }, patient())).toBe(true);
  });
});
