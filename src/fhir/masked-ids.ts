import { randomUUID } from 'node:crypto';
import type {
  HistoryPage, HistoryQuery, IncludeQuery, QueryFilter, ResourceKey, ResourceReader, SearchFilter, SearchQuery, SearchValue, StoredVersion,
} from '../store/repository';
import { errors } from './outcomes';
import type { MaskedIds } from './read-masks';

/**
 * The store as a requester whose ids are masked (a registry's Patient pseudonyms) uses it: every id it
 * names (a read, a version, a history, `_id`, a reference parameter, an _include's starting points) is
 * translated to the stored one, and every id handed back is the one it sees. An id that names nothing
 * (a real id, which is never a pseudonym) finds nothing, as an unknown id would. What cannot be
 * translated safely is refused (403/400) rather than answered with the stored ids.
 */

/** An id no resource has: what an untranslatable id is searched as (a random UUID drawn per process). */
const NO_SUCH_ID = randomUUID();

const TYPED_ID = /^(.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

export function maskedIdReader(inner: ResourceReader, ids: MaskedIds): ResourceReader {
  const storedId = async (type: string, id: string) => (ids.types.has(type) ? ids.stored(type, id) : id);
  const shown = <T extends StoredVersion | undefined>(version: T): T =>
    version && ids.types.has(version.resourceType) ? { ...version, id: ids.shown(version.resourceType, version.id) } : version;
  return {
    read: async (type, id) => {
      const stored = await storedId(type, id);
      return stored === undefined ? undefined : shown(await inner.read(type, stored));
    },
    readVersion: async (type, id, versionId) => {
      const stored = await storedId(type, id);
      return stored === undefined ? undefined : shown(await inner.readVersion(type, stored, versionId));
    },
    history: async (query: HistoryQuery): Promise<HistoryPage> => {
      const id = query.resourceType && query.id !== undefined ? ((await storedId(query.resourceType, query.id)) ?? NO_SUCH_ID) : query.id;
      const page = await inner.history({ ...query, id });
      return { ...page, versions: page.versions.map(shown) };
    },
    search: async (query) => inner.search(await translateQuery(query, ids)),
    exists: async (query) => inner.exists(await translateQuery(query, ids)),
    include: async (query: IncludeQuery) => inner.include({ ...query, from: await storedKeys(query.from, ids), exclude: await storedKeys(query.exclude, ids) }),
    tabulate: (query) => inner.tabulate(query),
  };
}

/** The keys with stored ids; keys that name nothing are left out. */
async function storedKeys(keys: ResourceKey[], ids: MaskedIds): Promise<ResourceKey[]> {
  const translated = await Promise.all(
    keys.map(async (key) => {
      if (!ids.types.has(key.resourceType)) return key;
      const id = await ids.stored(key.resourceType, key.id);
      return id === undefined ? undefined : { ...key, id };
    }),
  );
  return translated.filter((key): key is ResourceKey => key !== undefined);
}

/** `query` with every id the requester named translated to the stored one. */
export async function translateQuery(query: SearchQuery, ids: MaskedIds): Promise<SearchQuery> {
  const on = query.types ?? [query.resourceType];
  const filters = await Promise.all(query.filters.map((f) => translateFilter(f, on, ids)));
  return { ...query, filters };
}

async function translateFilter(filter: QueryFilter, on: readonly string[], ids: MaskedIds): Promise<QueryFilter> {
  if (!('kind' in filter)) return translatePlain(filter, filter.resourceTypes ?? on, ids);
  switch (filter.kind) {
    case 'chain': {
      const targets = await Promise.all(filter.targets.map(async (t) => ({ ...t, filter: await translateFilter(t.filter, [t.resourceType], ids) })));
      return { ...filter, targets };
    }
    case 'has':
      return { ...filter, filter: await translateFilter(filter.filter, [filter.reference.resourceType], ids) };
    case 'any':
      return { ...filter, filters: await Promise.all(filter.filters.map((f) => translateFilter(f, on, ids))) };
  }
}

async function translatePlain(filter: SearchFilter, on: readonly string[], ids: MaskedIds): Promise<SearchFilter> {
  const { param } = filter;
  if (param === '_lastUpdated' || filter.modifier === 'missing') return filter;
  if (param === '_id') {
    const masked = on.filter((type) => ids.types.has(type));
    if (masked.length === 0) return filter;
    if (on.length > 1) throw errors.forbidden(`_id cannot be searched over several types with ${masked.join(', ')} among them: their ids are pseudonyms here; search ${masked[0]} alone`);
    return withValues(filter, (value) => storedOr(masked[0], value, ids));
  }
  if (param.type === 'composite' && param.components?.some((c) => c.param.type === 'reference')) {
    throw errors.forbidden(`The composite parameter ${param.code} holds references, which cannot be searched by pseudonym`);
  }
  if (param.type !== 'reference') return filter;
  const targets = param.targets;
  const mayTargetMasked = targets === undefined || targets.length === 0 || targets.some((t) => ids.types.has(t));
  if (!mayTargetMasked) return filter;
  if (filter.modifier === 'identifier') {
    throw errors.forbidden(`${param.code}:identifier is not searchable here: the identifiers of ${[...ids.types].join(', ')} are masked`);
  }
  const typeModifier = filter.modifier && /^[A-Z]/.test(filter.modifier) ? filter.modifier : undefined;
  const values = await Promise.all(filter.values.map((v) => translateReference(v, typeModifier, targets, ids)));
  return { ...filter, values: values.flat() };
}

async function withValues(filter: SearchFilter, translate: (value: string) => Promise<string>): Promise<SearchFilter> {
  const values = await Promise.all(filter.values.map(async (v) => ({ ...v, value: await translate(v.value) })));
  return { ...filter, values };
}

async function storedOr(type: string, id: string, ids: MaskedIds): Promise<string> {
  return (await ids.stored(type, id)) ?? NO_SUCH_ID;
}

/** One reference value: `Type/id` (relative, absolute, versioned) or a bare id, which is spelled out per target type. */
async function translateReference(value: SearchValue, typeModifier: string | undefined, targets: string[] | undefined, ids: MaskedIds): Promise<SearchValue[]> {
  const typed = TYPED_ID.exec(value.value);
  if (typed) {
    const [, prefix = '', type, id, version = ''] = typed;
    if (!ids.types.has(type)) return [value];
    return [{ ...value, value: `${prefix}${type}/${await storedOr(type, id, ids)}${version}` }];
  }
  if (value.value.includes('/') || value.value.includes(':')) return [value]; // a URL that names no resource here
  if (typeModifier) return [ids.types.has(typeModifier) ? { ...value, value: await storedOr(typeModifier, value.value, ids) } : value];
  // A bare id matches any target type: each type gets its own id, the masked ones translated.
  if (!targets || targets.length === 0) throw errors.invalid(`Name the type of the reference "${value.value}" (Type/id): ids of ${[...ids.types].join(', ')} are pseudonyms here`);
  return Promise.all(targets.map(async (type) => ({ ...value, value: `${type}/${ids.types.has(type) ? await storedOr(type, value.value, ids) : value.value}` })));
}
