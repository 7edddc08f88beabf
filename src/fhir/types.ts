import type { Resource } from '@medplum/fhirtypes';
import type { Repository, ResourceWriter } from '../store/repository';
import type { AccessControl, RequestTrail } from './access';
import type { Outcome } from './outcomes';
import type { FhirRegistries } from './conformance/registries';
import type { SearchParameterDefinitions } from './conformance/search-parameter-definitions';
import type { WriteValidation } from './validation/pipeline';

export type FhirMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type PreferReturn = 'minimal' | 'representation' | 'OperationOutcome';

/** A FHIR interaction request, free of any HTTP framework. */
export interface FhirRequest {
  method: FhirMethod;
  /** The path below the FHIR base without a leading slash: "Patient/1/_history/2", "metadata", "". */
  path: string;
  /** Query parameters in request order; a repeated name appears once per occurrence. */
  query: [string, string][];
  body?: unknown;
  /** The media type of the body, without parameters. */
  contentType?: string;
  ifMatch?: string;
  ifNoneMatch?: string;
  ifNoneExist?: string;
  ifModifiedSince?: string;
  preferReturn?: PreferReturn;
  preferHandling?: 'strict' | 'lenient';
  /** `Prefer: respond-async`: the client takes a 202 and a status URL (R4 http.html#async; Bulk Data kick-off). */
  preferRespondAsync?: boolean;
  /** Set by the transaction processor only: the id it gave this create in advance (urn:uuid mapping). */
  assignedId?: string;
  /**
   * Set by an intake only (src/fhir/intake.ts): the request needs no routing, this is its answer (a
   * Patient entry an EHR sent to name the patient, matched and not written).
   */
  answer?: HandlerResult;
  /** Set for the requests of a batch or transaction's entries. */
  inBundle?: boolean;
}

/** What every handler returns: the outcome, and the resource to send when there is one. */
export type HandlerResult = [Outcome, Resource?];

/** What a handler may use; `tx` is set when it runs inside a transaction Bundle. */
export interface HandlerContext {
  /** The store as the requester may use it (see accessControlledRepository). */
  repo: Repository;
  /** The requester's rights: the router asks it before every request and Bundle entry is routed. */
  access: AccessControl;
  /** Where the router notes the request's interaction for the audit trail. */
  trail?: RequestTrail;
  tx?: ResourceWriter;
  registries: FhirRegistries;
  /** Where the registry's project search parameters come from; reindexing goes through it. */
  definitions: SearchParameterDefinitions;
  /** The validation of every write; $validate asks it too. */
  validation: WriteValidation;
  baseUrl: string;
  limits: { bundleMaxEntries: number };
  /** Re-dispatches a request through the router (used by batch and transaction). */
  dispatch(request: FhirRequest, context: HandlerContext): Promise<HandlerResult>;
}

export type Handler = (request: FhirRequest, params: RouteParams, context: HandlerContext) => Promise<HandlerResult>;

export interface RouteParams {
  type?: string;
  id?: string;
  versionId?: string;
}

/** CapabilityStatement interaction codes (R4 TypeRestfulInteraction and SystemRestfulInteraction). */
export type InteractionCode =
  | 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'history-instance' | 'history-type' | 'create'
  | 'search-type' | 'transaction' | 'batch' | 'history-system' | 'search-system' | 'capabilities';

/**
 * One row per interaction: the router matches requests against this table and the
 * CapabilityStatement lists it, so what is declared is exactly what is routed.
 * Segments: ":type" a resource type, ":id" an id, ":vid" a version, anything else literal.
 */
export interface Route {
  method: FhirMethod;
  segments: string[];
  /** Route only when the request has (true) or has no (false) query parameters; undefined: either. */
  conditional?: boolean;
  interactions: InteractionCode[];
  /**
   * An operation the route serves ($name), listed with its OperationDefinition's canonical URL: in
   * rest.operation when the route is at system level, in every resource type's operation when its
   * segments start with ":type" (type or instance level; only the `types` it is limited to, if any).
   */
  operation?: { name: string; definition: string };
  /**
   * Whether ":type" also matches the R4 resource types the server does not store (Parameters,
   * OperationOutcome...): $validate checks content of every type, stored or not.
   */
  anyResourceType?: boolean;
  /** Limits ":type" to these resource types (an operation defined on ResearchStudy only). */
  types?: readonly string[];
  handler: Handler;
}
