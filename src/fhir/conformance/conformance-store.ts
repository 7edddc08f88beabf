import { createHash } from 'node:crypto';
import type { Coding, Resource } from '@medplum/fhirtypes';
import type { IndexedParameter, ResourceReader, Repository, SearchFilter, StoredVersion } from '../../store/repository';
import { fail } from '../outcomes';
import { sameContent } from '../same-content';
import { searchAll } from './search-all';
import type { SearchParameterRegistry } from './search-parameter-registry';

/**
 * The conformance resources of profiles/ (StructureDefinitions, ValueSets, CodeSystems,
 * SearchParameters, OperationDefinitions) as stored resources, so that clients read and search them
 * at /fhir/<Type> like any other. The files stay the source: at start the store is brought in line
 * with them, and clients cannot change the copies.
 *
 * A stored copy is known by its meta.tag `server-owned|profiles` (the CodeSystem is in profiles/
 * too), as Blaze marks its own read-only resources with a tag: a file removed from profiles/ leaves
 * a tagged copy whose id no file has, and that copy is deleted. Copies keep the file's id.
 *
 * A copy's meta.source names its file and the file's content (a SHA-256): R4 leaves meta.source to
 * the implementer, to say where a resource comes from. It makes a restart cheap: when the store has
 * as many tagged copies as there are files, each with its file's source, nothing changed, and two
 * counts tell so without reading the copies (about 5 MB of snapshots).
 */

export const SERVER_OWNED_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/server-owned';
export const PROFILES_TAG: Coding = { system: SERVER_OWNED_SYSTEM, code: 'profiles' };
export const CONFORMANCE_TYPES = ['StructureDefinition', 'ValueSet', 'CodeSystem', 'SearchParameter', 'OperationDefinition'] as const;
/** meta.source of a copy: this, then `/Type/id#sha256-<hex of the file's JSON>`. */
const PROFILES_SOURCE = 'https://stroma-fhir.org/fhir/profiles';

/** Every process that stores profiles/ takes this lock, so two starting at once write once. */
const STORE_LOCK = 'stroma:profiles-conformance-resources';

export interface ProfileStoreReport {
  /** `Type/id` of each copy written (new, or its file changed). */
  written: string[];
  /** `Type/id` of each copy deleted because its file is gone. */
  deleted: string[];
}

/** Whether the server owns the resource (it carries a server-owned tag). */
export function isServerOwned(resource: Resource | undefined): boolean {
  return resource?.meta?.tag?.some((tag) => tag.system === SERVER_OWNED_SYSTEM) ?? false;
}

/**
 * Refuses a client write that would change or delete a server-owned resource, or that puts the
 * server-owned tag on a resource (the server would take it for a stale profiles/ copy and delete it).
 *
 * 403 Forbidden: the interaction is supported for the type (the CapabilityStatement lists update and
 * delete) but not allowed on this resource, which is what HAPI answers when one of its interceptors
 * refuses an operation (ForbiddenOperationException); Blaze and Medplum also answer 403 for their
 * read-only resources. 405 would say the method is not supported at all.
 */
export function assertClientMayWrite(resource: Resource | undefined, previous: StoredVersion | undefined): void {
  if (previous && !previous.deleted && isServerOwned(previous.resource)) {
    const what = `${previous.resourceType}/${previous.id}`;
    throw fail('forbidden', 'forbidden', `${what} is the server's copy of a file of its profiles/ folder and is read-only: change the file (profiles/fsh) instead`);
  }
  if (isServerOwned(resource)) {
    throw fail('forbidden', 'forbidden', `The tag ${SERVER_OWNED_SYSTEM} is reserved to the server`, `${resource?.resourceType}.meta.tag`);
  }
}

/**
 * Stores the profiles/ resources: a copy is written only when missing or different from its file,
 * and a copy whose file is gone is deleted, all in one transaction. When nothing differs (a restart)
 * it reads and writes nothing else. An id that a client resource holds is taken over (its history
 * keeps the client's versions).
 */
export async function storeProfileResources(
  repo: Repository,
  files: readonly Resource[],
  params: SearchParameterRegistry,
): Promise<ProfileStoreReport> {
  const expected = new Map(files.map((file) => [keyOf(file), asCopy(file)]));
  if (await allInPlace(repo, expected, params)) {
    return { written: [], deleted: [] };
  }
  return repo.transaction(async (tx) => {
    await tx.lock(STORE_LOCK);
    // Another process may have stored them meanwhile: what to do is decided again under the lock.
    const changes = changesFrom(expected, await readCopies(tx, params));
    // Every read before the first write: the writes then go to the database together, in one statement.
    const previous = new Map<string, StoredVersion | undefined>();
    for (const key of [...changes.written, ...changes.deleted]) {
      const [type, id] = key.split('/');
      previous.set(key, await tx.readForUpdate(type, id));
    }
    for (const key of changes.written) {
      await tx.write(expected.get(key) as Resource, 'PUT', previous.get(key));
    }
    for (const key of changes.deleted) {
      const current = previous.get(key);
      if (current && !current.deleted) await tx.remove(current);
    }
    return changes;
  });
}

function changesFrom(expected: ReadonlyMap<string, Resource>, stored: ReadonlyMap<string, Resource>): ProfileStoreReport {
  const written = [...expected].filter(([key, resource]) => !sameStored(stored.get(key), resource)).map(([key]) => key);
  const deleted = [...stored.keys()].filter((key) => !expected.has(key));
  return { written, deleted };
}

/**
 * Whether the store holds exactly the tagged copies expected, each with its file's meta.source: two
 * counts over the five types at once (a search over several types, as `GET [base]?_type=` runs).
 */
async function allInPlace(reader: ResourceReader, expected: ReadonlyMap<string, Resource>, params: SearchParameterRegistry): Promise<boolean> {
  const types = [...CONFORMANCE_TYPES];
  const across = (code: string, values: string[]): SearchFilter => ({
    param: params.get(types[0], code) as IndexedParameter,
    values: values.map((value) => ({ value })),
    resourceTypes: types,
  });
  const count = async (filters: SearchFilter[]) =>
    (await reader.search({ resourceType: types[0], types, filters, sort: [], count: 0, offset: 0, total: 'accurate' })).total ?? 0;
  const tagged = across('_tag', [`${PROFILES_TAG.system}|${PROFILES_TAG.code}`]);
  const sources = [...expected.values()].map((copy) => copy.meta?.source as string);
  return (await count([tagged])) === expected.size && (expected.size === 0 || (await count([tagged, across('_source', sources)])) === expected.size);
}

function tagFilter(type: string, params: SearchParameterRegistry): SearchFilter {
  return { param: params.get(type, '_tag') as IndexedParameter, values: [{ value: `${PROFILES_TAG.system}|${PROFILES_TAG.code}` }] };
}

/** The stored server-owned copies of profiles/ resources, by `Type/id`. */
async function readCopies(reader: ResourceReader, params: SearchParameterRegistry): Promise<Map<string, Resource>> {
  const copies = new Map<string, Resource>();
  for (const type of CONFORMANCE_TYPES) {
    for (const resource of await searchAll(reader, { resourceType: type, filters: [tagFilter(type, params)] })) copies.set(keyOf(resource), resource);
  }
  return copies;
}

/** The file as stored: tagged, with the meta.source that names it and its content. */
function asCopy(file: Resource): Resource {
  const tags = (file.meta?.tag ?? []).filter((tag) => tag.system !== SERVER_OWNED_SYSTEM);
  const sha256 = createHash('sha256').update(JSON.stringify(file)).digest('hex');
  const source = `${PROFILES_SOURCE}/${keyOf(file)}#sha256-${sha256}`;
  return { ...file, meta: { ...file.meta, source, tag: [...tags, PROFILES_TAG] } } as Resource;
}

function sameStored(stored: Resource | undefined, expected: Resource): boolean {
  return stored !== undefined && sameContent(stored, expected);
}

function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}
