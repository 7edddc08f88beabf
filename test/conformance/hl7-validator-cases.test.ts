import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { SnapshotGenerator } from '../../src/fhir/conformance/snapshot';
import { createValidator, type ResourceValidator } from '../../src/fhir/validation';

/**
 * Issue 4, point 6b: the cases of HL7's fhir-test-cases (../shared/conformance/hl7-validator-cases)
 * run through the engine, compared with the error counts of HL7's Java reference validator.
 * Targets: the same error/no-error verdict on every case, the same count on at least 90 %.
 */
const CASES_DIR = path.resolve(__dirname, '../../../shared/conformance/hl7-validator-cases');

interface Expected {
  errorCount: number;
}
interface Case {
  name: string;
  input: string;
  supporting: string[];
  profile?: string;
  profileSupporting?: string[];
  expected: { base: Expected; profile?: Expected };
}
interface Outcome {
  run: string;
  expected: number;
  actual: number;
  errors: string[];
}

function readCaseFile(file: string): unknown {
  return JSON.parse(readFileSync(path.join(CASES_DIR, file), 'utf8'));
}

/** An input that is not JSON (bad-json-close) is one fatal issue, as for the server's 400. */
function readInput(file: string): unknown {
  try {
    return readCaseFile(file);
  } catch {
    return undefined;
  }
}

const snapshots = new Map<string, StructureDefinition>();

/** Supporting StructureDefinitions with only a differential get a snapshot from the project's generator. */
async function withSnapshot(generator: SnapshotGenerator, file: string, context: StructureDefinition[]): Promise<StructureDefinition | undefined> {
  const sd = readCaseFile(file) as StructureDefinition;
  if (sd.snapshot) {
    return sd;
  }
  if (!snapshots.has(file)) {
    try {
      snapshots.set(file, await generator.generate(sd, context));
    } catch (err) {
      // The Java validator skips a definition it cannot use: so does the case (noted in the output).
      console.log(`${file}: no snapshot (${String(err).slice(0, 160)})`);
      return undefined;
    }
  }
  return snapshots.get(file);
}

async function register(generator: SnapshotGenerator, validator: ResourceValidator, files: readonly string[]): Promise<string[]> {
  const raw = files.map((f) => readCaseFile(f) as StructureDefinition);
  const urls: string[] = [];
  for (const file of files) {
    const sd = await withSnapshot(generator, file, raw.filter((r) => r !== readCaseFile(file)));
    if (sd) {
      validator.register([sd]);
      urls.push(sd.url);
    }
  }
  return urls;
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

async function runCase(generator: SnapshotGenerator, c: Case): Promise<Outcome[]> {
  const validator = createValidator();
  const input = readInput(c.input);
  await register(generator, validator, c.supporting);
  const base = errorsOf(validator, input);
  const outcomes: Outcome[] = [{ run: `${c.name} (base)`, expected: c.expected.base.errorCount, actual: base.length, errors: base }];
  if (c.profile && c.expected.profile) {
    await register(generator, validator, c.profileSupporting ?? []);
    const [url] = await register(generator, validator, [c.profile]);
    const errors = url ? errorsOf(validator, input, [url]) : ['profile could not be registered'];
    outcomes.push({ run: `${c.name} (profile)`, expected: c.expected.profile.errorCount, actual: errors.length, errors });
  }
  return outcomes;
}

describe('HL7 validator test cases, compared with the Java reference validator', () => {
  const manifest = readCaseFile('manifest.json') as { cases: Case[] };
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    const generator = await SnapshotGenerator.create();
    for (const c of manifest.cases) {
      outcomes.push(...(await runCase(generator, c)));
    }
    const sameVerdict = outcomes.filter((o) => o.expected > 0 === o.actual > 0);
    const sameCount = outcomes.filter((o) => o.expected === o.actual);
    const differing = outcomes
      .filter((o) => o.expected !== o.actual)
      .map((o) => `  ${o.run}: Java ${o.expected}, here ${o.actual}\n${o.errors.map((e) => `    ${e.slice(0, 200)}`).join('\n')}`);
    console.log(
      `HL7 validator cases: ${outcomes.length} runs of ${manifest.cases.length} cases; ` +
        `same verdict ${sameVerdict.length}/${outcomes.length}, same error count ${sameCount.length}/${outcomes.length} ` +
        `(${((100 * sameCount.length) / outcomes.length).toFixed(1)} %)\n${differing.join('\n')}`,
    );
  }, 600_000);

  it('runs every case of the manifest', () => {
    expect(manifest.cases.length).toBe(60);
    expect(outcomes.length).toBeGreaterThanOrEqual(60);
  });

  it('reaches the Java validator verdict (errors or none) on every case', () => {
    const differing = outcomes.filter((o) => o.expected > 0 !== o.actual > 0).map((o) => o.run);
    expect(differing).toEqual([]);
  });

  it('reaches the Java validator error count on at least 90 % of the cases', () => {
    const sameCount = outcomes.filter((o) => o.expected === o.actual).length;
    expect(sameCount / outcomes.length).toBeGreaterThanOrEqual(0.9);
  });
});
