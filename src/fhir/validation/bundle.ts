import { type PassContext, report } from './context';

type JsonObject = Record<string, unknown>;

const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** A Bundle's entries by fullUrl, built once so resolving each reference is a lookup. */
export interface BundleIndex {
  type: unknown;
  byFullUrl: Map<string, JsonObject[]>;
  fullUrlOf: Map<unknown, string>;
}

export function indexBundle(bundle: JsonObject): BundleIndex {
  const index: BundleIndex = { type: bundle.type, byFullUrl: new Map(), fullUrlOf: new Map() };
  for (const entry of Array.isArray(bundle.entry) ? bundle.entry : []) {
    const { fullUrl, resource } = (entry ?? {}) as { fullUrl?: unknown; resource?: unknown };
    if (typeof fullUrl !== 'string') {
      continue;
    }
    const resources = index.byFullUrl.get(fullUrl) ?? [];
    if (typeof resource === 'object' && resource !== null) {
      resources.push(resource as JsonObject);
      index.fullUrlOf.set(resource, fullUrl);
    }
    index.byFullUrl.set(fullUrl, resources);
  }
  return index;
}

/**
 * Checks across a Bundle's entries, each linear in the number of entries: fullUrl must be
 * absolute (HL7's Java validator), a link relation occurs once. fullUrl uniqueness is bdl-7,
 * evaluated natively (see invariants.ts); references between entries are checked where each
 * reference is met (checkBundleReference).
 */
export function checkBundle(bundle: JsonObject, path: string, ctx: PassContext): void {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  entries.forEach((entry, i) => {
    const fullUrl = (entry as { fullUrl?: unknown } | null)?.fullUrl;
    if (typeof fullUrl === 'string' && !ABSOLUTE_URL.test(fullUrl)) {
      report(ctx, 'error', 'invalid', `${path}.entry[${i}]`, `The fullUrl must be an absolute URL (not '${fullUrl}')`);
    }
  });
  const links = Array.isArray(bundle.link) ? (bundle.link as unknown[]) : [];
  const relations = new Set<string>();
  links.forEach((link, i) => {
    const relation = (link as { relation?: unknown } | null)?.relation;
    if (typeof relation !== 'string') {
      return;
    }
    if (relations.has(relation)) {
      report(ctx, 'error', 'invalid', `${path}.link[${i}]`, `The link relationship type '${relation}' can only occur once`);
    }
    relations.add(relation);
  });
}

/**
 * A reference inside a Bundle entry: a `urn:uuid:`/`urn:oid:` reference must name an entry; a
 * relative one (`Observation/1`, resolved against the entry's fullUrl as R4 bundle.html#references
 * says) must not match several entries, and a versioned one must match that version. In a
 * document, a section entry must be in the bundle (HL7's Java validator).
 */
export function checkBundleReference(reference: string, elementPath: string, path: string, ctx: PassContext): void {
  const bundle = ctx.bundle as BundleIndex;
  if (reference.startsWith('urn:uuid:') || reference.startsWith('urn:oid:')) {
    if (!bundle.byFullUrl.has(reference)) {
      report(ctx, 'error', 'not-found', path, `Can't find '${reference}' in the bundle`);
    }
    return;
  }
  const relative = RELATIVE_REFERENCE.exec(reference);
  if (!relative || !ctx.entryFullUrl) {
    return;
  }
  const [, typeAndId, version] = relative;
  const base = ctx.entryFullUrl.replace(/[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/.*)?$/, '');
  const matches = bundle.byFullUrl.get(base + typeAndId) ?? [];
  const sectionEntry = bundle.type === 'document' && elementPath === 'Composition.section.entry';
  if (version === undefined) {
    if (matches.length > 1) {
      report(ctx, 'error', 'structure', path, `Multiple matches in bundle for reference ${reference}`);
      if (sectionEntry) {
        report(ctx, 'error', 'structure', path, `Found ${matches.length} matches for '${reference}' in the bundle (Section Entry)`);
      }
    } else if (matches.length === 0 && sectionEntry) {
      report(ctx, 'error', 'structure', path, `Can't find '${reference}' in the bundle (Section Entry)`);
    }
    return;
  }
  const versioned = matches.filter((r) => (r.meta as { versionId?: unknown } | undefined)?.versionId === version);
  if (versioned.length === 0 && (sectionEntry || matches.length > 0)) {
    report(ctx, 'error', 'structure', path, `Can't find '${reference}' in the bundle${sectionEntry ? ' (Section Entry)' : ''}`);
  }
}
