import type { Resource } from '@medplum/fhirtypes';
import type { AccessControl, RequestedAccess, Requester } from '../../fhir/access';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors } from '../../fhir/outcomes';
import type { SearchQuery, StoredVersion, WriteMethod } from '../../store/repository';
import { isDeidentified } from './deidentification';
import { isResourceInteraction, isSystemLevel, WRITE_INTERACTIONS, type ResourceInteraction } from './interactions';
import { operationAllowed, operationRule, type OperationRule } from './operations';
import { isClientSource, isOwnedBy, ownSourceFilter, stampSource } from './own-source';
import { Rights } from './rights';
import { checkMaskedParameters, checkReachedTypes, narrowTypes, reachesOtherResources } from './search-constraints';

/**
 * Operations whose answers pass the read masks (the summaries' reports, $export's resources) or hold no
 * stored data ($validate): the only ones a de-identified requester may call.
 */
const DEIDENTIFIED_OPERATIONS: ReadonlySet<string> = new Set(['validate', 'export', 'safety-summary', 'efficacy-summary', 'participant-flow']);

/** Interactions every role may make: what they touch is authorized entry by entry, or is public. */
const ALWAYS_ALLOWED = new Set(['capabilities', 'transaction', 'batch']);

const WRITE_INTERACTION: Record<WriteMethod, ResourceInteraction> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export interface AccessControlOptions {
  registries: FhirRegistries;
  /** Rules for operations beyond the built-in ones (an operation with no rule is for admins only). */
  operations?: Readonly<Record<string, OperationRule>>;
}

/** The requester the FHIR layer runs as when authorization is off (AUTH=off, loopback only). */
export function anonymousAdmin(): Requester {
  return { clientId: 'anonymous', role: 'admin', scope: 'system/*.cruds' };
}

/**
 * The access policy of one requester: its role's rules and its token's scopes, both of which must
 * allow a request. 403 messages say what was refused (role, interaction, type) and never depend on
 * whether a resource exists.
 */
export function createAccessControl(requester: Requester, options: AccessControlOptions): AccessControl {
  const rights = new Rights(requester, options.registries.resourceTypes);
  const { registries } = options;
  const ownSourceOnly = rights.role.ownSourceOnly;
  const deidentified = isDeidentified(requester);

  const requireRight = (interaction: ResourceInteraction, resourceType: string): void => {
    const refusal = rights.refusal(interaction, resourceType);
    if (refusal) throw errors.forbidden(refusal);
  };

  const authorizeInteraction = (interaction: ResourceInteraction, resourceTypes: readonly string[]): void => {
    if (resourceTypes.length > 0) {
      for (const type of resourceTypes) requireRight(interaction, type);
      return;
    }
    // A system-level request ranges over every type: allowed when some type is allowed, then
    // narrowed (constrainSearch) or filtered (filterRead) to those types.
    if (isSystemLevel(interaction) && rights.someType((type) => rights.may(interaction, type))) return;
    throw errors.forbidden(`Role ${requester.role} with these scopes may not ${interaction} on any type`);
  };

  const authorizeOperation = (name: string, resourceTypes: readonly string[]): void => {
    if (operationAllowed(operationRule(name, options.operations ?? {}), rights, resourceTypes)) return;
    const on = resourceTypes.length > 0 ? ` on ${resourceTypes.join(', ')}` : '';
    throw errors.forbidden(`Role ${requester.role} with these scopes may not call $${name}${on}`);
  };

  const ids = registries.readMasks.idsFor(requester);
  return {
    requester,
    ...(ids ? { ids } : {}),

    authorize({ interaction, operation, resourceTypes }: RequestedAccess): void {
      if (ALWAYS_ALLOWED.has(interaction)) return;
      if (interaction === 'operation') authorizeOperation(operation ?? '', resourceTypes);
      else if (isResourceInteraction(interaction)) authorizeInteraction(interaction, resourceTypes);
      else throw errors.forbidden(`The access policy does not allow the interaction ${interaction}`);
      // What the role may do, a de-identified view of it may not always: asked after, so a role's refusal reads the same.
      if (deidentified) refuseToDeidentified(interaction, operation, resourceTypes);
    },

    constrainSearch(query: SearchQuery): SearchQuery {
      const narrowed = narrowTypes(query, rights);
      checkReachedTypes(narrowed, rights);
      checkMaskedParameters(narrowed, registries.readMasks, requester);
      if (!ownSourceOnly) return narrowed;
      // Chains could match on other clients' resources of the same type; the source constraint
      // only binds the searched resources themselves.
      if (reachesOtherResources(narrowed)) {
        throw errors.forbidden(`Role ${requester.role} may not search through chains or _has: it sees only the resources it sent`);
      }
      const own = ownSourceFilter(requester.clientId, narrowed.resourceType, narrowed.types, registries.searchParameters);
      return { ...narrowed, filters: [...narrowed.filters, own] };
    },

    filterRead(resource: Resource): Resource | undefined {
      if (!rights.mayRead(resource.resourceType)) return undefined;
      if (ownSourceOnly && !isOwnedBy(resource, requester.clientId)) return undefined;
      return registries.readMasks.apply(resource, requester);
    },

    checkWrite(resource: Resource, method: WriteMethod, previous: StoredVersion | undefined): Resource {
      const type = resource.resourceType;
      const interaction = WRITE_INTERACTION[method];
      requireRight(interaction, type);
      if (ownSourceOnly) {
        // Checked before anything else that depends on `previous`, so the answer is the same whether
        // the resource is absent or another client's (even if `previous` was not filtered): existence is not revealed.
        if (method !== 'POST' && !(previous?.resource && isOwnedBy(previous.resource, requester.clientId))) {
          throw errors.forbidden(`Role ${requester.role} may ${interaction} only ${type} resources it sent`);
        }
        stampSource(resource, requester.clientId);
      } else {
        checkNoForgedStamp(resource, previous);
        // An update that creates the resource (or brings a deleted one back) is a create too.
        if (method === 'PUT' && (!previous || previous.deleted)) requireRight('create', type);
      }
      if (method === 'DELETE') return resource;
      return registries.readMasks.guardWrite(resource, previous?.deleted ? undefined : previous?.resource, requester);
    },

    checkWritten(written: Resource, sent: Resource): void {
      registries.readMasks.guardWritten(written, sent, requester);
    },
  };
}

/**
 * What a de-identified requester may not do, whatever its role: write (it sees pseudonymous ids and
 * shifted dates, not what is stored), or call an operation that does not answer through the read masks.
 * Its own Subscriptions are the exception: their notifications pass its read masks, and the owner's
 * write checks hold their criteria to a search naming no pseudonymous id (src/subscriptions/owner.ts).
 */
function refuseToDeidentified(interaction: string, operation: string | undefined, resourceTypes: readonly string[]): void {
  const subscriptionsOnly = resourceTypes.length > 0 && resourceTypes.every((t) => t === 'Subscription');
  if ((WRITE_INTERACTIONS as readonly string[]).includes(interaction) && !subscriptionsOnly) {
    throw errors.forbidden(`De-identified data is read-only: ${interaction} is not allowed with de-identification`);
  }
  if (interaction === 'operation' && !DEIDENTIFIED_OPERATIONS.has(operation ?? '')) {
    throw errors.forbidden(`$${operation} is not available with de-identification: its answer would not be de-identified`);
  }
}

/**
 * A client's stamp says an outside system sent the resource (and lets that system read it): only the
 * server sets it. Others may keep the stamp a stored version has (an investigator's note on a pushed result).
 */
function checkNoForgedStamp(resource: Resource, previous: StoredVersion | undefined): void {
  const source = resource.meta?.source;
  if (isClientSource(source) && source !== previous?.resource?.meta?.source) {
    throw errors.forbidden(`meta.source ${source} is a client's stamp, which only the server sets`);
  }
}
