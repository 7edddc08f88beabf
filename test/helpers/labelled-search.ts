import type { Bundle, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { storeAsGiven } from './seed';
import type { TestApp } from './test-app';

/**
 * For table-driven search tests: stores each labelled resource before the tests run (as given, see
 * storeAsGiven), and returns a
 * function that runs a search strictly and answers the sorted labels of its matches.
 */
export function labelledSearch(t: TestApp, resources: Record<string, Resource>): (query: string) => Promise<string[]> {
  const labelOf = new Map<string, string>();
  beforeAll(async () => {
    const labels = Object.keys(resources);
    const stored = await storeAsGiven(t.repo, Object.values(resources));
    stored.forEach((resource, i) => labelOf.set(resource.id as string, labels[i]));
  });
  return async (query) => {
    // `$` separates composite components; sent percent-encoded, as a client would.
    const response = await request(t.app).get(`/fhir/${query.replace(/\$/g, '%24')}`).set('Prefer', 'handling=strict').expect(200);
    const matches = ((response.body as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match');
    return matches.map((e) => labelOf.get(e.resource?.id as string) ?? `unlabelled ${e.resource?.id}`).sort();
  };
}
