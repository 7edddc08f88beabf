import type { Resource } from '@medplum/fhirtypes';

/**
 * The store port: the only store module that fhir/ and the domain layers import.
 * Everything here speaks FHIR resources and typed queries, never SQL.
 */

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One version of one resource; a deleted version carries no resource. */
export interface StoredVersion {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  resource?: Resource;
}

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

/** A search parameter as the indexer and the query planner need it. */
export interface IndexedParameter {
  resourceType: string;
  code: string;
  type: SearchParamType;
  /** FHIRPath over a resource of resourceType. */
  expression: string;
  /** Resource types a reference parameter may point at. */
  targets?: string[];
}

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** One condition; values are ORed, a query's filters are ANDed. */
export interface SearchFilter {
  /** The indexed parameter, or one of the resource-level parameters _id and _lastUpdated. */
  param: IndexedParameter | '_id' | '_lastUpdated';
  modifier?: string;
  values: { prefix?: Prefix; value: string }[];
}

export interface SortRule {
  param: IndexedParameter | '_id' | '_lastUpdated';
  descending: boolean;
}

export interface SearchQuery {
  resourceType: string;
  filters: SearchFilter[];
  sort: SortRule[];
  count: number;
  offset: number;
  total: 'none' | 'accurate';
}

export interface SearchResult {
  resources: Resource[];
  /** Present when the query asked for an accurate total. */
  total?: number;
  /** Whether more matches follow this page. */
  hasMore: boolean;
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  /** Only versions written at or after this instant. */
  since?: string;
  /** Only versions current at some moment of this date's range (a date, dateTime or instant). */
  at?: string;
  count: number;
  /** The history position after which the page starts (newest first); from a previous page. */
  before?: number;
}

export interface HistoryPage {
  /** Each version with the interaction that wrote it and its history position. */
  versions: (StoredVersion & { method: WriteMethod; position: number })[];
  hasMore: boolean;
}

export interface ResourceReader {
  /** The current version of a resource, a tombstone if its last version is a delete. */
  read(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  search(query: SearchQuery): Promise<SearchResult>;
}

export interface ResourceWriter extends ResourceReader {
  /** Reads the current version and locks it until the transaction ends. */
  readForUpdate(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  /**
   * Stores `resource` as the next version after `previous` (version 1 when there is none),
   * with server-set meta.versionId and meta.lastUpdated, and its search index rows.
   */
  write(resource: Resource, method: WriteMethod, previous?: StoredVersion): Promise<StoredVersion>;
  /** Records a deletion as a new, empty version. */
  remove(previous: StoredVersion): Promise<StoredVersion>;
  /** Holds a lock named `key` until the transaction ends, serializing writers that take the same key. */
  lock(key: string): Promise<void>;
}

export interface BulkCreateOptions {
  /** Called after each batch is committed, with the number of resources written so far. */
  onProgress?: (written: number) => void;
}

export interface Repository extends ResourceReader {
  /**
   * Loads many new resources at once (data sets, benchmarks, imports): each becomes version 1 of a
   * new resource under the id it carries (a new UUID when it has none), with the same current,
   * history and index rows a create writes, in large batches. Each batch commits on its own, so a
   * failure leaves the batches before it stored; an id already stored fails its batch. Resources
   * are stored as given: validation is the caller's. Resolves to the number of resources written.
   */
  bulkCreate(resources: Iterable<Resource> | AsyncIterable<Resource>, options?: BulkCreateOptions): Promise<number>;
  /**
   * Runs fn in one database transaction: all its writes commit together or not at all.
   * fn may be re-run after a serialization conflict, so it must do nothing but read and write through tx.
   */
  transaction<T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A search value the store cannot turn into a query (a malformed date, an empty token...). */
export class InvalidSearchError extends Error {}

/** A write lost a race with a concurrent writer even after retries. */
export class WriteConflictError extends Error {}

/** The store cannot be opened as configured (for example, its data directory is in use). */
export class StoreUnavailableError extends Error {}
