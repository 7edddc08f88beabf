import type { Subscription } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { errors } from '../fhir/outcomes';
import { parseQueryString } from '../fhir/router/query';
import { parseSearch } from '../fhir/search/parse-search';
import type { SearchQuery } from '../store/repository';

/** A Subscription's criteria (`AdverseEvent?study=ResearchStudy/x&seriousness=serious`) as a search. */
export interface Criteria {
  resourceType: string;
  /** The search, its filters ANDed as a search's are; sort, paging and totals play no part. */
  query: SearchQuery;
}

/**
 * The criteria parsed with the server's own search semantics, strictly: an unknown parameter is
 * refused (400), because ignoring it would widen what is sent. Subscriptions on Subscription are
 * refused (422): the server's own status writes would notify about themselves.
 */
export function parseCriteria(criteria: string, registries: FhirRegistries): Criteria {
  const mark = criteria.indexOf('?');
  const resourceType = (mark < 0 ? criteria : criteria.slice(0, mark)).trim();
  if (!registries.resourceTypes.has(resourceType)) {
    throw errors.invalid(`Subscription.criteria "${criteria}" does not start with a resource type`, 'Subscription.criteria');
  }
  if (resourceType === 'Subscription') {
    throw errors.businessRule('Subscription.criteria may not watch Subscriptions', 'Subscription.criteria');
  }
  const pairs = mark < 0 ? [] : parseQueryString(criteria.slice(mark + 1));
  const { query } = parseSearch(resourceType, pairs, registries, true);
  return { resourceType, query: { ...query, sort: [], count: 1, offset: 0, cursor: undefined, total: 'none' } };
}

/** The type a Subscription's criteria watch, without parsing its parameters (undefined when it names none). */
export function watchedType(subscription: Subscription): string | undefined {
  const criteria = subscription.criteria ?? '';
  const type = criteria.split('?', 1)[0].trim();
  return type === '' ? undefined : type;
}

/** Whether the resource `id` of the criteria's type meets them, asked of `exists` (a transaction, so its writes count). */
export function matchQuery(criteria: Criteria, id: string): SearchQuery {
  return { ...criteria.query, filters: [...criteria.query.filters, { param: '_id', values: [{ value: id }] }] };
}
