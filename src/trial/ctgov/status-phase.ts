import type { CodeableConcept, ResearchStudy } from '@medplum/fhirtypes';

export const PHASE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/research-study-phase';

type StudyStatus = ResearchStudy['status'];

/**
 * ClinicalTrials.gov overallStatus -> FHIR R4 research-study-status, by the definitions of both:
 * "approved" is approved but not yet open; "closed-to-accrual" still treats and follows up those enrolled;
 * "administratively-completed" ended before its planned end and will not resume.
 * The expanded-access statuses (AVAILABLE, NO_LONGER_AVAILABLE, TEMPORARILY_NOT_AVAILABLE,
 * APPROVED_FOR_MARKETING), WITHHELD and UNKNOWN have no R4 equivalent and are absent on purpose.
 */
export const OVERALL_STATUS_TO_FHIR: Readonly<Record<string, StudyStatus>> = {
  NOT_YET_RECRUITING: 'approved',
  RECRUITING: 'active',
  ENROLLING_BY_INVITATION: 'active',
  ACTIVE_NOT_RECRUITING: 'closed-to-accrual',
  SUSPENDED: 'temporarily-closed-to-accrual',
  TERMINATED: 'administratively-completed',
  COMPLETED: 'completed',
  WITHDRAWN: 'withdrawn',
};

/** FHIR's status for a v2 overallStatus; UNKNOWN falls back on lastKnownStatus, as ClinicalTrials.gov shows it. */
export function fhirStudyStatus(overallStatus: string, lastKnownStatus?: string): StudyStatus | undefined {
  if (overallStatus === 'UNKNOWN' && lastKnownStatus) return OVERALL_STATUS_TO_FHIR[lastKnownStatus];
  return OVERALL_STATUS_TO_FHIR[overallStatus];
}

const PHASE_DISPLAY: Readonly<Record<string, string>> = {
  'n-a': 'N/A',
  'early-phase-1': 'Early Phase 1',
  'phase-1': 'Phase 1',
  'phase-1-phase-2': 'Phase 1/Phase 2',
  'phase-2': 'Phase 2',
  'phase-2-phase-3': 'Phase 2/Phase 3',
  'phase-3': 'Phase 3',
  'phase-4': 'Phase 4',
};

/** ClinicalTrials.gov phases (sorted, joined by "+") -> research-study-phase code. */
export const PHASES_TO_FHIR: Readonly<Record<string, string>> = {
  NA: 'n-a',
  EARLY_PHASE1: 'early-phase-1',
  PHASE1: 'phase-1',
  'PHASE1+PHASE2': 'phase-1-phase-2',
  PHASE2: 'phase-2',
  'PHASE2+PHASE3': 'phase-2-phase-3',
  PHASE3: 'phase-3',
  PHASE4: 'phase-4',
};

/** The phase of a v2 phases list; none given (observational studies) is "n-a". Undefined if no code fits. */
export function fhirStudyPhase(phases: readonly string[]): CodeableConcept | undefined {
  const key = phases.length === 0 ? 'NA' : [...new Set(phases)].sort().join('+');
  const code = PHASES_TO_FHIR[key];
  if (!code) return undefined;
  return { coding: [{ system: PHASE_SYSTEM, code, display: PHASE_DISPLAY[code] }] };
}
