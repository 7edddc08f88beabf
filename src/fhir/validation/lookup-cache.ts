import type { ResourceReader, SearchQuery } from '../../store/repository';

interface Answer {
  exists: boolean;
  /** The generation of the searched type it was asked in. */
  generation: number;
  askedAt: number;
}

/**
 * Existence questions that select a write's profiles ("is this patient enrolled?"), remembered
 * across transactions. Asking the database before each lab result put a second round trip on
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

  /** `reader` with exists() answered from memory when it may be. */
  reader(reader: ResourceReader): ResourceReader {
    if (this.ttlMs <= 0) return reader;
    return Object.assign(Object.create(reader) as ResourceReader, {
      exists: (query: SearchQuery) => (cacheable(query) ? this.exists(reader, query) : reader.exists(query)),
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

  private async exists(reader: ResourceReader, query: SearchQuery): Promise<boolean> {
    const type = query.resourceType;
    const key = queryKey(query);
    const known = this.answers.get(key);
    if (known && known.generation === this.generation(type) && this.now() - known.askedAt < this.ttlMs) {
      return known.exists;
    }
    const generation = this.generation(type);
    const askedAt = this.now();
    const exists = await reader.exists(query);
    if (generation === this.generation(type) && !this.openWriters.has(type)) this.remember(key, { exists, generation, askedAt });
    return exists;
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
