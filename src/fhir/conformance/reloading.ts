import type { Repository, ResourceWriter } from '../../store/repository';

/**
 * Definitions the server reads from the store (search parameters, profiles): each write of one is
 * checked by a guard on the transaction's writer, and they are loaded again once it has committed
 * (a rolled-back transaction changes nothing) and at an interval (other processes' writes).
 */
export interface ReloadedDefinitions {
  /** Wraps a transaction's writer; calls `touched` when a write concerns the definitions. */
  guard(tx: ResourceWriter, touched: () => void): ResourceWriter;
  load(repo: Repository): Promise<unknown>;
}

/** The repository with every transaction guarded, and the definitions loaded again after one that touched them. */
export function reloadingRepository(repo: Repository, definitions: ReloadedDefinitions): Repository {
  const transaction = async <T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> => {
    let touched = false;
    const result = await repo.transaction((tx) => fn(definitions.guard(tx, () => (touched = true))));
    if (touched) await definitions.load(repo);
    return result;
  };
  return Object.assign(Object.create(repo) as Repository, { transaction });
}

/** Loads the definitions again every `intervalMs`; returns the function that stops it. */
export function reloadEvery(repo: Repository, definitions: ReloadedDefinitions, intervalMs: number, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => void definitions.load(repo).catch(onError), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
