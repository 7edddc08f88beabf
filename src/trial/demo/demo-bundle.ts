import type { Bundle } from '@medplum/fhirtypes';
import { allocate, type Allocation } from './allocation';
import { type Day } from './calendar';
import { demoTransactionEntry } from './demo-entries';
import { readDesign, type TrialDesign } from './design';
import { forkPrng } from './prng';
import { CUTOFF_SUBJECT_QUANTILE } from './schedule-defaults';
import { subjectEntries, visitDay } from './subject-course';

/** The demo's data cut-off: the day the median subject (in order of entry) has its last visit. */
function cutoffOf(design: TrialDesign, allocations: readonly Allocation[]): Day {
  const lastVisit = design.visits[design.visits.length - 1];
  const ends = allocations.map((a) => visitDay(a.firstInfusion, lastVisit)).sort();
  return ends[Math.floor((ends.length - 1) * CUTOFF_SUBJECT_QUANTILE)];
}

/**
 * Clearly fictional subject-level data for one trial, as a FHIR transaction Bundle: Patients tagged as
 * test data, consents, ResearchSubjects, body weights and infusions, visit measurements and adverse
 * events, shaped by the design read from the trial's own transaction Bundle. The same trial and seed
 * always give the same Bundle; every entry is a (conditional) PUT keyed on a demo identifier, so loading
 * it again updates in place.
 */
export function demoBundle(trial: Bundle, seed: number): Bundle {
  const design = readDesign(trial);
  const allocations = allocate(design, forkPrng(seed, design.nctId, 'allocation'));
  const cutoff = cutoffOf(design, allocations);
  const entries = allocations.flatMap((a) => subjectEntries(design, a, cutoff, forkPrng(seed, design.nctId, 'subject', a.number)));
  return { resourceType: 'Bundle', type: 'transaction', entry: entries.map(demoTransactionEntry) };
}
