import { armStratifier, NO_ARM } from './arm-strata';
import type { GroupFigures } from './measure-report';
import { indexedDay, type InfusionRecord, type SubjectRecord } from './study-records';

/** Statuses that come after eligibility in the enrollment lifecycle (src/trial/rules/enrollment-lifecycle.ts). */
const FOUND_ELIGIBLE: ReadonlySet<string> = new Set(['eligible', 'pending-on-study', 'on-study', 'on-study-intervention', 'on-study-observation', 'follow-up', 'off-study']);

export interface FlowInput {
  subjects: SubjectRecord[];
  infusions: InfusionRecord[];
  /** Why each withdrawn subject withdrew, by ResearchSubject id. */
  withdrawalReasons: ReadonlyMap<string, string>;
  asOf: string;
  arms?: readonly string[];
}

/**
 * The participant flow (issue 8 point 3), CONSORT-like, from each subject's current status and arm and
 * the infusions given by the cut-off. A subject withdrawn after randomization counts as eligible and
 * randomized too: its arm says it got that far.
 */
export function flowFigures(input: FlowInput): GroupFigures[] {
  const infusionsOf = new Map<string, number>();
  for (const infusion of input.infusions) {
    if (infusion.patient && infusion.given && indexedDay(infusion.given) <= input.asOf) infusionsOf.set(infusion.patient, (infusionsOf.get(infusion.patient) ?? 0) + 1);
  }
  const strata = armStratifier(input.subjects, input.arms);
  const infused = (s: SubjectRecord, n: number) => (s.patient ? (infusionsOf.get(s.patient) ?? 0) >= n : false);
  const group = (code: string, display: string, subjects: SubjectRecord[]): GroupFigures => ({
    code,
    display,
    populations: [{ code: 'initial-population', count: subjects.length }],
    stratifiers: strata.stratifier((arm) => [{ code: 'initial-population', count: subjects.filter((s) => (s.arm ?? NO_ARM) === arm).length }]),
  });
  const all = input.subjects;
  const withdrawn = group('withdrawn', 'Withdrawn', all.filter((s) => s.status === 'withdrawn'));
  const byReason = new Map<string, number>();
  for (const reason of input.withdrawalReasons.values()) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  withdrawn.stratifiers.push({
    code: 'withdrawal-reason',
    strata: [...byReason].sort(([a], [b]) => a.localeCompare(b)).map(([value, count]) => ({ value, populations: [{ code: 'initial-population', count }] })),
  });
  return [
    group('screened', 'Screened', all),
    group('eligible', 'Eligible', all.filter((s) => FOUND_ELIGIBLE.has(s.status ?? '') || s.arm)),
    group('ineligible', 'Ineligible', all.filter((s) => s.status === 'ineligible')),
    group('randomized', 'Randomized or assigned', all.filter((s) => s.arm)),
    group('infused-first', 'First infusion', all.filter((s) => infused(s, 1))),
    group('infused-second', 'Second infusion', all.filter((s) => infused(s, 2))),
    group('completed', 'Completed', all.filter((s) => s.status === 'off-study')),
    withdrawn,
  ];
}
