import type { Resource } from '@medplum/fhirtypes';
import type { Repository, ResourceWriter } from '../store/repository';
import type { Outcome } from './outcomes';
import type { FhirRegistries } from './conformance/registries';

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
  /** Set by the transaction processor only: the id it gave this create in advance (urn:uuid mapping). */
  assignedId?: string;
}

/** What every handler returns: the outcome, and the resource to send when there is one. */
export type HandlerResult = [Outcome, Resource?];

/** What a handler may use; `tx` is set when it runs inside a transaction Bundle. */
export interface HandlerContext {
  repo: Repository;
  tx?: ResourceWriter;
  registries: FhirRegistries;
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
