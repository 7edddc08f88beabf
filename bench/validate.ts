/**
 * Validation throughput bench: `npm run bench:validate` (issue 4, point 7).
 *
 * Validates seeded, varied Observations, MedicationAdministrations and AdverseEvents (one in eight
 * with a flaw) against base R4 and against a profile, with Stroma's validator
 * (src/fhir/validation) and with @medplum/core's validateResource on the same inputs, in this one
 * process on one thread (no workers): each figure is the median of 3 runs of >= BENCH_RUN_MS after
 * a warm-up. Then times a transaction Bundle of BENCH_BUNDLE_ENTRIES entries (Observations whose
 * subject is a Patient entry's urn:uuid), and lists every input on which the two validators'
 * verdicts differ, grouped by the rule that explains it.
 *
 * Profiles: the project's, compiled into profiles/ (bench/lib/validate-profiles.ts names the three
 * benched); every StructureDefinition, ValueSet and CodeSystem there is loaded into both validators.
 *
 * Knobs (env): BENCH_INPUTS=400 (per resource type) BENCH_RUN_MS=2000 BENCH_WARMUP_MS=1000
 *   BENCH_BUNDLE_ENTRIES=10000.
 * Exit status: 0 when every measurement ran (targets may still FAIL), 1 on an error.
 */
import os from 'node:os';
import { loadDataType } from '@medplum/core';
import type { Bundle } from '@medplum/fhirtypes';
import { createValidator } from '../src/fhir/validation';
import { Cleanup } from './lib/cleanup';
import { machineLine } from './lib/report';
import { positiveInt, runBench } from './lib/run';
import { adverseEvents, type BenchInput, medicationAdministrations, observationTransaction, observations } from './lib/validate-data';
import { errorsOf, medplumValidate, stromaValidate, throughput, timePerCall, type TimingOptions } from './lib/validate-measure';
import { type BenchedType, projectConformance } from './lib/validate-profiles';
import { type BundleRow, renderValidateReport, type ThroughputRow } from './lib/validate-report';
import { type ComparedSet, compareVerdicts } from './lib/validate-verdicts';

const inputsPerType = positiveInt('BENCH_INPUTS', 400);
const bundleEntries = positiveInt('BENCH_BUNDLE_ENTRIES', 10_000);
const timing: TimingOptions = { runMs: positiveInt('BENCH_RUN_MS', 2_000), runs: 3, warmupMs: positiveInt('BENCH_WARMUP_MS', 1_000) };

const cleanup = new Cleanup();
const abort = new AbortController();

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {
  const started = new Date().toISOString();
  const loadAtStart = loadAverage();
  log(`bench:validate — ${started}`);
  const conformance = projectConformance();
  const validator = createValidator();
  validator.register(conformance.resources);
  // @medplum/core resolves a profile's extension slices through its own registry of loaded types.
  const medplumRefused: string[] = [];
  for (const sd of conformance.structureDefinitions) {
    try {
      loadDataType(sd);
    } catch (error) {
      medplumRefused.push(`${sd.url} (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  const inputSets: [BenchedType, BenchInput[]][] = [
    ['Observation', observations(inputsPerType)],
    ['MedicationAdministration', medicationAdministrations(inputsPerType)],
    ['AdverseEvent', adverseEvents(inputsPerType)],
  ];
  const rows: ThroughputRow[] = [];
  const compared: ComparedSet[] = [];
  for (const [type, inputs] of inputSets) {
    const profile = conformance.profile(type);
    const resources = inputs.map((i) => i.resource);
    for (const mode of ['base R4', 'profiled'] as const) {
      const stroma = stromaValidate(validator, mode === 'profiled' ? profile.url : undefined);
      const medplum = medplumValidate(mode === 'profiled' ? profile : undefined);
      log(`${type}, ${mode}: Stroma…`);
      const ours = throughput(resources, stroma, timing);
      log(`  ${ours.median.toFixed(0)}/s; @medplum/core…`);
      const theirs = throughput(resources, medplum, timing);
      log(`  ${theirs.median.toFixed(0)}/s`);
      rows.push({ type, mode, stroma: ours, medplum: theirs });
      compared.push({ mode, inputs, stroma, medplum });
    }
  }

  const bundles = measureBundles(validator);
  const verdicts = compareVerdicts(compared);
  const flawed = inputSets[0][1].filter((i) => i.flaw).length;
  const header = [
    `bench:validate — ${started}`,
    machineLine(),
    `load average at start (1/5/15 min): ${loadAtStart}; at end: ${loadAverage()}`,
    `one core: every validation runs on this process's main thread, one at a time (no workers); each figure is the median of ${timing.runs} runs of >= ${timing.runMs} ms after a ${timing.warmupMs} ms warm-up; CPU time counts V8's GC threads too, so per-CPU-second figures err low`,
    `inputs: ${inputsPerType} per resource type, seeded (bench/lib/validate-data.ts); ${flawed} of each carry one flaw in turn (wrong status, a value or coding the profile forbids, missing required element, bad date format)`,
    `profiles: the project's, from profiles/ (${conformance.resources.length} conformance resources loaded into both validators): ${inputSets.map(([type]) => conformance.profile(type).url).join(', ')}`,
    ...(medplumRefused.length > 0 ? [`@medplum/core could not load: ${medplumRefused.join('; ')}`] : []),
    '@medplum/core: validateResource(resource) for base R4, validateResource(resource, { profile }) for profiled (it parses the profile on each call; that is its API)',
  ];
  process.stdout.write(`\n${renderValidateReport({ header, rows, bundles, verdicts })}\n`);
  return 0;
}

function loadAverage(): string {
  return os.loadavg().map((v) => v.toFixed(1)).join(' / ');
}

/**
 * The transaction Bundle, validated whole: base R4 (every entry, references between entries), the
 * same with every Observation claiming the profile in meta.profile (what a trial write checks), and
 * a quarter-size Bundle, to check that the cost stays linear in the number of entries.
 */
function measureBundles(validator: ReturnType<typeof createValidator>): BundleRow[] {
  const transaction = observationTransaction(bundleEntries);
  const profiled = observationTransaction(bundleEntries, true);
  const quarter = observationTransaction(Math.max(2, Math.round(bundleEntries / 4)));
  const stroma = stromaValidate(validator);
  const medplum = medplumValidate();
  const row = (label: string, bundle: Bundle, withMedplum: boolean): BundleRow => {
    log(`${label}: Stroma…`);
    const result: BundleRow = { label, stroma: timePerCall(bundle, stroma, timing), stromaErrors: errorsOf(stroma(bundle)).length };
    if (withMedplum) {
      log(`  ${result.stroma.median.toFixed(0)} ms; @medplum/core…`);
      result.medplum = timePerCall(bundle, medplum, timing);
      result.medplumErrors = errorsOf(medplum(bundle)).length;
    }
    return result;
  };
  const entries = (b: Bundle) => (b.entry?.length ?? 0).toLocaleString('en-US');
  return [
    row(`transaction, ${entries(transaction)} entries, base R4`, transaction, true),
    row(`transaction, ${entries(profiled)} entries, Observations with meta.profile`, profiled, false),
    row(`transaction, ${entries(quarter)} entries, base R4 (linearity check)`, quarter, true),
  ];
}

runBench('bench:validate', main, cleanup, abort, log);
