import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DiskBasedPackageCache, type CurrentBuildClient, type RegistryClient } from 'fhir-package-loader';
import { fhirdefs, sushiExport, utils } from 'fsh-sushi';
import { ensureCorePackage } from '../../src/fhir/conformance/core-package';

/**
 * SUSHI, run in-process over the project's offline FHIR package cache.
 *
 * The `sushi` command reads packages from `os.homedir()/.fhir/packages` (only HOME would move it) and
 * downloads what it lacks from packages.fhir.org. Its library entry `createFHIRDefinitions` takes the
 * package cache and the registry client as arguments, so this runs the same steps as the command
 * (fsh-sushi/dist/app.js: read the config, fill the tank, load the dependencies, export) with the cache
 * in the project and a registry client that never goes to the network.
 */

/** A resource SUSHI produced, with the kind of FSH item it came from. */
export interface CompiledResource {
  /** Profile, Extension, Logical, Resource, ValueSet, CodeSystem, or Instance. */
  fshKind: string;
  /** For an Instance: Example, Definition (Inline instances are not written, as SUSHI does). */
  usage?: string;
  resource: Record<string, unknown> & { resourceType: string; id: string };
}

export interface SushiResult {
  resources: CompiledResource[];
  errors: string[];
  warnings: string[];
}

/** Answers concrete versions as they are and refuses everything that needs the registry. */
class OfflineRegistryClient implements RegistryClient, CurrentBuildClient {
  async resolveVersion(name: string, version: string): Promise<string> {
    if (/^\d+\.\d+\.\d+(-[\w.-]+)?$/.test(version)) {
      return version;
    }
    throw new Error(`${name}#${version} needs the FHIR package registry, which Stroma never uses`);
  }
  async download(name: string, version: string): Promise<Readable> {
    throw new Error(`${name}#${version} is not in the offline package cache`);
  }
  async downloadCurrentBuild(name: string): Promise<Readable> {
    throw new Error(`${name}#current needs build.fhir.org, which Stroma never uses`);
  }
  async getCurrentBuildDate(name: string): Promise<string> {
    throw new Error(`${name}#current needs build.fhir.org, which Stroma never uses`);
  }
}

/**
 * Compiles the SUSHI project in `projectDir` (its sushi-config.yaml, FSH in input/fsh/) into FHIR
 * resources, StructureDefinitions with their snapshots. Errors and warnings are returned, not logged.
 */
export async function compileFsh(projectDir: string, cacheDir: string): Promise<SushiResult> {
  ensureCorePackage(cacheDir);
  const { logger, errorsAndWarnings } = utils;
  const silent = logger.transports[0].silent;
  errorsAndWarnings.reset();
  errorsAndWarnings.shouldTrack = true;
  logger.transports[0].silent = true;
  try {
    setIgnoredMessages(projectDir);
    const config = utils.readConfig(projectDir);
    const tank = utils.fillTank(utils.getRawFSHes(path.join(projectDir, 'input', 'fsh')), config);
    tank.checkDuplicateNameEntities();
    const registry = new OfflineRegistryClient();
    const defs = await fhirdefs.createFHIRDefinitions({
      packageCache: new DiskBasedPackageCache(cacheDir),
      registryClient: registry,
      currentBuildClient: registry,
    });
    await utils.loadExternalDependencies(defs, config);
    defs.optimize();
    const outPackage = sushiExport.exportFHIR(tank, defs);
    return {
      resources: collect(outPackage),
      errors: errorsAndWarnings.errors.map((e) => describe(e)),
      warnings: errorsAndWarnings.warnings.map((w) => describe(w)),
    };
  } finally {
    logger.transports[0].silent = silent;
    errorsAndWarnings.shouldTrack = false;
  }
}

type ExportedPackage = ReturnType<typeof sushiExport.exportFHIR>;

function collect(outPackage: ExportedPackage): CompiledResource[] {
  const definitions = [
    ...outPackage.profiles.map((sd) => ({ fshKind: 'Profile', item: sd })),
    ...outPackage.extensions.map((sd) => ({ fshKind: 'Extension', item: sd })),
    ...outPackage.logicals.map((sd) => ({ fshKind: 'Logical', item: sd })),
    ...outPackage.resources.map((sd) => ({ fshKind: 'Resource', item: sd })),
    ...outPackage.valueSets.map((vs) => ({ fshKind: 'ValueSet', item: vs })),
    ...outPackage.codeSystems.map((cs) => ({ fshKind: 'CodeSystem', item: cs })),
  ].map(({ fshKind, item }) => ({ fshKind, resource: item.toJSON(true) as CompiledResource['resource'] }));
  const instances = outPackage.instances
    .filter((instance) => instance._instanceMeta.usage !== 'Inline')
    .map((instance) => ({
      fshKind: 'Instance',
      usage: instance._instanceMeta.usage,
      resource: instance.toJSON() as CompiledResource['resource'],
    }));
  return [...definitions, ...instances];
}

/** profiles/fsh/sushi-ignoreWarnings.txt and -Errors.txt, SUSHI's own way of silencing known messages. */
function setIgnoredMessages(projectDir: string): void {
  const warnings = path.join(projectDir, 'sushi-ignoreWarnings.txt');
  const errors = path.join(projectDir, 'sushi-ignoreErrors.txt');
  utils.setIgnoredWarnings(existsSync(warnings) ? readFileSync(warnings, 'utf8') : '');
  utils.setIgnoredErrors(existsSync(errors) ? readFileSync(errors, 'utf8') : '');
}

function describe(message: { message: string; location?: { startLine?: number } | null; input?: string | null }): string {
  const where = message.input ? ` (${message.input}${message.location?.startLine ? `:${message.location.startLine}` : ''})` : '';
  return `${message.message}${where}`;
}
