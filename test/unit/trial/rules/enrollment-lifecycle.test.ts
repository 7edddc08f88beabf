import type { ResearchSubject } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import type { WriteContext } from '../../../../src/fhir/validation/business-rules';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { ResourceWriter, SearchQuery, StoredVersion } from '../../../../src/store/repository';
import { enrollmentLifecycleRule, mayMove, NEXT_STATUSES, type SubjectStatus, WITHDRAWAL_REASON_URL } from '../../../../src/trial/rules/enrollment-lifecycle';

const ALL = Object.keys(NEXT_STATUSES) as SubjectStatus[];
const REASON = { url: WITHDRAWAL_REASON_URL, valueCodeableConcept: { text: 'moved abroad' } };

function subject(status: SubjectStatus, extra: Partial<ResearchSubject> = {}): ResearchSubject {
  return {
    resourceType: 'ResearchSubject',
    id: 's1',
    status,
    study: { reference: 'ResearchStudy/no-such-study' },
    individual: { reference: 'Patient/p1' },
    period: { start: '2026-01-05' },
    ...(status === 'withdrawn' ? { extension: [REASON] } : {}),
    ...extra,
  };
}

/** A transaction with no study (so no target to check): it records the locks taken. */
function context(previous?: ResearchSubject): WriteContext & { locks: string[] } {
  const locks: string[] = [];
  const tx = {
    lock: async (key: string) => void locks.push(key),
    read: async () => undefined,
    search: async (_q: SearchQuery) => ({ resources: [] }),
  } as unknown as ResourceWriter;
  const stored: StoredVersion | undefined = previous && { resourceType: 'ResearchSubject', id: 's1', versionId: 1, lastUpdated: '2026-01-05T00:00:00Z', deleted: false, resource: previous };
  return { method: previous ? 'PUT' : 'POST', previous: stored, tx, lookup: tx, locks };
}

async function refusal(write: Promise<unknown>): Promise<string> {
  try {
    await write;
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error.outcome.issue?.[0]?.diagnostics ?? '';
    throw error;
  }
  return 'accepted';
}

describe('the enrollment lifecycle rule', () => {
  const rule = enrollmentLifecycleRule(createRegistries(SEARCHABLE_TYPES));

  const legal: [SubjectStatus, SubjectStatus][] = [
    ['candidate', 'eligible'], ['candidate', 'ineligible'], ['screening', 'eligible'], ['screening', 'ineligible'],
    ['eligible', 'on-study'], ['on-study', 'on-study-intervention'], ['on-study-intervention', 'follow-up'],
    ['follow-up', 'off-study'], ['potential-candidate', 'candidate'], ['candidate', 'screening'],
    ['eligible', 'pending-on-study'], ['pending-on-study', 'on-study'], ['eligible', 'not-registered'],
    ['pending-on-study', 'not-registered'], ['on-study-intervention', 'on-study-observation'],
    ['on-study-observation', 'on-study-intervention'], ['on-study-observation', 'follow-up'], ['on-study', 'off-study'],
    ['candidate', 'withdrawn'], ['screening', 'withdrawn'], ['eligible', 'withdrawn'], ['on-study', 'withdrawn'],
    ['on-study-intervention', 'withdrawn'], ['follow-up', 'withdrawn'],
  ];
  it.each(legal)('when an update moves the status from %s to %s, then it is accepted', async (from, to) => {
    await expect(rule.apply(subject(to), context(subject(from)))).resolves.toBeDefined();
  });

  const illegal: [SubjectStatus, SubjectStatus][] = [
    ['off-study', 'on-study'], ['candidate', 'on-study'], ['screening', 'on-study-intervention'], ['ineligible', 'eligible'],
    ['eligible', 'candidate'], ['on-study', 'eligible'], ['follow-up', 'on-study-intervention'], ['withdrawn', 'on-study'],
    ['off-study', 'withdrawn'], ['not-registered', 'on-study'], ['potential-candidate', 'on-study'],
  ];
  it.each(illegal)('when an update moves the status from %s to %s, then 422 names the transition', async (from, to) => {
    expect(await refusal(rule.apply(subject(to), context(subject(from))))).toContain(`ResearchSubject/s1: status may not change from ${from} to ${to}`);
  });

  it.each(ALL)('when an update keeps the status %s, then it is accepted (an update of other elements)', async (status) => {
    expect(mayMove(status, status)).toBe(true);
    await expect(rule.apply(subject(status, { assignedArm: 'A' }), context(subject(status)))).resolves.toBeDefined();
  });

  it('when the table is read, then the final statuses go nowhere and every active status may be withdrawn', () => {
    const final = ALL.filter((s) => NEXT_STATUSES[s].length === 0).sort();
    expect(final).toEqual(['ineligible', 'not-registered', 'off-study', 'withdrawn']);
    for (const active of ALL.filter((s) => !final.includes(s))) expect(mayMove(active, 'withdrawn')).toBe(true);
  });

  it.each(ALL)('when a subject is created in status %s, then any starting status is accepted', async (status) => {
    await expect(rule.apply(subject(status), context())).resolves.toBeDefined();
  });

  it('when an update drops the period.start the current version has, then it is refused', async () => {
    const { period: _dropped, ...withoutPeriod } = subject('on-study-intervention');
    expect(await refusal(rule.apply(withoutPeriod, context(subject('on-study'))))).toContain('period.start (2026-01-05) may not be dropped');
  });

  it('when an update drops the period.end, then it is refused; when it corrects the start, then it is accepted', async () => {
    const ended = subject('off-study', { period: { start: '2026-01-05', end: '2026-12-01' } });
    expect(await refusal(rule.apply(subject('off-study'), context(ended)))).toContain('period.end (2026-12-01) may not be dropped');
    await expect(rule.apply(subject('on-study', { period: { start: '2026-01-06' } }), context(subject('on-study')))).resolves.toBeDefined();
  });

  it('when a subject is withdrawn without a reason, then it is refused; with a coded or text reason, then it is accepted', async () => {
    expect(await refusal(rule.apply(subject('withdrawn', { extension: [] }), context(subject('on-study'))))).toContain('needs the reason');
    const coded = { url: WITHDRAWAL_REASON_URL, valueCodeableConcept: { coding: [{ system: 'http://example.org/reasons', code: 'consent-withdrawn' }] } };
    await expect(rule.apply(subject('withdrawn', { extension: [coded] }), context(subject('on-study')))).resolves.toBeDefined();
    await expect(rule.apply(subject('withdrawn'), context(subject('on-study')))).resolves.toBeDefined();
  });

  it('when an update of a withdrawn subject drops its reason, then it is refused (the reason is kept)', async () => {
    expect(await refusal(rule.apply(subject('withdrawn', { extension: undefined }), context(subject('withdrawn'))))).toContain('needs the reason');
  });

  it('when a write enrolls a subject, then it locks the study before counting; when it only updates an enrolled one, then it takes no lock', async () => {
    const enrolling = context(subject('eligible'));
    await rule.apply(subject('on-study'), enrolling);
    expect(enrolling.locks).toEqual(['stroma:enrollment:no-such-study']);
    const staying = context(subject('on-study'));
    await rule.apply(subject('on-study-intervention'), staying);
    expect(staying.locks).toEqual([]);
  });
});
