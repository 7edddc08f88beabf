import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Extension, Group, Location, ResearchStudy, Resource } from '@medplum/fhirtypes';
import { readDesign, type TrialDesign } from '../../src/trial/demo/design';
import { REPO_ROOT } from './server';

/**
 * The bench:measures study: NCT04356287 (placebo, one infusion, two infusions of UCMSC; double
 * masking; blocks of 6 at 2:2:2) as its seed transaction Bundle gives it, every resource under a new
 * id with the Bundle's urn:uuid references resolved to them, the enrollment target raised to the
 * bench's subjects, as many randomization blocks as they fill, and `sites` site Locations: the
 * trial's own site and generated ones.
 */

export const TRIAL_FILE = path.join(REPO_ROOT, 'bundles', 'trials', 'NCT04356287.json');
/** A second identifier, so that a reused database's study is found (the NCT number is the seed trial's). */
export const BENCH_STUDY_IDENTIFIER = { system: 'https://stroma-fhir.org/fhir/sid/bench-study', value: 'BENCH-MEASURES' } as const;
const CTGOV_IMPORT = 'https://stroma-fhir.org/fhir/NamingSystem/ctgov-import';
const SCHEME_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme';

export interface BenchStudy {
  readonly studyId: string;
  readonly design: TrialDesign;
  /** The study's own resources, the ResearchStudy last. */
  readonly resources: Resource[];
}

/** A UUID-shaped id from a name: the same run plan always gives the same ids. */
export function idFrom(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Replaces every `reference` the resolver knows (urn:uuid fullUrls, conditional references) with the
 * literal reference it returns, in place, anywhere in the resource.
 */
export function resolveReferences(value: unknown, resolve: (reference: string) => string | undefined): void {
  if (Array.isArray(value)) {
    for (const item of value) resolveReferences(item, resolve);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    if (key === 'reference' && typeof child === 'string') {
      const literal = resolve(child);
      if (literal !== undefined) record[key] = literal;
    } else if (typeof child === 'object') {
      resolveReferences(child, resolve);
    }
  }
}

const CITIES = [
  ['Montreal', 'Quebec', 'Canada'],
  ['Toronto', 'Ontario', 'Canada'],
  ['Paris', 'Île-de-France', 'France'],
  ['Lyon', 'Auvergne-Rhône-Alpes', 'France'],
  ['Charleston', 'South Carolina', 'United States'],
  ['Boston', 'Massachusetts', 'United States'],
  ['Milan', 'Lombardy', 'Italy'],
  ['Leiden', 'South Holland', 'Netherlands'],
] as const;

function site(n: number): Location {
  const [city, state, country] = CITIES[n % CITIES.length];
  const name = `Bench site ${String(n).padStart(3, '0')} (fictional)`;
  return {
    resourceType: 'Location',
    id: idFrom('bench-measures', 'site', n),
    identifier: [{ system: CTGOV_IMPORT, value: `NCT04356287/site/${name}/${city}` }],
    name,
    address: { city, state, country },
  };
}

/** The scheme with as many blocks as `subjects` fill (the seed trial's 3 blocks hold 18). */
function schemeFor(study: ResearchStudy, subjects: number): Extension[] {
  return (study.extension ?? []).map((e) => {
    if (e.url !== SCHEME_URL) return e;
    const size = e.extension?.find((x) => x.url === 'blockSize')?.valuePositiveInt ?? 6;
    return { ...e, extension: (e.extension ?? []).map((x) => (x.url === 'blockCount' ? { ...x, valuePositiveInt: Math.ceil(subjects / size) } : x)) };
  });
}

/** The study and its resources, ready for Repository.bulkCreate. */
export function benchStudy(subjects: number, sites: number): BenchStudy {
  const bundle = JSON.parse(fs.readFileSync(TRIAL_FILE, 'utf8')) as Bundle;
  const design = readDesign(bundle);
  const literal = new Map<string, string>();
  const resources: Resource[] = [];
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    if (!entry.resource || !entry.fullUrl) continue;
    const resource = { ...structuredClone(entry.resource), id: idFrom('bench-measures', 'trial', i) };
    literal.set(entry.fullUrl, `${resource.resourceType}/${resource.id}`);
    resources.push(resource);
  }
  for (const resource of resources) resolveReferences(resource, (reference) => literal.get(reference));
  const study = resources.find((r): r is ResearchStudy => r.resourceType === 'ResearchStudy');
  if (!study?.id) throw new Error(`${TRIAL_FILE}: no ResearchStudy`);
  const group = resources.find((r): r is Group => r.resourceType === 'Group');
  if (group) group.quantity = subjects;
  const ownSites = study.site ?? [];
  const extra = Array.from({ length: Math.max(0, sites - ownSites.length) }, (_, i) => site(ownSites.length + i + 1));
  const siteRefs: NonNullable<ResearchStudy['site']> = [...ownSites, ...extra.map((l) => ({ reference: `Location/${l.id}`, display: l.name }))];
  const benchStudyResource: ResearchStudy = {
    ...study,
    identifier: [...(study.identifier ?? []), { ...BENCH_STUDY_IDENTIFIER }],
    extension: schemeFor(study, subjects),
    site: siteRefs.slice(0, Math.max(1, sites)),
  };
  const others = resources.filter((r) => r !== study);
  return { studyId: study.id, design, resources: [...others, ...extra, benchStudyResource] };
}
