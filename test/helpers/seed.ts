import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { Repository } from '../../src/store/repository';

/**
 * Stores resources as given, in one transaction, through the store port rather than the API: no
 * validation. For search suites whose fixtures carry only the elements a search looks at (a trial
 * Observation without its effective time, say); what validation refuses is tested in its own suites.
 * A resource without an id gets a new one. Resolves to the stored resources, in order.
 */
export async function storeAsGiven(repo: Repository, resources: readonly Resource[]): Promise<Resource[]> {
  return repo.transaction(async (tx) => {
    const stored: Resource[] = [];
    for (const resource of resources) {
      const id = resource.id ?? randomUUID();
      const previous = await tx.readForUpdate(resource.resourceType, id);
      stored.push((await tx.write({ ...resource, id }, previous ? 'PUT' : 'POST', previous)).resource as Resource);
    }
    return stored;
  });
}
