import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { FhirPackageExplorer, type LookupFilter } from 'fhir-package-explorer';
import { FhirSnapshotGenerator } from 'fhir-snapshot-generator';
import {
  CORE_PACKAGE_NAME,
  CORE_PACKAGE_VERSION,
  DEFAULT_FHIR_PACKAGE_CACHE,
  ensureCorePackage,
  indexEntry,
  OFFLINE_PACKAGE_DIRS,
} from './core-package';
import { constraintProblems } from './differential-checks';

/**
 * Snapshots generated at run time, for a StructureDefinition that arrives with only a differential
 * (an admin POSTs a profile), with fhir-snapshot-generator over the offline core package.
 *
 * fhir-snapshot-generator reads StructureDefinitions from FHIR packages only: it has no way to be
 * handed one. So each generation writes a small package holding the profile and every non-core
 * StructureDefinition it may build on (its base chain, the extensions its elements name), depending
 * on hl7.fhir.r4.core, and runs the generator with that package as its context. The packages live in
 * a working cache under the OS temp dir whose core packages are links to the project's cache, so a
 * generation never writes into the installation and server processes never share a working folder.
 */

export class SnapshotError extends Error {}

/** The profile's baseDefinition (or one further up its chain) is neither core R4 nor a known profile. */
export class UnknownBaseDefinitionError extends SnapshotError {
  constructor(readonly baseDefinition: string, profileUrl: string) {
    super(`${profileUrl} is based on ${baseDefinition}, which is neither a FHIR R4 definition nor a known profile`);
  }
}

/** The StructureDefinition cannot be turned into a snapshot: no differential, or one that does not apply. */
export class InvalidDifferentialError extends SnapshotError {}

const SNAPSHOT_PACKAGE = 'stroma.snapshot';
const PROFILE_FILE = 'StructureDefinition-profile.json';

/** Messages of the generator's logger; a failed generation is reported through a warning only. */
class MessageLog {
  readonly messages: string[] = [];
  readonly debug = (): void => undefined;
  readonly info = (): void => undefined;
  readonly warn = (message: unknown): void => void this.messages.push(String(message));
  readonly error = (message: unknown): void => void this.messages.push(String(message));
}

export class SnapshotGenerator {
  private generations = 0;

  private constructor(
    private readonly workCache: string,
    /** The URLs of core R4's StructureDefinitions: where a base chain may end. */
    private readonly coreUrls: ReadonlySet<string>,
  ) {}

  /** Builds the core package into cacheDir if needed, and prepares a working cache that links to it. */
  static async create(cacheDir: string = DEFAULT_FHIR_PACKAGE_CACHE): Promise<SnapshotGenerator> {
    const { packageDir } = ensureCorePackage(cacheDir);
    const workCache = mkdtempSync(path.join(os.tmpdir(), 'stroma-snapshots-'));
    for (const dir of OFFLINE_PACKAGE_DIRS) {
      symlinkSync(path.join(cacheDir, dir), path.join(workCache, dir), 'dir');
    }
    return new SnapshotGenerator(workCache, coreStructureDefinitionUrls(packageDir));
  }

  /**
   * The profile with its snapshot generated from its differential. `context` holds the non-core
   * StructureDefinitions it may refer to: the project's profiles and those stored earlier. A context
   * definition with the profile's own URL (its previous version) is left out. Differential elements
   * without an id get the one R4 gives them (see withElementIds), in the result too.
   */
  async generate(profile: StructureDefinition, context: readonly StructureDefinition[]): Promise<StructureDefinition> {
    checkShape(profile);
    const withIds = withDifferentialIds(profile);
    const url = profile.url as string;
    const others = context.filter((sd) => sd.url !== url).map(withDifferentialIds);
    checkBaseChain(withIds, others, this.coreUrls);
    const version = `${++this.generations}.0.0`;
    const packageDir = this.writePackage(version, { ...withIds, snapshot: undefined }, others);
    try {
      const generated = await this.runGenerator(version, withIds);
      const problems = constraintProblems(withIds.differential?.element ?? [], generated.snapshot, generated.baseSnapshot);
      if (problems.length > 0) {
        throw new InvalidDifferentialError(`${url}: ${problems.join('; ')}`);
      }
      return { ...withIds, snapshot: { element: generated.snapshot } };
    } finally {
      rmSync(packageDir, { recursive: true, force: true });
    }
  }

  /** The generated snapshot elements of the profile in package `version`, and those of its base. */
  private async runGenerator(
    version: string,
    profile: StructureDefinition,
  ): Promise<{ snapshot: ElementDefinition[]; baseSnapshot: ElementDefinition[] }> {
    const log = new MessageLog();
    try {
      const fpe = await FhirPackageExplorer.create({
        cachePath: this.workCache,
        registryUrl: 'n/a',
        context: [`${SNAPSHOT_PACKAGE}@${version}`],
        logger: log,
      });
      const fsg = await FhirSnapshotGenerator.create({ fpe, fhirVersion: CORE_PACKAGE_VERSION, cacheMode: 'none', logger: log });
      const meta = await fpe.resolveMeta({ filename: PROFILE_FILE, package: { id: SNAPSHOT_PACKAGE, version } } as LookupFilter);
      const generated = (await fsg.getSnapshot(meta)) as StructureDefinition;
      const base = (await fsg.getSnapshot(profile.baseDefinition as string)) as StructureDefinition;
      return { snapshot: generated.snapshot?.element ?? [], baseSnapshot: base.snapshot?.element ?? [] };
    } catch (error) {
      // The generator reports why a differential does not apply in a warning, then throws a
      // generic "does not have a snapshot".
      const reason = log.messages.find((m) => m.startsWith('Failed to generate snapshot')) ?? String(error);
      throw new InvalidDifferentialError(`${profile.url}: ${reason.split('\nUsing the original')[0]}`);
    }
  }

  /** Removes the working cache (the project's package cache stays). */
  close(): void {
    rmSync(this.workCache, { recursive: true, force: true });
  }

  private writePackage(version: string, profile: StructureDefinition, others: readonly StructureDefinition[]): string {
    const packageDir = path.join(this.workCache, `${SNAPSHOT_PACKAGE}#${version}`);
    const contentDir = path.join(packageDir, 'package');
    mkdirSync(contentDir, { recursive: true });
    const files: [string, StructureDefinition][] = [
      [PROFILE_FILE, profile],
      ...others.map((sd, i): [string, StructureDefinition] => [`StructureDefinition-context-${i}.json`, sd]),
    ];
    for (const [file, sd] of files) {
      writeFileSync(path.join(contentDir, file), JSON.stringify(sd));
    }
    const index = { 'index-version': 2, files: files.map(([file, sd]) => indexEntry(file, sd)) };
    writeFileSync(path.join(contentDir, '.index.json'), JSON.stringify(index));
    const manifest = {
      name: SNAPSHOT_PACKAGE,
      version,
      fhirVersions: [CORE_PACKAGE_VERSION],
      dependencies: { [CORE_PACKAGE_NAME]: CORE_PACKAGE_VERSION },
    };
    writeFileSync(path.join(contentDir, 'package.json'), JSON.stringify(manifest));
    return packageDir;
  }
}

/** The definition with an id on every differential element (the same object when all have one). */
function withDifferentialIds(sd: StructureDefinition): StructureDefinition {
  const elements = sd.differential?.element;
  if (!elements || elements.every((e) => e.id)) return sd;
  return { ...sd, differential: { ...sd.differential, element: withElementIds(elements) } };
}

/**
 * The differential's elements, each with an id: one without keeps the id R4 gives it
 * (elementdefinition.html#id): its path, with `:sliceName` after each part that names a slice, e.g.
 * `Observation.component:systolic.code` for a child of the slice declared just before it.
 * fhir-snapshot-generator needs the ids and, without them, fails on such a differential.
 */
export function withElementIds(elements: readonly ElementDefinition[]): ElementDefinition[] {
  /** Path -> the id of the element most recently declared at that path (a slice, or the element itself). */
  const idOfPath = new Map<string, string>();
  const idFor = (path: string): string => {
    const known = idOfPath.get(path);
    if (known !== undefined) return known;
    const dot = path.lastIndexOf('.');
    return dot < 0 ? path : `${idFor(path.slice(0, dot))}${path.slice(dot)}`;
  };
  return elements.map((element) => {
    const path = element.path;
    const dot = path.lastIndexOf('.');
    const own = dot < 0 ? path : `${idFor(path.slice(0, dot))}${path.slice(dot)}`;
    const id = element.id ?? (element.sliceName ? `${own}:${element.sliceName}` : own);
    // A new declaration at a path ends whatever slice its descendants were in.
    for (const key of [...idOfPath.keys()]) {
      if (key.startsWith(`${path}.`)) idOfPath.delete(key);
    }
    idOfPath.set(path, id);
    return element.id === id ? element : { ...element, id };
  });
}

function checkShape(profile: StructureDefinition): void {
  if (profile.resourceType !== 'StructureDefinition' || !profile.url) {
    throw new InvalidDifferentialError('a snapshot is generated for a StructureDefinition with a url');
  }
  if (profile.derivation === 'specialization') {
    throw new InvalidDifferentialError(`${profile.url} defines a new type (derivation specialization): only constraints get a generated snapshot`);
  }
  if (!profile.baseDefinition) {
    throw new InvalidDifferentialError(`${profile.url} has no baseDefinition to apply its differential to`);
  }
  const elements = profile.differential?.element ?? [];
  if (elements.length === 0) {
    throw new InvalidDifferentialError(`${profile.url} has no differential`);
  }
  const outside = elements.find((e) => !e.path || !(e.path === profile.type || e.path.startsWith(`${profile.type}.`)));
  if (!profile.type || outside) {
    throw new InvalidDifferentialError(`${profile.url}: differential element ${outside?.path ?? ''} is not a path of its type ${profile.type ?? '(none)'}`);
  }
}

function coreStructureDefinitionUrls(packageDir: string): Set<string> {
  const index = JSON.parse(readFileSync(path.join(packageDir, 'package', '.index.json'), 'utf8')) as {
    files: { resourceType: string; url?: string }[];
  };
  return new Set(index.files.filter((f) => f.resourceType === 'StructureDefinition' && f.url).map((f) => f.url as string));
}

/** Follows baseDefinition through the context until it reaches a core R4 definition. */
function checkBaseChain(profile: StructureDefinition, context: readonly StructureDefinition[], coreUrls: ReadonlySet<string>): void {
  const byUrl = new Map(context.map((sd) => [sd.url, sd]));
  const seen = new Set<string>([profile.url as string]);
  let base = profile.baseDefinition as string;
  while (!coreUrls.has(base)) {
    const parent = byUrl.get(base);
    if (!parent?.baseDefinition || seen.has(base)) {
      throw new UnknownBaseDefinitionError(base, profile.url as string);
    }
    seen.add(base);
    base = parent.baseDefinition;
  }
}

