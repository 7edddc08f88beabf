import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { AccessControl, Requester } from '../fhir/access';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { errors, OperationOutcomeError } from '../fhir/outcomes';
import type { ReadMask } from '../fhir/read-masks';
import type { QueryFilter, SearchFilter } from '../store/repository';
import { parseCriteria } from './criteria';

/**
 * Who owns a Subscription: the client that created it, whose rights decide what its notifications
 * carry. The server stamps it in meta.source at every write through the API, whatever the client
 * sent, and keeps it across updates, so it can be trusted; the server's own status writes keep it too.
 */

const OWNER_BASE = 'https://stroma-fhir.org/fhir/subscriber/';

export function ownerStamp(clientId: string): string {
  return `${OWNER_BASE}${encodeURIComponent(clientId)}`;
}

/** The owning client's id, or undefined when the Subscription carries no owner stamp. */
export function ownerOf(subscription: Resource): string | undefined {
  const source = subscription.meta?.source;
  return source?.startsWith(OWNER_BASE) ? decodeURIComponent(source.slice(OWNER_BASE.length)) : undefined;
}

const ADMIN_ROLE = 'admin';

export const SUBSCRIPTION_MASK = 'subscription-owner';

/**
 * The owner's side of a Subscription, as a read mask: its channel headers (which may carry the
 * endpoint's credentials) are shown to its owner and admins only; a write stamps the owner, refuses
 * a client that is neither, and holds the criteria to a search the writer may make, so nobody
 * subscribes to what they could not search for.
 */
export function subscriptionOwnerMask(registries: FhirRegistries, accessFor: (requester: Requester) => AccessControl): ReadMask {
  const mayManage = (subscription: Resource, requester: Requester) =>
    requester.role === ADMIN_ROLE || ownerOf(subscription) === requester.clientId;
  return {
    name: SUBSCRIPTION_MASK,
    apply(resource, requester) {
      if (resource.resourceType !== 'Subscription' || mayManage(resource, requester)) return undefined;
      const subscription = resource as Subscription;
      if (!subscription.channel?.header) return undefined;
      const { header: _hidden, ...channel } = subscription.channel;
      return { ...subscription, channel };
    },
    guardWrite(incoming, stored, requester) {
      if (incoming.resourceType !== 'Subscription') return undefined;
      if (stored && !mayManage(stored, requester)) {
        throw errors.forbidden(`Subscription/${stored.id} belongs to another client: only it or an admin may change it`);
      }
      checkCriteriaFor(incoming as Subscription, accessFor(requester), registries);
      const owner = (stored && ownerOf(stored)) ?? requester.clientId;
      return { ...incoming, meta: { ...incoming.meta, source: ownerStamp(owner) } };
    },
  };
}

/**
 * A de-identified owner knows Patients by pseudonyms, which criteria evaluated on every write would
 * have to translate: its criteria may not name an id of a masked type (forbidden, reported as 422).
 */
function refuseMaskedIds(resourceType: string, filters: readonly QueryFilter[], masked: ReadonlySet<string>): void {
  for (const filter of filters) {
    if ('kind' in filter) throw errors.forbidden('criteria of a de-identified client may not chain or use _has');
    if (filter.param === '_id' ? masked.has(resourceType) : filter.param !== '_lastUpdated' && filter.param.type === 'reference' && mayNameMasked(filter, masked)) {
      throw errors.forbidden(`criteria of a de-identified client may not name ${[...masked].join(', ')} ids`);
    }
  }
}

/** Whether a reference filter's values could name a resource of a masked type (a bare id, or Type/id of one). */
function mayNameMasked(filter: SearchFilter, masked: ReadonlySet<string>): boolean {
  if (filter.param === '_id' || filter.param === '_lastUpdated') return false;
  const targets = filter.param.targets ?? [];
  return filter.values.some(({ value }) => {
    const type = /^([A-Z][A-Za-z]+)\//.exec(value)?.[1] ?? (filter.modifier && /^[A-Z]/.test(filter.modifier) ? filter.modifier : undefined);
    return type ? masked.has(type) : targets.length === 0 || targets.some((t) => masked.has(t));
  });
}

/** Refuses (422) criteria the requester could not search with: its notifications would show what it may not see. */
function checkCriteriaFor(subscription: Subscription, access: AccessControl, registries: FhirRegistries): void {
  const criteria = parseCriteria(subscription.criteria ?? '', registries);
  try {
    access.authorize({ interaction: 'search-type', resourceTypes: [criteria.resourceType] });
    access.constrainSearch(criteria.query);
    if (access.ids) refuseMaskedIds(criteria.query.resourceType, criteria.query.filters, access.ids.types);
  } catch (error) {
    if (!(error instanceof OperationOutcomeError) || error.category !== 'forbidden') throw error;
    const why = error.outcome.issue?.[0]?.diagnostics ?? 'refused';
    throw errors.businessRule(`Subscription.criteria is not a search client ${access.requester.clientId} may make: ${why}`, 'Subscription.criteria');
  }
}
