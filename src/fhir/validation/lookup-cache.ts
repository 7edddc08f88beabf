import type { ResourceReader, SearchQuery, SearchResult, StoredVersion } from '../../store/repository';

interface Answer {
  value: unknown;
  /** The generation of the searched type it was asked in. */
  generation: number;
  askedAt: number;
}

/** Searches remembered only when they found at most this many resources (a participant's few studies). */
const MAX_REMEMBERED_MATCHES = 20;

/**
 * Existence questions that select a write's profiles ("is this patient enrolled?"), and the small
 * searches and reads of the rules that judge writes (a hospital result's patient and studies), remembered
 * across transactions. What it hands out is shared: callers must not change it. Asking the database before each lab result put a second round trip on
 * every create: about a quarter of the create throughput at 16 clients (bench/RESULTS.md).
 *
 * An answer is about the type searched. It is forgotten as soon as a transaction of this process
 * writes that type, and again when that transaction ends; it is kept only when no such transaction
 * was open while it was asked (which may have seen that transaction's unsent or uncommitted writes).
 * Writes by another server process, or outside the validated write path, reach it within `ttlMs`,
 * as other processes' uploaded profiles do within PROFILE_REFRESH_MS. Only plain parameter filters
 * are answered from memory: a chain would depend on writes of other types.
 */
export class LookupCache {
  private readonly answers = new Map<string, Answer>();
  private readonly generations = new Map<string, number>();
  private readonly openWriters = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxAnswers = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `reader` with exists(), small searches and reads answered from memory when they may be. */
  reader(reader: ResourceReader): ResourceReader {
    if (this.ttlMs <= 0) return reader;
    return Object.assign(Object.create(reader) as ResourceReader, {
      exists: (query: SearchQuery) => (cacheable(query) ? this.answer(query.resourceType, `exists ${queryKey(query)}`, () => reader.exists(query)) : reader.exists(query)),
      search: (query: SearchQuery) => (cacheable(query) && query.total === 'none' ? this.search(reader, query) : reader.search(query)),
      read: (resourceType: string, id: string) => this.answer(resourceType, `read ${resourceType}/${id}`, () => reader.read(resourceType, id)),
    });
  }

  /** A transaction is about to write (or delete) a resource of `resourceType`; call once per type. */
  writeBegins(resourceType: string): void {
    this.bump(resourceType);
    this.openWriters.set(resourceType, (this.openWriters.get(resourceType) ?? 0) + 1);
  }

  /** That transaction has committed or rolled back. */
  writeEnds(resourceType: string): void {
    this.bump(resourceType);
    const open = (this.openWriters.get(resourceType) ?? 1) - 1;
    if (open > 0) this.openWriters.set(resourceType, open);
    else this.openWriters.delete(resourceType);
  }

  private async search(reader: ResourceReader, query: SearchQuery): Promise<SearchResult> {
    const found = await this.answer(query.resourceType, `search ${queryKey(query)}`, () => reader.search(query), (r) => r.resources.length <= MAX_REMEMBERED_MATCHES && !r.nextCursor);
    return { ...found };
  }

  private async answer<T extends boolean | SearchResult | StoredVersion | undefined>(
    type: string, key: string, ask: () => Promise<T>, keep: (value: T) => boolean = () => true,
  ): Promise<T> {
    const known = this.answers.get(key);
    if (known && known.generation === this.generation(type) && this.now() - known.askedAt < this.ttlMs) {
      return known.value as T;
    }
    const generation = this.generation(type);
    const askedAt = this.now();
    const value = await ask();
    if (generation === this.generation(type) && !this.openWriters.has(type) && keep(value)) this.remember(key, { value, generation, askedAt });
    return value;
  }

  private remember(key: string, answer: Answer): void {
    this.answers.delete(key);
    if (this.answers.size >= this.maxAnswers) {
      // The oldest answer goes (a Map iterates in insertion order).
      this.answers.delete(this.answers.keys().next().value as string);
    }
    this.answers.set(key, answer);
  }

  private generation(resourceType: string): number {
    return this.generations.get(resourceType) ?? 0;
  }

  private bump(resourceType: string): void {
    this.generations.set(resourceType, this.generation(resourceType) + 1);
  }
}

function cacheable(query: SearchQuery): boolean {
  return query.types === undefined && query.cursor === undefined && query.filters.every((f) => !('kind' in f));
}

/** A query's identity: a parameter is known by its type and code; its definition need not be part of it. */
export function queryKey(query: SearchQuery): string {
  return JSON.stringify(query, (name, value) =>
    (name === 'param' || name === 'reference') && typeof value === 'object' ? `${value.resourceType}.${value.code}` : value);
}
