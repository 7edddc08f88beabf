import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { DEFAULT_FHIR_PACKAGE_CACHE } from '../../../src/fhir/conformance/core-package';
import { compareProfileFiles, expectedProfileFiles } from '../../../scripts/profiles/layout';
import { compileFsh, type SushiResult } from '../../../scripts/profiles/sushi-offline';

const PROFILES_DIR = path.resolve(__dirname, '..', '..', '..', 'profiles');

/** SUSHI over profiles/fsh takes 2-3 s in-process, so the suite compiles once, for real. */
describe('the compiled JSON in profiles/', () => {
  let result: SushiResult;
  let expected: Map<string, string>;

  beforeAll(async () => {
    result = await compileFsh(path.join(PROFILES_DIR, 'fsh'), DEFAULT_FHIR_PACKAGE_CACHE);
    expected = expectedProfileFiles(result.resources);
  });

  it('when SUSHI compiles profiles/fsh offline, then it reports no error and no warning', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('when compared with the FSH, then no file is missing, changed or stale (run `npm run profiles` if this fails)', () => {
    expect(compareProfileFiles(PROFILES_DIR, expected)).toEqual({ missing: [], changed: [], stale: [] });
  });

  it('when a compiled file is edited, removed or left over, then the comparison names it', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'stroma-profiles-'));
    try {
      for (const [file, text] of expected) {
        mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
        writeFileSync(path.join(copy, file), text);
      }
      writeFileSync(path.join(copy, 'structure-definitions', 'dose-per-kg.json'), '{}\n');
      rmSync(path.join(copy, 'search-parameters', 'workflow-study.json'));
      writeFileSync(path.join(copy, 'search-parameters', 'retired.json'), '{}\n');
      expect(compareProfileFiles(copy, expected)).toEqual({
        missing: ['search-parameters/workflow-study.json'],
        changed: ['structure-definitions/dose-per-kg.json'],
        stale: ['search-parameters/retired.json'],
      });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('when the dose-per-kg extension is compiled, then its snapshot fixes the UCUM unit {cells}/kg', () => {
    const extension = result.resources.find((r) => r.resource.id === 'dose-per-kg')?.resource as unknown as StructureDefinition;
    expect(extension.url).toBe('https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg');
    const element = (id: string) => extension.snapshot?.element.find((e) => e.id === id);
    expect(element('Extension.value[x].code')).toMatchObject({ fixedCode: '{cells}/kg', min: 1 });
    expect(element('Extension.value[x].system')).toMatchObject({ fixedUri: 'http://unitsofmeasure.org', min: 1 });
  });
});
