import type { Resource } from '@medplum/fhirtypes';
import type { ResourceKey, SearchQuery, StoredVersion, WriteMethod } from '../store/repository';

/**
 * The ports through which authorization and audit plug into the FHIR layer. The FHIR layer knows
 * that requests have a requester and that everything read or written passes an AccessControl; what
 * a role may do is decided behind these ports (src/auth).
 */

/** Who is asking, as authentication established it; the FHIR layer passes it on without interpreting it. */
export interface Requester {
  /** The registered client's id; `anonymous` when authorization is off (AUTH=off). */
  clientId: string;
  /** The client's role (ehr, registry, investigator, unblinded, admin). */
  role: string;
  /** The scopes granted to the token, space-separated, as in its `scope` claim. */
  scope: string;
  /** The requester asked for de-identified data (`_deidentify=true`); the registry role always gets it. */
  deidentify?: boolean;
}

/** Authenticates a request from its Authorization header. */
export interface Authenticator {
  /**
   * The requester the header's bearer token names. Throws OperationOutcomeError `login` (401) when
   * the header is missing, malformed, or the token is invalid or expired.
   */
  authenticate(authorization: string | undefined): Promise<Requester>;
}

/** What a request does, as the router sees it before anything is read or written. */
export interface RequestedAccess {
  /** The CapabilityStatement interaction, or `operation` for a $operation. */
  interaction: string;
  /** The operation's name without `$`, for an operation. */
  operation?: string;
  /** The resource type(s) the request concerns; empty at system level (then every type may be touched). */
  resourceTypes: readonly string[];
}

/** What the router notes of a request for its audit record. */
export interface RequestTrail {
  /** The interaction of the request itself (not of its Bundle entries), once routed. */
  interaction?: string;
  /** What it read and wrote, filled by the access-controlled repository. */
  entities: AuditEntity[];
}

/**
 * One requester's rights, consulted by the router for every request (each Bundle entry included) and
 * by the store wrapper for every resource read or written, so no path can forget them.
 */
export interface AccessControl {
  readonly requester: Requester;
  /** Throws `forbidden` (403) unless the request is allowed at all; decided without the store, so it reveals nothing. */
  authorize(access: RequestedAccess): void;
  /**
   * A search the requester makes, with the constraints its rights add (only its own pushes, say), so
   * pages and totals count only what it may see; throws `forbidden` when the query reaches (through a
   * chain or `_has`) a type it may not read.
   */
  constrainSearch(query: SearchQuery): SearchQuery;
  /** A resource as the requester may see it (elements masked, labelled MASKED), or undefined when hidden. */
  filterRead(resource: Resource): Resource | undefined;
  /**
   * The resource to write when the requester may write `resource` by `method` (with what the server
   * keeps or sets for this requester: its source stamp, elements hidden from it kept as stored); throws
   * `forbidden` when it may not. `previous` is the version it replaces, as the requester sees it.
   */
  checkWrite(resource: Resource, method: WriteMethod, previous: StoredVersion | undefined): Resource;
  /**
   * Called once the write's business rules have run, before commit, with what will be stored and what the
   * requester sent: throws `forbidden` when the rules made the write one the requester may not make
   * (stating an element that the labels the server set now hide from it); the transaction then rolls back.
   */
  checkWritten(written: Resource, sent: Resource): void;
}

/** What the audit trail records of one request, once it has been answered. */
export interface AuditRecord {
  /** When the request arrived (ISO instant). */
  started: string;
  requestId: string;
  /** Absent when authentication failed. */
  requester?: Requester;
  /** The client's network address. */
  address?: string;
  method: string;
  /** The path below the server root, as requested: `/fhir/Observation/1`, `/auth/token`. */
  path: string;
  /** The query string without `?` (admins only read audit events). */
  query: string;
  /** The interaction (`read`, `search-type`, `create`, `transaction`, `operation`, `token`...), when the request got that far. */
  interaction?: string;
  /** The HTTP status of the answer. */
  status: number;
  /** Why it failed (an OperationOutcome's first diagnostics), for failures. */
  failure?: string;
  /** The resources read, written or deleted while answering (bounded). */
  entities: AuditEntity[];
}

export interface AuditEntity extends ResourceKey {
  versionId?: string;
  action: 'read' | 'write' | 'delete';
}

/** Where audit records go: recorded without waiting for storage, flushed on shutdown. */
export interface AuditSink {
  record(record: AuditRecord): void;
}
