import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { SnapshotGenerator } from '../../src/fhir/conformance/snapshot';

/**
 * Issue 4, point 6: the cases of HL7's fhir-test-cases (../shared/conformance/hl7-validator-cases),
 * read once for the tests that run them (through the engine, and through $validate over HTTP) and
 * compare their error counts with those of HL7's Java reference validator.
 * Targets: the same error/no-error verdict on every run, the same count on at least 90 %.
 */
export const CASES_DIR = path.resolve(__dirname, '../../../shared/conformance/hl7-validator-cases');

export interface Expected {
  errorCount: number;
}

export interface Hl7Case {
  name: string;
  input: string;
  inputResourceType: string | null;
  supporting: string[];
  profile?: string;
  profileSupporting?: string[];
  expected: { base: Expected; profile?: Expected };
}

/** One validation of a case (its base run, or its run against `profile`) and the errors found. */
export interface CaseRun {
  run: string;
  expected: number;
  actual: number;
  errors: string[];
}

export function readCaseFile(file: string): unknown {
  return JSON.parse(readFileSync(path.join(CASES_DIR, file), 'utf8'));
}

export function readCaseText(file: string): string {
  return readFileSync(path.join(CASES_DIR, file), 'utf8');
}

export function readManifest(): { cases: Hl7Case[] } {
  return readCaseFile('manifest.json') as { cases: Hl7Case[] };
}

const snapshots = new Map<string, StructureDefinition>();

/**
 * The case's supporting StructureDefinitions, in order, ready to register: those with only a
 * differential get a snapshot from the project's generator, with the others of `files` as context.
 * One that cannot get a snapshot is left out (and said so), as the Java validator skips a
 * definition it cannot use.
 */
export async function supportingDefinitions(generator: SnapshotGenerator, files: readonly string[]): Promise<StructureDefinition[]> {
  const context = files.map((f) => readCaseFile(f) as StructureDefinition);
  const definitions: StructureDefinition[] = [];
  for (const file of files) {
    const sd = readCaseFile(file) as StructureDefinition;
    if (sd.snapshot) {
      definitions.push(sd);
      continue;
    }
    if (!snapshots.has(file)) {
      try {
        snapshots.set(file, await generator.generate(sd, context));
      } catch (err) {
        console.log(`${file}: no snapshot (${String(err).slice(0, 160)})`);
        continue;
      }
    }
    definitions.push(snapshots.get(file) as StructureDefinition);
  }
  return definitions;
}

/** The agreement with the Java validator: the summary line, the table of every run, and the runs that differ. */
export function agreementReport(title: string, runs: readonly CaseRun[], caseCount: number): string {
  const sameVerdict = runs.filter((o) => o.expected > 0 === o.actual > 0);
  const sameCount = runs.filter((o) => o.expected === o.actual);
  const width = Math.max(...runs.map((o) => o.run.length));
  const table = runs.map((o) => {
    const verdict = o.expected > 0 === o.actual > 0 ? 'same' : 'DIFF';
    const count = o.expected === o.actual ? 'same' : 'DIFF';
    return `  ${o.run.padEnd(width)}  Java ${String(o.expected).padStart(2)}  here ${String(o.actual).padStart(2)}  verdict ${verdict}  count ${count}`;
  });
  const differing = runs
    .filter((o) => o.expected !== o.actual)
    .map((o) => `  ${o.run}: Java ${o.expected}, here ${o.actual}\n${o.errors.map((e) => `    ${e.slice(0, 200)}`).join('\n')}`);
  return (
    `${title}: ${runs.length} runs of ${caseCount} cases; ` +
    `same verdict ${sameVerdict.length}/${runs.length}, same error count ${sameCount.length}/${runs.length} ` +
    `(${((100 * sameCount.length) / runs.length).toFixed(1)} %)\n${table.join('\n')}\n${differing.length > 0 ? `differing:\n${differing.join('\n')}` : ''}`
  );
}

/** The runs whose verdict (errors or none) differs from the Java validator's. */
export function differentVerdicts(runs: readonly CaseRun[]): string[] {
  return runs.filter((o) => o.expected > 0 !== o.actual > 0).map((o) => o.run);
}

/** The share of runs with the Java validator's error count. */
export function sameCountShare(runs: readonly CaseRun[]): number {
  return runs.filter((o) => o.expected === o.actual).length / runs.length;
}
