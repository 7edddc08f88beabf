import type { Resource } from '@medplum/fhirtypes';
import type { DeliveryOutbox } from './subscription-deliveries';

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
  /** A composite parameter's components, in order: each is evaluated on every element the expression yields. */
  components?: CompositeComponent[];
}

/** One component of a composite parameter: the parameter it is searched as, and its FHIRPath relative to the element. */
export interface CompositeComponent {
  param: IndexedParameter;
  expression: string;
}

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** One search value after its prefix was split off. */
export interface SearchValue {
  prefix?: Prefix;
  value: string;
  /** For a composite parameter: the `$`-separated values, one per component, each with its own prefix. */
  components?: SearchValue[];
}

/** One condition; values are ORed, a query's filters are ANDed. */
export interface SearchFilter {
  /** The indexed parameter, or one of the resource-level parameters _id and _lastUpdated. */
  param: IndexedParameter | '_id' | '_lastUpdated';
  modifier?: string;
  values: SearchValue[];
  /**
   * In a search over several types (system-level search), the types whose index rows hold the
   * parameter's values; `param` is then the same parameter as defined on any one of them.
   */
  resourceTypes?: string[];
}

/**
 * A chained parameter (`subject:Patient.name=peter`): the resource refers, through `reference`,
 * to a resource that meets `filter`. One link per possible target type, ORed; a deleted target
 * never matches.
 */
export interface ChainedFilter {
  kind: 'chain';
  /** A reference parameter of the searched type. */
  reference: IndexedParameter;
  targets: { resourceType: string; filter: QueryFilter }[];
}

/**
 * Reverse chaining (`_has:Observation:subject:code=1234-5`): some resource of `reference`'s type
 * refers to the searched one through `reference` and meets `filter`; deleted ones never count.
 */
export interface ReverseChainedFilter {
  kind: 'has';
  /** A reference parameter of the referring type (its resourceType is that type). */
  reference: IndexedParameter;
  /** The searched type: the type the references must point at. */
  targetType: string;
  filter: QueryFilter;
}

/**
 * At least one of several conditions holds (an OR across filters, where a query's own filters are
 * ANDed): a parameter that a resource can meet in more than one way, by its own element or
 * through a chain, is searched as one of these.
 */
export interface AnyOfFilter {
  kind: 'any';
  filters: QueryFilter[];
}

/** Any condition of a search: a plain parameter, a chain, a reverse chain, or any of several. */
export type QueryFilter = SearchFilter | ChainedFilter | ReverseChainedFilter | AnyOfFilter;

export interface SortRule {
  param: IndexedParameter | '_id' | '_lastUpdated';
  descending: boolean;
}

export interface SearchQuery {
  /** The type searched; in a search over several types (see `types`), the first of them. */
  resourceType: string;
  /** Set for a system-level search (`GET [base]?_type=...`): every type searched. */
  types?: string[];
  filters: QueryFilter[];
  sort: SortRule[];
  count: number;
  /** Matches to skip after the page position (an explicit `_offset`; the paging links use cursors). */
  offset: number;
  /** Where the page starts: a cursor this store returned for the same query, else the first page. */
  cursor?: string;
  /** `estimate` may come from the query planner's row estimate when the matches are many. */
  total: 'none' | 'estimate' | 'accurate';
}

export interface SearchResult {
  resources: Resource[];
  /** Present unless the query asked for no total. */
  total?: number;
  /** Cursor of the page after this one, when more matches follow. */
  nextCursor?: string;
  /** Cursor of the page before this one, when this page was not the first. */
  previousCursor?: string;
}

/** A resource named by type and id. */
export interface ResourceKey {
  resourceType: string;
  id: string;
}

/** One reference parameter to follow for _include (forward) or _revinclude (reverse). */
export interface IncludeRequest {
  /** forward: what the given resources refer to; reverse: the resources that refer to them. */
  direction: 'forward' | 'reverse';
  /** A reference parameter of the referring type (its resourceType is that type). */
  param: IndexedParameter;
  /** Only references to this type (required for reverse: the type of the resources referred to). */
  targetType?: string;
}

export interface IncludeQuery {
  /** The resources whose references (or referrers) are followed. */
  from: ResourceKey[];
  requests: IncludeRequest[];
  /** Resources already in the answer, never returned again. */
  exclude: ResourceKey[];
  /** At most this many resources come back. */
  limit: number;
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

/**
 * A tabulation: for each current resource of a type that meets the filters, the values its search
 * index holds for each column's parameter. It answers aggregate questions (how many events of which
 * grade, when) from the index rows alone, without reading any resource. Read masks cannot apply to
 * values that are not resources, so only the server's own code tabulates (the requester's store
 * refuses it), and that code answers for what it shows.
 */
export interface TabulateQuery {
  resourceType: string;
  filters: QueryFilter[];
  /** Column name -> a parameter of resourceType. */
  columns: Readonly<Record<string, IndexedParameter>>;
}

/**
 * One indexed value: a token's code (without its system), a reference as `Type/id` (or its URL when it
 * is not to a resource), a string or uri as stored, a date or period as the ISO instant it starts at,
 * a number, a quantity's value in UCUM base units where UCUM converts its unit (else as stored).
 */
export type TabulatedValue = string | number;

export interface TabulatedRow {
  id: string;
  /** For each column, the resource's values (none when it has no value for the parameter). */
  values: Record<string, TabulatedValue[]>;
}

export interface ResourceReader {
  /** The current version of a resource, a tombstone if its last version is a delete. */
  read(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  search(query: SearchQuery): Promise<SearchResult>;
  /**
   * Whether any current resource meets the query's filters (its sort, count and paging do not
   * matter): cheaper than a search, for checks asked at every write (is this patient enrolled?).
   */
  exists(query: SearchQuery): Promise<boolean>;
  /** Current, not deleted resources reached from `from` by the requests, each once, in a stable order. */
  include(query: IncludeQuery): Promise<Resource[]>;
  /** The index values of every matching resource (see TabulateQuery), in no particular order. */
  tabulate(query: TabulateQuery): Promise<TabulatedRow[]>;
}

export interface ResourceWriter extends ResourceReader {
  /**
   * Reads that never force this transaction's buffered writes out to the database: they see what
   * is committed and what the transaction has already sent, but maybe not its latest writes. For
   * checks made at each write that are made again, through the writer itself, before commit; they
   * keep a transaction's writes in one statement, and a lone create out of a transaction of its own.
   */
  readonly lookup: ResourceReader;
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
  /** lock() for several keys in one round trip, taken in a fixed order so two writers cannot deadlock on them. */
  lockAll(keys: readonly string[]): Promise<void>;
  /** Entries appended in this transaction commit or roll back with its resources. */
  readonly journal: Journal;
  /** Subscription notifications queued in this transaction commit or roll back with its resources. */
  readonly deliveries: DeliveryOutbox;
}

/** One entry of a journal stream. */
export interface JournalEntry {
  /** Its position in the stream, from 1. */
  seq: number;
  /** When it was appended (ISO instant, the database's clock). */
  recorded: string;
  content: Record<string, unknown>;
}

/**
 * Append-only streams of JSON entries kept beside the resources and never served as resources: state a
 * domain rule owns and no FHIR path may reach (a randomization's allocation log and secret). Appending
 * to a stream that concurrent transactions also append to must happen under a `lock` they share.
 */
export interface Journal {
  append(stream: string, content: Record<string, unknown>): Promise<JournalEntry>;
  /** The stream's entries in order (none for a stream never appended to). */
  entries(stream: string): Promise<JournalEntry[]>;
  /** The stream's newest entry, read without the others (state kept as its latest entry: a watermark, a lease). */
  last(stream: string): Promise<JournalEntry | undefined>;
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

export interface BulkCreateOptions {
  /** Called after each batch is committed, with the number of resources written so far. */
  onProgress?: (written: number) => void;
}

export interface Repository extends ResourceReader {
  readonly searchIndex: SearchIndex;
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
