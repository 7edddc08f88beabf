import { unchangedBy } from '../same-content';
import type { Resource } from '@medplum/fhirtypes';
import type { Repository, ResourceReader, ResourceWriter, SearchQuery, StoredVersion, WriteMethod } from '../../store/repository';
import { bySeverity, OperationOutcomeError, outcomeOf } from '../outcomes';
import { LookupCache, queryKey } from './lookup-cache';
import type { ResourceValidator, ValidationIssue } from './types';
import { BusinessRuleRegistry } from './business-rules';
import type { ProfileRuleRegistry } from './write-rules';

/**
 * The validation every write goes through: base R4, each profile of meta.profile, and the profiles
 * the registered rules select (trial data must conform to the trial profiles). $validate asks the
 * same question through check(); the write path through the repository that guard() returns, where a
 * valid write then passes the business rules of its type (BusinessRuleRegistry), in its transaction.
 */
export interface WriteValidation {
  readonly validator: ResourceValidator;
  /**
   * Every issue of `resource` as a write by `method` would find it; `profiles` adds more (the
   * `profile` parameter of $validate). Reads go through `reader`, so they see a transaction's writes.
   */
  check(resource: Resource, reader: ResourceReader, method: WriteMethod, profiles?: readonly string[]): Promise<ValidationIssue[]>;
  /** The repository with every write of every transaction validated first; an invalid one throws 422. */
  guard(repo: Repository): Repository;
  /** `reader` with small lookups remembered across transactions, as the rules' are (see LookupCache). */
  lookups(reader: ResourceReader): ResourceReader;
}

export interface WriteValidationOptions {
  /** How long the rules' existence lookups are remembered across transactions (see LookupCache); 0: not at all. */
  lookupCacheMs: number;
}

export function createWriteValidation(
  validator: ResourceValidator,
  rules: ProfileRuleRegistry,
  options: WriteValidationOptions,
  businessRules: BusinessRuleRegistry = new BusinessRuleRegistry(),
): WriteValidation {
  const cache = new LookupCache(options.lookupCacheMs);
  const selectedProfiles = (resource: Resource, reader: ResourceReader, method: WriteMethod) =>
    rules.profilesFor(resource, reader, method);

  const check: WriteValidation['check'] = async (resource, reader, method, profiles = []) => {
    const selected = await selectedProfiles(resource, reader, method);
    return validator.validate(resource, { profiles: [...profiles, ...selected] });
  };

  /**
   * Each write is checked at once, its rule-selected profiles chosen from a lookup that keeps the
   * transaction's writes buffered (ResourceWriter.lookup): reading through the writer would send
   * them out before every Observation of a 1,000-entry Bundle. What the transaction itself links is
   * seen by the check again before commit (recheck), which reads through the writer. The types it
   * writes are told to the lookup cache, which forgets what it knew of them.
   */
  const guardWriter = (tx: ResourceWriter, checked: Map<string, CheckedWrite>, writtenTypes: Set<string>): ResourceWriter => {
    const lookup = memoized(cache.reader(tx.lookup));
    const writing = (resourceType: string) => {
      if (writtenTypes.has(resourceType)) return;
      writtenTypes.add(resourceType);
      cache.writeBegins(resourceType);
    };
    const write = async (resource: Resource, method: WriteMethod, previous?: StoredVersion) => {
      const profiles = await selectedProfiles(resource, lookup, method);
      assertValid(validator.validate(resource, { profiles }), resource);
      const judged = await businessRules.apply(resource, { method, previous, tx, lookup });
      // What the server adds (a business rule's link, the sender's stamp) can make a resent resource
      // equal to the stored one only now: then, as writeNextVersion does before, no new version.
      if (previous?.resource && !previous.deleted && unchangedBy(previous.resource, judged)) return previous;
      checked.set(keyOf(judged), { resource: judged, method, profiles });
      writing(judged.resourceType);
      return tx.write(judged, method, previous);
    };
    const remove = (previous: StoredVersion) => {
      writing(previous.resourceType);
      return tx.remove(previous);
    };
    return Object.assign(Object.create(tx) as ResourceWriter, { write, remove });
  };

  /**
   * After the last write of a transaction that wrote a link-changing resource (a ResearchSubject
   * enrolling a patient, say), the profiles of everything it wrote are selected again: an entry
   * written before the link existed is held to the profiles it has now.
   */
  const recheck = async (tx: ResourceWriter, checked: Map<string, CheckedWrite>) => {
    const reader = memoized(tx);
    for (const write of checked.values()) {
      const profiles = await selectedProfiles(write.resource, reader, write.method);
      if (profiles.some((url) => !write.profiles.includes(url))) {
        assertValid(validator.validate(write.resource, { profiles }), write.resource, true);
      }
    }
  };

  const guard = (repo: Repository): Repository => {
    const transaction = async <T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> => {
      const writtenTypes = new Set<string>();
      try {
        return await repo.transaction(async (tx) => {
          const checked = new Map<string, CheckedWrite>();
          const result = await fn(guardWriter(tx, checked, writtenTypes));
          if (checked.size > 1 && [...checked.values()].some((w) => rules.changesLinks(w.resource))) {
            await recheck(tx, checked);
          }
          return result;
        });
      } finally {
        // Committed or rolled back: what the cache knew of these types before is stale either way.
        for (const type of writtenTypes) cache.writeEnds(type);
      }
    };
    return Object.assign(Object.create(repo) as Repository, { transaction });
  };

  return { validator, check, guard, lookups: (reader) => cache.reader(reader) };
}

interface CheckedWrite {
  resource: Resource;
  method: WriteMethod;
  /** The rule-selected profiles it was validated against. */
  profiles: readonly string[];
}

/** A reader answering a question it has answered before from memory: rules ask the same one per entry. */
function memoized(reader: ResourceReader): ResourceReader {
  const answers = new Map<string, Promise<unknown>>();
  const remember = <T>(kind: string, query: SearchQuery, ask: () => Promise<T>): Promise<T> => {
    const key = kind + queryKey(query);
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) answers.set(key, (answer = ask()));
    return answer;
  };
  return Object.assign(Object.create(reader) as ResourceReader, {
    search: (query: SearchQuery) => remember('search', query, () => reader.search(query)),
    exists: (query: SearchQuery) => remember('exists', query, () => reader.exists(query)),
  });
}

function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}

/**
 * Throws unless no issue is an error: 422 with every issue (warnings too, so the client sees them
 * all at once), or 400 when the content is not a resource at all (a fatal structure issue).
 */
function assertValid(issues: ValidationIssue[], resource: Resource, afterLinks = false): void {
  if (!issues.some((i) => i.severity === 'error' || i.severity === 'fatal')) {
    return;
  }
  const ordered = bySeverity(issues);
  if (afterLinks) {
    // Found only at commit, so no Bundle entry names it: say which resource it is.
    for (const i of ordered) i.diagnostics = `${keyOf(resource)}: ${i.diagnostics}`;
  }
  const notAResource = issues.some((i) => i.severity === 'fatal' && i.code === 'structure');
  throw new OperationOutcomeError(notAResource ? 'invalid' : 'business-rule', outcomeOf(...ordered));
}
