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

/** The key of a parameter in the search index: `Observation.code`. */
export function parameterKey(resourceType: string, code: string): string {
  return `${resourceType}.${code}`;
}

export interface ReindexOptions {
  /** Only resources of these types; every type when absent or empty. */
  resourceTypes?: readonly string[];
  /** Resources per batch; each batch is one transaction. */
  batchSize?: number;
  /** Start a new run even when an interrupted run with the same types and definitions could be resumed. */
  restart?: boolean;
  /** Checked between batches: once aborted, the run stops after the batch in progress (and can be resumed). */
  signal?: AbortSignal;
  /** Called once before the first batch and after each batch. */
  onProgress?(progress: ReindexProgress): void;
}

export interface ReindexProgress {
  /** Resources rebuilt so far by this run, including those of an earlier, interrupted attempt. */
  done: number;
  /** Resources the run covers: those that existed when it started. */
  total: number;
  /** True when this call continues an interrupted run. */
  resumed: boolean;
}

export interface ReindexResult extends ReindexProgress {
  /** False when the run was aborted before it covered every resource. */
  finished: boolean;
  /** Keys (parameterKey) of the parameters that became searchable with this run. */
  completed: string[];
}

/**
 * The search index as a whole: which parameters it extracts at every write, and whether their
 * rows are complete. A parameter added or changed while resources of its type exist has rows only
 * for resources written since; until a reindex has passed over the older ones, searching by it
 * is refused (InvalidSearchError) rather than answered from incomplete rows.
 */
export interface SearchIndex {
  /**
   * Extracts exactly these parameters from every write from now on, records their definitions, and
   * returns the keys of those whose rows are not complete yet. A parameter seen for the first time
   * is complete when no resource of its type exists, or when `assumeComplete` says so (definitions
   * the server has always indexed).
   */
  configure(parameters: readonly IndexedParameter[], assumeComplete: (param: IndexedParameter) => boolean): Promise<ReadonlySet<string>>;
  /** Rebuilds the index rows of stored resources, batch by batch, with the parameters configured. */
  reindex(options?: ReindexOptions): Promise<ReindexResult>;
}

export interface Repository extends ResourceReader {
  readonly searchIndex: SearchIndex;
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
