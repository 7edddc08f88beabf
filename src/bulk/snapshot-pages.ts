import type { Resource } from '@medplum/fhirtypes';
import type { AccessControl } from '../fhir/access';
import { translateQuery } from '../fhir/masked-ids';
import { serverFilter } from '../fhir/search/parse-search';
import type { FhirRegistries } from '../fhir/conformance/registries';
import type { Deletion, ExportStore } from '../store/export-store';
import type { QueryFilter, ResourceKey, ResourceReader, SearchQuery } from '../store/repository';
import type { TypeScope } from './export-scope';

/** Where the reading of one type stands: resumable after a restart (kept in the job's progress). */
export interface TypePosition {
  stage: 'current' | 'changed' | 'vanished' | 'related' | 'deleted' | 'done';
  pass: number;
  cursor?: string;
}

export interface SnapshotPage {
  resources: Resource[];
  deletions: Deletion[];
  /** Where reading continues after this page. */
  next: TypePosition;
}

export interface SnapshotSource {
  /** The store as the server reads it; what the requester may see of each resource is up to the caller. */
  reader: ResourceReader;
  store: ExportStore;
  registries: FhirRegistries;
  /** The requester's constraints on searches (only its own resources, for a role limited so). */
  access: AccessControl;
  asOf: string;
  since?: string;
  pageSize: number;
}

const END_OF_TIME = '9999-12-31T23:59:59.999Z';

export const FIRST_POSITION: TypePosition = { stage: 'current', pass: 0 };

/**
 * The pages of one type's resources as they were at `asOf`, from `position` on. A snapshot without
 * holding a transaction open for the whole export (which would hold back vacuum, and end with the
 * process): resources not changed since `asOf` are read from the current table, in passes the search
 * index narrows; those changed since are read as of `asOf` from their history, and checked in memory.
 * With `since`, only resources changed after it, and the deletions after it (stage `deleted`).
 */
export async function* snapshotPages(source: SnapshotSource, scope: TypeScope, related: ResourceKey[], position: TypePosition): AsyncGenerator<SnapshotPage> {
  let at = position;
  while (at.stage !== 'done') {
    const page = await nextPage(source, scope, related, at);
    yield page;
    at = page.next;
  }
}

async function nextPage(source: SnapshotSource, scope: TypeScope, related: ResourceKey[], at: TypePosition): Promise<SnapshotPage> {
  switch (at.stage) {
    case 'current':
      return currentPage(source, scope, at);
    case 'changed':
      return changedPage(source, scope, at);
    case 'vanished':
      return vanishedPage(source, scope, at);
    case 'related':
      return { resources: await relatedResources(source, scope, related), deletions: [], next: after('related', source) };
    default:
      return deletedPage(source, scope, at);
  }
}

async function currentPage(source: SnapshotSource, scope: TypeScope, at: TypePosition): Promise<SnapshotPage> {
  const pass = scope.passes[at.pass];
  if (!pass) return { resources: [], deletions: [], next: { stage: 'changed', pass: 0 } };
  const window = [lastUpdated(scope.resourceType, `le${source.asOf}`, source)];
  if (source.since) window.push(lastUpdated(scope.resourceType, `gt${source.since}`, source));
  const query = searchQuery(scope.resourceType, pass.requested, source.pageSize, at.cursor);
  const found = await source.reader.search(await requesterQuery(source, query, [...pass.scope, ...window]));
  const resources = at.pass === 0 ? found.resources : found.resources.filter((r) => !scope.matchedBefore(at.pass, r));
  const next: TypePosition = found.nextCursor ? { ...at, cursor: found.nextCursor } : { stage: 'current', pass: at.pass + 1 };
  return { resources, deletions: [], next };
}

/** Resources written after `asOf`: their version as of `asOf`, when they had one then. */
async function changedPage(source: SnapshotSource, scope: TypeScope, at: TypePosition): Promise<SnapshotPage> {
  const query = searchQuery(scope.resourceType, [], source.pageSize, at.cursor);
  const found = await source.reader.search(await requesterQuery(source, query, [lastUpdated(scope.resourceType, `gt${source.asOf}`, source)]));
  const resources: Resource[] = [];
  for (const resource of found.resources) {
    const then = await versionAsOf(source, scope.resourceType, resource.id as string);
    if (then && changedSince(then, source.since) && scope.covers(then)) resources.push(then);
  }
  return { resources, deletions: [], next: found.nextCursor ? { ...at, cursor: found.nextCursor } : after('changed', source) };
}

/** Resources deleted after `asOf` (the search sees only live ones): their version as of `asOf`. */
async function vanishedPage(source: SnapshotSource, scope: TypeScope, at: TypePosition): Promise<SnapshotPage> {
  const page = await source.store.deletions(scope.resourceType, source.asOf, END_OF_TIME, source.pageSize, at.cursor);
  const resources: Resource[] = [];
  for (const deletion of page.deletions) {
    const then = await versionAsOf(source, scope.resourceType, deletion.id);
    if (then && changedSince(then, source.since) && scope.covers(then)) resources.push(then);
  }
  return { resources, deletions: [], next: page.next ? { ...at, cursor: page.next } : after('vanished', source) };
}

/** Group level: the group's own resources of this type that its patients' records do not hold already. */
async function relatedResources(source: SnapshotSource, scope: TypeScope, related: ResourceKey[]): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const key of related.filter((k) => k.resourceType === scope.resourceType)) {
    const then = await versionAsOf(source, key.resourceType, key.id);
    if (then && changedSince(then, source.since) && !scope.covers(then)) resources.push(then);
  }
  return resources;
}

async function deletedPage(source: SnapshotSource, scope: TypeScope, at: TypePosition): Promise<SnapshotPage> {
  const page = await source.store.deletions(scope.resourceType, source.since as string, source.asOf, source.pageSize, at.cursor);
  // A deletion is reported where the resource would have been exported: in scope before it was deleted.
  const deletions = page.deletions.filter((d) => d.before !== undefined && scope.covers(d.before));
  return { resources: [], deletions, next: page.next ? { ...at, cursor: page.next } : { stage: 'done', pass: 0 } };
}

/**
 * The requester's query as its own searches would run it (its constraints added, the pseudonyms it
 * names translated to stored ids), then the server's conditions (the compartments, the snapshot's window
 * and `_since`, in stored ids): not parameters the requester searches by, so a de-identified requester's
 * refusal to search by write times does not apply to them.
 */
async function requesterQuery(source: SnapshotSource, query: SearchQuery, server: QueryFilter[]): Promise<SearchQuery> {
  const constrained = source.access.constrainSearch(query);
  const translated = source.access.ids ? await translateQuery(constrained, source.access.ids) : constrained;
  return { ...translated, filters: [...translated.filters, ...server] };
}

function after(stage: 'changed' | 'vanished' | 'related', source: SnapshotSource): TypePosition {
  if (stage === 'changed') return { stage: 'vanished', pass: 0 };
  if (stage === 'vanished') return { stage: 'related', pass: 0 };
  return source.since ? { stage: 'deleted', pass: 0 } : { stage: 'done', pass: 0 };
}

async function versionAsOf(source: SnapshotSource, resourceType: string, id: string): Promise<Resource | undefined> {
  const page = await source.reader.history({ resourceType, id, at: source.asOf, count: 1 });
  const version = page.versions[0];
  return version && !version.deleted ? version.resource : undefined;
}

function changedSince(resource: Resource, since: string | undefined): boolean {
  return since === undefined || Date.parse(resource.meta?.lastUpdated ?? '') > Date.parse(since);
}

function lastUpdated(resourceType: string, value: string, source: SnapshotSource): QueryFilter {
  return serverFilter(resourceType, '_lastUpdated', value, source.registries);
}

function searchQuery(resourceType: string, filters: QueryFilter[], count: number, cursor: string | undefined): SearchQuery {
  return { resourceType, filters, sort: [], count, offset: 0, total: 'none', ...(cursor ? { cursor } : {}) };
}
