import type { AuditEvent } from '@medplum/fhirtypes';

/**
 * The store port for the audit trail: an append-only log of AuditEvents, kept apart from the
 * resource tables. Every request is audited, so an audit event must cost far less than a resource
 * write (current and history rows plus a dozen search index rows would halve the server's
 * throughput); the log keeps one row per event with the few columns admins search by.
 */
export interface AuditLog {
  /**
   * Appends the events in one statement, each given its id (its position in the log, as text) and
   * meta (versionId 1, lastUpdated = recorded); durable once it resolves. Resolves to the ids, in order.
   */
  append(events: AuditEvent[]): Promise<string[]>;
  read(id: string): Promise<AuditEvent | undefined>;
  search(query: AuditLogQuery): Promise<AuditLogPage>;
}

/** A bound on `recorded`: `ge 2026-12-01T00:00:00Z`. */
export interface InstantBound {
  comparator: 'gt' | 'ge' | 'lt' | 'le';
  instant: string;
}

/**
 * What an admin may search the log by; every condition given must hold (ANDed), the values of one
 * condition are alternatives (ORed).
 */
export interface AuditLogQuery {
  ids?: string[];
  /** All of these bounds on `recorded`. */
  recorded?: InstantBound[];
  /** The requesting client's id (`agent.altId`). */
  clients?: string[];
  /** A resource the event names (`entity.what`), as `Type/id` (any version of it matches). */
  entities?: string[];
  /** Codes of `subtype` (`read`, `search-type`, `token`, `validate`...). */
  subtypes?: string[];
  /** `0`, `4`, `8`, `12`. */
  outcomes?: string[];
  /** `C`, `R`, `U`, `D`, `E`. */
  actions?: string[];
  /** The requester's network address. */
  addresses?: string[];
  newestFirst: boolean;
  count: number;
  /** Where the page starts: a cursor this log returned for the same query, else the first page. */
  cursor?: string;
  total: boolean;
}

export interface AuditLogPage {
  events: AuditEvent[];
  /** When the query asked for it. */
  total?: number;
  nextCursor?: string;
}
