import type { Bundle, Patient } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { adverseEventEntry } from './adverse-events';
import { addDays } from './calendar';
import { demoTransactionEntry, refTo } from './demo-entries';
import { DemoDesignError, readDesign, type TrialDesign } from './design';
import { infusion } from './infusions';
import type { VisitContext } from './observations';
import { consentEntry, patientEntry, personOfGender, researchSubjectEntry } from './participants';
import { PUBLISHED_NCT_ID } from './published-figures';
import { type PublishedSubject, publishedSubjects } from './published-subjects';
import { forkPrng } from './prng';
import { CONSENT_DAYS_BEFORE_M0, REGISTRATION_DAYS_BEFORE_M0 } from './schedule-defaults';

/** The seed of the committed dataset (the paper's e-publication day): change it and the file changes. */
export const PUBLISHED_SEED = 20220105;

/** The visit of the single infusion: the schedule's index visit that infuses (NCT02213705's "Day 0"). */
function infusionVisitId(design: TrialDesign): string {
  const visit = design.visits.find((v) => v.infusion);
  if (!visit) throw new DemoDesignError(`${design.nctId}: the schedule has no infusion visit`);
  return visit.id;
}

/**
 * One subject, with the demo's builders: Patient, consent, ResearchSubject (off study at the end of
 * follow-up, the lifecycle's final state), the body weight taken before the infusion, the infusion
 * (dose per kg x weight) and the adverse events, each naming the infusion as suspect entity.
 */
function subjectEntries(design: TrialDesign, s: PublishedSubject, visitId: string, seed: number): KeyedResource[] {
  const prng = forkPrng(seed, design.nctId, 'published', 'subject', s.number);
  const who = personOfGender(prng, s.infusion, s.gender);
  const patient = patientEntry(design.nctId, s.label, who);
  const consent = consentEntry(design.nctId, s.label, patient, addDays(s.infusion, -CONSENT_DAYS_BEFORE_M0));
  const subject = researchSubjectEntry(design.nctId, s.label, patient, consent, {
    status: 'off-study',
    armName: s.arm.name,
    registered: addDays(s.infusion, -REGISTRATION_DAYS_BEFORE_M0),
    started: true,
    ended: s.end,
  });
  const ctx: VisitContext = { nctId: design.nctId, subject: s.label, patient: refTo<Patient>(patient), visitId, day: s.infusion };
  const weightKg = s.gender === 'female' ? prng.real(48, 82) : prng.real(60, 98);
  const given = infusion(ctx, design, s.arm, 'cells', weightKg);
  const events = s.events.map((plan, n) => adverseEventEntry(ctx, n + 1, plan, given.administration, subject, s.end));
  return [patient, consent, subject, given.weight, given.administration, ...events];
}

/**
 * A fictional, subject-level dataset consistent with every safety figure published for NCT02213705
 * (PUBLISHED_FIGURES), as one FHIR transaction Bundle of PUTs keyed on demo identifiers, so loading it
 * again updates in place. The design (arms, doses, cohort order, visits) is read from the trial's own
 * Bundle (bundles/trials/NCT02213705.json); the same trial and seed always give the same Bundle.
 */
export function publishedBundle(trial: Bundle, seed = PUBLISHED_SEED): Bundle {
  const design = readDesign(trial);
  if (design.nctId !== PUBLISHED_NCT_ID) throw new DemoDesignError(`the published-results dataset is ${PUBLISHED_NCT_ID}'s, not ${design.nctId}'s`);
  const visitId = infusionVisitId(design);
  const entries = publishedSubjects(design, seed).flatMap((s) => subjectEntries(design, s, visitId, seed));
  return { resourceType: 'Bundle', type: 'transaction', entry: entries.map(demoTransactionEntry) };
}

/** The Bundle as committed in bundles/demo/nct02213705-published.json: two-space JSON, final newline. */
export function publishedJson(trial: Bundle, seed = PUBLISHED_SEED): string {
  return `${JSON.stringify(publishedBundle(trial, seed), null, 2)}\n`;
}
