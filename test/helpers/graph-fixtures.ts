import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { RequestListener } from 'node:http';
import request from 'supertest';

const MRN = 'http://hospital.example.org/mrn';
const LOINC = 'http://loinc.org';

/**
 * A small web of references, every resource under a readable id:
 * pat-a (Smith, female, born 1968-04-12, GP prac-x, organization org-acme) and pat-b (Jones, male,
 * born 1990, organization org-other) with their Observations, Encounters and DiagnosticReports;
 * pat-gone (no birth date), deleted after its Observation obs-gone was written; obs-deleted (pat-b's,
 * code del-1), itself deleted; a Location and a Group as other Observation subjects; obs-cycle-1
 * and obs-cycle-2 are each other's has-member.
 */
export const GRAPH: Resource[] = [
  { resourceType: 'Organization', id: 'org-acme', name: 'Acme Clinic' },
  { resourceType: 'Organization', id: 'org-other', name: 'Other Hospital' },
  { resourceType: 'Practitioner', id: 'prac-x', name: [{ family: 'Xavier' }] },
  patient('pat-a', 'A', 'Smith', 'female', { birthDate: '1968-04-12', generalPractitioner: [{ reference: 'Practitioner/prac-x' }], managingOrganization: { reference: 'Organization/org-acme' } }),
  patient('pat-b', 'B', 'Jones', 'male', { birthDate: '1990', managingOrganization: { reference: 'Organization/org-other' } }),
  patient('pat-gone', 'GONE', 'Smith', 'female', {}),
  { resourceType: 'Location', id: 'loc-smithfield', name: 'Smithfield Lab' },
  observation('obs-a1', 'Patient/pat-a', '718-7'),
  observation('obs-a2', 'Patient/pat-a', '2339-0', { hasMember: [{ reference: 'Observation/obs-a1' }] }),
  observation('obs-b1', 'Patient/pat-b', '718-7'),
  observation('obs-gone', 'Patient/pat-gone', '718-7'),
  observation('obs-deleted', 'Patient/pat-b', 'del-1'),
  observation('obs-loc', 'Location/loc-smithfield', '718-7'),
  observation('obs-group', 'Group/no-such-group', '718-7'),
  observation('obs-cycle-1', 'Patient/pat-b', 'cycle', { hasMember: [{ reference: 'Observation/obs-cycle-2' }] }),
  observation('obs-cycle-2', 'Patient/pat-b', 'cycle', { hasMember: [{ reference: 'Observation/obs-cycle-1' }] }),
  { resourceType: 'Encounter', id: 'enc-a', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pat-a' } } as Resource,
  { resourceType: 'Encounter', id: 'enc-b', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pat-b' } } as Resource,
  report('rep-a', 'final', 'Observation/obs-a1'),
  report('rep-b', 'preliminary', 'Observation/obs-b1'),
];

/** Resources of GRAPH deleted once all were written. */
export const DELETED = ['Patient/pat-gone', 'Observation/obs-deleted'];

/** Writes GRAPH (ids as given) and deletes DELETED. */
export async function loadGraph(app: RequestListener): Promise<void> {
  for (const resource of GRAPH) {
    await request(app).put(`/fhir/${resource.resourceType}/${resource.id}`).send(resource).expect(201);
  }
  for (const path of DELETED) {
    await request(app).delete(`/fhir/${path}`).expect(200);
  }
}

/** The ids of a searchset's entries in one search mode, sorted. */
export function idsOf(bundle: Bundle, mode: 'match' | 'include' = 'match'): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === mode)
    .map((e) => e.resource?.id as string)
    .sort();
}

function patient(id: string, mrn: string, family: string, gender: string, links: Record<string, unknown>): Resource {
  return { resourceType: 'Patient', id, identifier: [{ system: MRN, value: mrn }], name: [{ family }], gender, ...links } as Resource;
}

function observation(id: string, subject: string, code: string, more: Record<string, unknown> = {}): Resource {
  return { resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: LOINC, code }] }, subject: { reference: subject }, ...more } as Resource;
}

function report(id: string, status: string, result: string): Resource {
  return { resourceType: 'DiagnosticReport', id, status, code: { text: 'CBC' }, result: [{ reference: result }] } as Resource;
}
