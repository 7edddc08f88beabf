import { fhirStudyPhase, fhirStudyStatus, OVERALL_STATUS_TO_FHIR, PHASES_TO_FHIR } from '../../../../src/trial/ctgov/status-phase';

// FHIR R4 http://hl7.org/fhir/ValueSet/research-study-status and research-study-phase, complete.
const R4_STATUSES = ['active', 'administratively-completed', 'approved', 'closed-to-accrual', 'closed-to-accrual-and-intervention',
  'completed', 'disapproved', 'in-review', 'temporarily-closed-to-accrual', 'temporarily-closed-to-accrual-and-intervention', 'withdrawn'];
const R4_PHASES = ['n-a', 'early-phase-1', 'phase-1', 'phase-1-phase-2', 'phase-2', 'phase-2-phase-3', 'phase-3', 'phase-4'];

describe('overallStatus -> ResearchStudy.status', () => {
  test.each([
    ['NOT_YET_RECRUITING', 'approved'],
    ['RECRUITING', 'active'],
    ['ENROLLING_BY_INVITATION', 'active'],
    ['ACTIVE_NOT_RECRUITING', 'closed-to-accrual'],
    ['SUSPENDED', 'temporarily-closed-to-accrual'],
    ['TERMINATED', 'administratively-completed'],
    ['COMPLETED', 'completed'],
    ['WITHDRAWN', 'withdrawn'],
  ])('when the record says %s, then the study is %s', (ctgov, fhir) => {
    expect(fhirStudyStatus(ctgov)).toBe(fhir);
  });

  test('when the table is read, then every target is an R4 research-study-status code', () => {
    for (const code of Object.values(OVERALL_STATUS_TO_FHIR)) expect(R4_STATUSES).toContain(code);
  });

  test('when the status is UNKNOWN, then the last known status decides, and without one there is none', () => {
    expect(fhirStudyStatus('UNKNOWN', 'RECRUITING')).toBe('active');
    expect(fhirStudyStatus('UNKNOWN')).toBeUndefined();
  });

  test.each(['AVAILABLE', 'NO_LONGER_AVAILABLE', 'TEMPORARILY_NOT_AVAILABLE', 'APPROVED_FOR_MARKETING', 'WITHHELD'])(
    'when the status is the expanded-access or withheld %s, then it has no study status',
    (ctgov) => expect(fhirStudyStatus(ctgov)).toBeUndefined(),
  );
});

describe('phases -> ResearchStudy.phase', () => {
  test.each([
    [['NA'], 'n-a'],
    [[], 'n-a'],
    [['EARLY_PHASE1'], 'early-phase-1'],
    [['PHASE1'], 'phase-1'],
    [['PHASE1', 'PHASE2'], 'phase-1-phase-2'],
    [['PHASE2', 'PHASE1'], 'phase-1-phase-2'],
    [['PHASE2'], 'phase-2'],
    [['PHASE2', 'PHASE3'], 'phase-2-phase-3'],
    [['PHASE3'], 'phase-3'],
    [['PHASE4'], 'phase-4'],
  ])('when the record says %j, then the phase is %s', (phases, code) => {
    expect(fhirStudyPhase(phases)?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/research-study-phase',
      code,
    });
  });

  test('when the table is read, then every target is an R4 research-study-phase code', () => {
    for (const code of Object.values(PHASES_TO_FHIR)) expect(R4_PHASES).toContain(code);
  });

  test('when the phases do not combine into one FHIR phase, then there is none', () => {
    expect(fhirStudyPhase(['PHASE1', 'PHASE3'])).toBeUndefined();
    expect(fhirStudyPhase(['PHASE5'])).toBeUndefined();
  });
});
