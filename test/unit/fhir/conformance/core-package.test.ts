import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FhirPackageExplorer, type LookupFilter } from 'fhir-package-explorer';
import {
  CORE_PACKAGE_DIR,
  ensureCorePackage,
  PLACEHOLDER_VERSION,
} from '../../../../src/fhir/conformance/core-package';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the offline FHIR R4 core package', () => {
  let cacheDir: string;
  let contentDir: string;
  let firstBuild: ReturnType<typeof ensureCorePackage>;

  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'stroma-fhir-cache-'));
    contentDir = path.join(cacheDir, CORE_PACKAGE_DIR, 'package');
    firstBuild = ensureCorePackage(cacheDir);
  });

  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  function readPackageFile(file: string): Record<string, unknown> {
    return JSON.parse(readFileSync(path.join(contentDir, file), 'utf8')) as Record<string, unknown>;
  }

  it('when built into an empty cache, then it holds every R4 definition in the package layout', () => {
    expect(firstBuild.built).toBe(true);
    expect(firstBuild.resources).toBeGreaterThan(4000);
    expect(readPackageFile('package.json')).toMatchObject({ name: 'hl7.fhir.r4.core', version: '4.0.1', fhirVersions: ['4.0.1'] });
    const index = readPackageFile('.index.json') as { files: { filename: string }[] };
    expect(index.files).toHaveLength(firstBuild.resources);
  });

  it('when built, then it holds Observation with its snapshot, a ValueSet and a CodeSystem', () => {
    const observation = readPackageFile('StructureDefinition-Observation.json') as { snapshot: { element: { path: string }[] } };
    expect(observation.snapshot.element.map((e) => e.path)).toContain('Observation.value[x]');
    expect(readPackageFile('ValueSet-observation-status.json')).toMatchObject({ url: 'http://hl7.org/fhir/ValueSet/observation-status' });
    expect(readPackageFile('CodeSystem-observation-status.json')).toMatchObject({ content: 'complete' });
    expect(readPackageFile('CodeSystem-v2-0203.json')).toMatchObject({ url: 'http://terminology.hl7.org/CodeSystem/v2-0203' });
    expect(readPackageFile('SearchParameter-Observation-code-value-concept.json')).toMatchObject({ type: 'composite' });
  });

  it('when built a second time, then nothing is written again', () => {
    const before = statSync(path.join(contentDir, 'StructureDefinition-Observation.json')).mtimeMs;
    const second = ensureCorePackage(cacheDir);
    expect(second).toEqual({ packageDir: firstBuild.packageDir, built: false, resources: firstBuild.resources });
    expect(statSync(path.join(contentDir, 'StructureDefinition-Observation.json')).mtimeMs).toBe(before);
  });

  it('when fhir-package-explorer reads the cache with the registry off, then it resolves core definitions', async () => {
    const explorer = await FhirPackageExplorer.create({
      cachePath: cacheDir,
      registryUrl: 'n/a',
      context: ['hl7.fhir.r4.core@4.0.1'],
      logger: quiet,
    });
    // LookupFilter's fields come from @outburn/types, which is not installed: hence the cast.
    const filter = { resourceType: 'StructureDefinition', url: 'http://hl7.org/fhir/StructureDefinition/Observation' } as LookupFilter;
    const meta = await explorer.resolveMeta(filter);
    expect(meta).toMatchObject({ filename: 'StructureDefinition-Observation.json', derivation: 'specialization' });
  });

  it('when built, then the two packages that fhir-package-installer adds to core are empty placeholders', () => {
    for (const name of ['hl7.terminology.r4', 'hl7.fhir.uv.extensions.r4']) {
      const manifestFile = path.join(cacheDir, `${name}#${PLACEHOLDER_VERSION}`, 'package', 'package.json');
      expect(JSON.parse(readFileSync(manifestFile, 'utf8'))).toMatchObject({ name, description: expect.stringContaining('placeholder') });
    }
  });
});
