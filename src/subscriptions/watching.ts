import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { parseSearch } from '../fhir/search/parse-search';
import type { ResourceReader, SearchQuery } from '../store/repository';
import { parseCriteria, watchedType, type Criteria } from './criteria';

/** A Subscription that is sent notifications: active, or in error (its deliveries still being retried). */
export interface WatchingSubscription {
  id: string;
  criteria: Criteria;
}

/** At most this many Subscriptions watch one type; more are not looked for. */
const MAX_WATCHING = 1000;

/**
 * The Subscriptions watching a type. Asked at every write, so asked through the write validation's
 * lookup cache: a type nobody watches costs a lookup in memory, forgotten as soon as this process
 * writes a Subscription, and within LOOKUP_CACHE_MS when another process does.
 */
export function watchingSubscriptions(registries: FhirRegistries): (reader: ResourceReader, resourceType: string) => Promise<WatchingSubscription[]> {
  // Parsed once per stored version: the cache hands out the same resource objects until one changes.
  const parsed = new WeakMap<Resource, Criteria | null>();
  const criteriaOf = (subscription: Subscription): Criteria | null => {
    let criteria = parsed.get(subscription);
    if (criteria === undefined) {
      criteria = parseOrNull(subscription, registries);
      parsed.set(subscription, criteria);
    }
    return criteria;
  };
  // The query per type is built once: it is asked at every write.
  const queries = new Map<string, SearchQuery>();
  const queryFor = (resourceType: string) => {
    let query = queries.get(resourceType);
    if (!query) queries.set(resourceType, (query = watchingQuery(resourceType, registries)));
    return query;
  };
  return async (reader, resourceType) => {
    const { resources } = await reader.search(queryFor(resourceType));
    const watching: WatchingSubscription[] = [];
    for (const subscription of resources as Subscription[]) {
      // The criteria parameter matches by prefix: Observation finds ObservationDefinition's too.
      if (watchedType(subscription) !== resourceType) continue;
      const criteria = criteriaOf(subscription);
      if (criteria && subscription.id) watching.push({ id: subscription.id, criteria });
    }
    return watching;
  };
}

function watchingQuery(resourceType: string, registries: FhirRegistries): SearchQuery {
  const pairs: [string, string][] = [['status', 'active,error'], ['criteria', resourceType]];
  const { query } = parseSearch('Subscription', pairs, registries, true);
  return { ...query, count: MAX_WATCHING, total: 'none' };
}

/** Criteria stored before a search parameter they use was removed no longer parse: they match nothing. */
function parseOrNull(subscription: Subscription, registries: FhirRegistries): Criteria | null {
  try {
    return parseCriteria(subscription.criteria ?? '', registries);
  } catch {
    return null;
  }
}
