import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import type { IndexedParameter, Repository, ResourceWriter, StoredVersion, WriteMethod } from '../../store/repository';
import { reloadEvery, reloadingRepository } from './reloading';
import type { ResourceValidator } from '../validation/types';
import { sameContent } from '../same-content';
import { assertClientMayWrite, PROFILES_TAG } from './conformance-store';
import { searchAll } from './search-all';
import type { SearchParameterRegistry } from './search-parameter-registry';
import { SnapshotGenerator } from './snapshot';
import { isValidationResource, UploadChecks, type ValidationResource } from './upload-checks';

export interface ProfileLoadReport {
  /** Stored StructureDefinitions, ValueSets and CodeSystems left out, each with the reason. */
  skipped: string[];
}

const REGISTERED_TYPES = ['CodeSystem', 'ValueSet', 'StructureDefinition'] as const;

/**
 * StructureDefinitions, ValueSets and CodeSystems that clients store, as the validator's: the
 * counterpart of SearchParameterDefinitions for profiles. Every write through `watch()` is checked
 * first (a StructureDefinition gets its snapshot generated, see UploadChecks); once its transaction
 * has committed, the stored ones are loaded again, so the next write is validated against them
 * without a restart; a rolled-back transaction registers nothing. `startRefresh` polls the store so
 * that uploads through other server processes arrive too. profiles/ and base R4 definitions are
 * registered elsewhere and never unregistered here: clients cannot store their URLs.
 */
export class ProfileUploads {
  /** Canonical URL -> `Type/id@versionId` of the stored resource registered under it. */
  private registered = new Map<string, string>();
  private storedFingerprint: string | undefined;
  private skipped: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private generator: Promise<SnapshotGenerator> | undefined;
  private readonly checks: UploadChecks;

  constructor(
    private readonly validator: ResourceValidator,
    private readonly params: SearchParameterRegistry,
    /** The conformance resources of profiles/. */
    files: readonly Resource[],
    /** The FHIR package cache the snapshot generator reads (the installation's by default). */
    packageCache?: string,
  ) {
    const definitions = files.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition');
    const urls = files.map((r) => (r as { url?: string }).url).filter((url): url is string => typeof url === 'string');
    // Created on the first upload only: it prepares a working package cache (and builds the core package if missing).
    const snapshots = () => (this.generator ??= SnapshotGenerator.create(packageCache));
    this.checks = new UploadChecks(validator, params, new Map(definitions.map((sd) => [sd.url, sd])), new Set(urls), snapshots);
  }

  /** Reads the stored definitions and registers, replaces or unregisters them in the validator; calls run one at a time. */
  load(repo: Repository): Promise<ProfileLoadReport> {
    const run = this.queue.then(() => this.loadNow(repo));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The repository as handlers should use it: server-owned resources are refused, conformance
   * resources are checked (and StructureDefinitions completed) before they are stored, and once
   * their transaction has committed the stored definitions are loaded again.
   */
  watch(repo: Repository): Repository {
    return reloadingRepository(repo, this);
  }

  /** Loads again every `intervalMs`, so that uploads through other server processes arrive. */
  startRefresh(repo: Repository, intervalMs: number, onError: (error: unknown) => void): () => void {
    return reloadEvery(repo, this, intervalMs, onError);
  }

  /** Removes the snapshot generator's working files. */
  async close(): Promise<void> {
    const generator = this.generator;
    this.generator = undefined;
    (await generator?.catch(() => undefined))?.close();
  }

  /** Part of ReloadedDefinitions: used by watch(). */
  guard(tx: ResourceWriter, touched: () => void): ResourceWriter {
    const write = async (resource: Resource, method: WriteMethod, previous?: StoredVersion) => {
      assertClientMayWrite(resource, previous);
      // Only an admin may write conformance resources: the requester's access policy refuses anyone
      // else before a write reaches this guard (the access-controlled repository wraps the store
      // outside it), so the check is made once, where every path passes.
      if (isValidationResource(resource)) {
        const prepared = await this.checks.prepare(tx, resource);
        // Sent without its snapshot, an unchanged definition differs from the stored one until it is
        // prepared: then, as for any update that changes nothing, no new version is written.
        if (previous?.resource && !previous.deleted && sameContent(previous.resource, prepared)) return previous;
        touched();
        return tx.write(prepared, method, previous);
      }
      return tx.write(resource, method, previous);
    };
    const remove = (previous: StoredVersion) => {
      assertClientMayWrite(undefined, previous);
      if (isValidationResource(previous.resource)) touched();
      return tx.remove(previous);
    };
    return Object.assign(Object.create(tx) as ResourceWriter, { write, remove });
  }

  private async loadNow(repo: Repository): Promise<ProfileLoadReport> {
    const stored = await this.readStored(repo);
    const fingerprint = stored.map(versionKey).join(',');
    if (fingerprint === this.storedFingerprint) {
      return { skipped: this.skipped };
    }
    const skipped: string[] = [];
    const wanted = new Map<string, ValidationResource>();
    for (const resource of stored) {
      const url = resource.url as string;
      const holder = wanted.get(url);
      if (this.checks.isServerUrl(url) || holder) {
        skipped.push(`${keyOf(resource)}: ${url} is ${holder ? `also the URL of ${keyOf(holder)}` : 'defined by the server'}`);
      } else {
        wanted.set(url, resource);
      }
    }
    const gone = [...this.registered.keys()].filter((url) => !wanted.has(url));
    if (gone.length > 0) this.validator.unregister(gone);
    for (const url of gone) this.registered.delete(url);
    for (const [url, resource] of wanted) {
      if (this.registered.get(url) === versionKey(resource)) continue;
      try {
        this.validator.register([resource]);
        this.registered.set(url, versionKey(resource));
      } catch (error) {
        skipped.push(`${keyOf(resource)}: ${error instanceof Error ? error.message : String(error)}`);
        if (this.registered.delete(url)) this.validator.unregister([url]);
      }
    }
    this.skipped = skipped;
    this.storedFingerprint = fingerprint;
    return { skipped };
  }

  /** Every current client CodeSystem, ValueSet and StructureDefinition with a url, in that order. */
  private async readStored(repo: Repository): Promise<ValidationResource[]> {
    const all: ValidationResource[] = [];
    for (const type of REGISTERED_TYPES) {
      const tag = this.params.get(type, '_tag') as IndexedParameter;
      const filters = [{ param: tag, modifier: 'not', values: [{ value: `${PROFILES_TAG.system}|${PROFILES_TAG.code}` }] }];
      const stored = await searchAll<ValidationResource>(repo, { resourceType: type, filters, sort: [{ param: '_id', descending: false }] });
      all.push(...stored.filter((r) => typeof r.url === 'string'));
    }
    return all;
  }
}

function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}

function versionKey(resource: Resource): string {
  return `${keyOf(resource)}@${resource.meta?.versionId}`;
}
