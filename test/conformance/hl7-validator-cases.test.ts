import { SnapshotGenerator } from '../../src/fhir/conformance/snapshot';
import { createValidator, type ResourceValidator } from '../../src/fhir/validation';
import {
  agreementReport,
  differentVerdicts,
  readCaseFile,
  readManifest,
  sameCountShare,
  supportingDefinitions,
  type CaseRun,
  type Hl7Case,
} from './hl7-cases';

/**
 * Issue 4, point 6: the cases of HL7's fhir-test-cases run through the engine (a new validator per
 * case), compared with the error counts of HL7's Java reference validator. The same cases go
 * through $validate over HTTP in hl7-validator-cases-api.test.ts.
 */

/** An input that is not JSON (bad-json-close) is one fatal issue, as for the server's 400. */
function readInput(file: string): unknown {
  try {
    return readCaseFile(file);
  } catch {
    return undefined;
  }
}

async function register(generator: SnapshotGenerator, validator: ResourceValidator, files: readonly string[]): Promise<string[]> {
  const definitions = await supportingDefinitions(generator, files);
  for (const sd of definitions) {
    validator.register([sd]);
  }
  return definitions.map((sd) => sd.url);
}

function errorsOf(validator: ResourceValidator, input: unknown, profiles?: string[]): string[] {
  if (input === undefined) {
    return ['$this: the input is not JSON'];
  }
  return validator
    .validate(input, { profiles })
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression[0]}: ${i.diagnostics}`);
}

async function runCase(generator: SnapshotGenerator, c: Hl7Case): Promise<CaseRun[]> {
  const validator = createValidator();
  const input = readInput(c.input);
  await register(generator, validator, c.supporting);
  const base = errorsOf(validator, input);
  const runs: CaseRun[] = [{ run: `${c.name} (base)`, expected: c.expected.base.errorCount, actual: base.length, errors: base }];
  if (c.profile && c.expected.profile) {
    await register(generator, validator, c.profileSupporting ?? []);
    const [url] = await register(generator, validator, [c.profile]);
    const errors = url ? errorsOf(validator, input, [url]) : ['profile could not be registered'];
    runs.push({ run: `${c.name} (profile)`, expected: c.expected.profile.errorCount, actual: errors.length, errors });
  }
  return runs;
}

describe('HL7 validator test cases, compared with the Java reference validator', () => {
  const manifest = readManifest();
  const runs: CaseRun[] = [];

  beforeAll(async () => {
    const generator = await SnapshotGenerator.create();
    for (const c of manifest.cases) {
      runs.push(...(await runCase(generator, c)));
    }
    console.log(agreementReport('HL7 validator cases', runs, manifest.cases.length));
  }, 600_000);

  it('runs every case of the manifest', () => {
    expect(manifest.cases.length).toBe(60);
    expect(runs.length).toBeGreaterThanOrEqual(60);
  });

  it('reaches the Java validator verdict (errors or none) on every case', () => {
    expect(differentVerdicts(runs)).toEqual([]);
  });

  it('reaches the Java validator error count on at least 90 % of the cases', () => {
    expect(sameCountShare(runs)).toBeGreaterThanOrEqual(0.9);
  });
});
