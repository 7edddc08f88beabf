import type { AdverseEvent, Bundle, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { AE_GRADE_URL, GRADE_CODES, gradeOf, HEMOGLOBIN, LOINC } from './search-data';

/** One random draw of the values a query is about. */
export interface Sample {
  patientId: string;
  /** The patient's identifier as `system|value`. */
  identifier: string;
  studyId: string;
}

export interface SearchCase {
  /** The search as issue 3 writes it. */
  label: string;
  /** Path and query string under the server's origin. */
  path(x: Sample): string;
  /** What is wrong with a 200 answer, or undefined when it holds what the query asks for. */
  check(bundle: Bundle, x: Sample): string | undefined;
  /**
   * The same lookup written by hand over the index tables, through `pg`: the page (content) and
   * the total, as one statement. A floor for what the database must do, measured in the same run.
   */
  baseline: {
    sql: string;
    values(x: Sample): unknown[];
    /** Whether its `total` column counts the matches, so Stroma's Bundle.total must equal it. */
    countsMatches: boolean;
  };
}

const SINCE = '2024-01-01';
const HIGH_GRADES = [3, 4, 5].map((g) => GRADE_CODES[g]);

const observationsOf = `SELECT s.rid FROM idx_reference s
      JOIN idx_token c ON c.rid = s.rid AND c.resource_type = 'Observation' AND c.param = 'code' AND c.system = '${LOINC}' AND c.code = '${HEMOGLOBIN}'
      WHERE s.resource_type = 'Observation' AND s.param = 'subject' AND s.target_type = 'Patient'`;
const patientByIdentifier = `SELECT p.id FROM resource p JOIN idx_token t ON t.rid = p.rid
      WHERE t.resource_type = 'Patient' AND t.param = 'identifier' AND t.system = $1 AND t.code = $2 AND NOT p.deleted`;
const splitIdentifier = (x: Sample) => [x.identifier.slice(0, x.identifier.indexOf('|')), x.identifier.slice(x.identifier.indexOf('|') + 1)];

export const SEARCH_CASES: readonly SearchCase[] = [
  {
    label: 'Observation?subject=Patient/X&code=http://loinc.org|718-7',
    path: (x) => `/fhir/Observation?subject=Patient/${x.patientId}&code=${encodeURIComponent(`${LOINC}|${HEMOGLOBIN}`)}`,
    check: (bundle, x) => matches<Observation>(bundle, 'Observation', (o) => hemoglobinOf(o, x.patientId)),
    baseline: {
      sql: `SELECT r.content, count(*) OVER () AS total FROM resource r
        WHERE r.rid IN (${observationsOf} AND s.target_id = $1) AND NOT r.deleted ORDER BY r.rid LIMIT 20`,
      values: (x) => [x.patientId],
      countsMatches: true,
    },
  },
  {
    label: '… &date=ge2024-01-01&_sort=-date&_count=50',
    path: (x) => `/fhir/Observation?subject=Patient/${x.patientId}&code=${encodeURIComponent(`${LOINC}|${HEMOGLOBIN}`)}&date=ge${SINCE}&_sort=-date&_count=50`,
    // A patient may have no hemoglobin since 2024 in a small data set: the total is checked
    // against the hand-written SQL instead of asking for a match.
    check: (bundle, x) =>
      matches<Observation>(
        bundle,
        'Observation',
        (o) => hemoglobinOf(o, x.patientId) ?? (effective(o) >= SINCE ? undefined : `effective ${effective(o)} before ${SINCE}`),
        { mayBeEmpty: true },
      ) ?? descendingDates(bundle),
    baseline: {
      sql: `SELECT r.content, count(*) OVER () AS total FROM resource r
        JOIN (SELECT d.rid, max(d.high) AS sort_key FROM idx_date d
              WHERE d.rid IN (${observationsOf} AND s.target_id = $1)
                AND d.resource_type = 'Observation' AND d.param = 'date' AND d.high > '${SINCE}' GROUP BY d.rid) m ON m.rid = r.rid
        WHERE NOT r.deleted ORDER BY m.sort_key DESC, r.rid LIMIT 50`,
      values: (x) => [x.patientId],
      countsMatches: true,
    },
  },
  {
    label: 'Patient?identifier=sys|val',
    path: (x) => `/fhir/Patient?identifier=${encodeURIComponent(x.identifier)}`,
    check: (bundle, x) => matches<Patient>(bundle, 'Patient', (p) => (p.id === x.patientId ? undefined : `Patient/${p.id} is not Patient/${x.patientId}`)) ?? exactly(bundle, 1),
    baseline: {
      sql: `SELECT r.content, count(*) OVER () AS total FROM resource r JOIN idx_token t ON t.rid = r.rid
        WHERE t.resource_type = 'Patient' AND t.param = 'identifier' AND t.system = $1 AND t.code = $2 AND NOT r.deleted LIMIT 20`,
      values: splitIdentifier,
      countsMatches: true,
    },
  },
  {
    label: 'Observation?subject:Patient.identifier=sys|val&code=…718-7',
    path: (x) => `/fhir/Observation?subject:Patient.identifier=${encodeURIComponent(x.identifier)}&code=${encodeURIComponent(`${LOINC}|${HEMOGLOBIN}`)}`,
    check: (bundle, x) => matches<Observation>(bundle, 'Observation', (o) => hemoglobinOf(o, x.patientId)),
    baseline: {
      sql: `SELECT r.content, count(*) OVER () AS total FROM resource r
        WHERE r.rid IN (${observationsOf} AND s.target_id IN (${patientByIdentifier})) AND NOT r.deleted ORDER BY r.rid LIMIT 20`,
      values: splitIdentifier,
      countsMatches: true,
    },
  },
  {
    label: 'AdverseEvent?study=ResearchStudy/S&grade=ge3',
    path: (x) => `/fhir/AdverseEvent?study=ResearchStudy/${x.studyId}&grade=ge3`,
    check: (bundle, x) =>
      matches<AdverseEvent>(bundle, 'AdverseEvent', (e) =>
        e.study?.some((s) => s.reference === `ResearchStudy/${x.studyId}`) !== true
          ? `AdverseEvent/${e.id} is not of ResearchStudy/${x.studyId}`
          : (gradeOf(e) ?? 0) < 3
            ? `AdverseEvent/${e.id} has grade ${gradeOf(e)}`
            : undefined,
      ),
    // The grade is read from the resource here: the study's few thousand events are fetched by
    // the study index and filtered on their ae-grade extension.
    baseline: {
      sql: `SELECT r.content, count(*) OVER () AS total FROM resource r JOIN idx_reference s ON s.rid = r.rid
        WHERE s.resource_type = 'AdverseEvent' AND s.param = 'study' AND s.target_type = 'ResearchStudy' AND s.target_id = $1 AND NOT r.deleted
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.content->'extension') e
                      WHERE e->>'url' = '${AE_GRADE_URL}' AND e->'valueCodeableConcept'->'coding'->0->>'code' = ANY($2::text[]))
        ORDER BY r.rid LIMIT 20`,
      values: (x) => [x.studyId, HIGH_GRADES],
      countsMatches: true,
    },
  },
  {
    label: 'Patient?_id=X&_revinclude=Observation:subject&_count=100',
    path: (x) => `/fhir/Patient?_id=${x.patientId}&_revinclude=Observation:subject&_count=100`,
    check: revincluded,
    baseline: {
      sql: `SELECT content, 1 AS total FROM resource WHERE resource_type = 'Patient' AND id = $1 AND NOT deleted
        UNION ALL
        SELECT r.content, 1 FROM idx_reference s JOIN resource r ON r.rid = s.rid
        WHERE s.resource_type = 'Observation' AND s.param = 'subject' AND s.target_type = 'Patient' AND s.target_id = $1 AND NOT r.deleted`,
      values: (x) => [x.patientId],
      // Patient plus its Observations: not a count of matches.
      countsMatches: false,
    },
  },
];

function entriesOf(bundle: Bundle, mode: 'match' | 'include'): Resource[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => e.resource as Resource);
}

/** Non-empty (unless it may be), every match of the type and passing `wrong`, and the total at least the page. */
function matches<T extends Resource>(
  bundle: Bundle,
  type: T['resourceType'],
  wrong: (resource: T) => string | undefined,
  { mayBeEmpty = false } = {},
): string | undefined {
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'searchset') return 'not a searchset Bundle';
  const found = entriesOf(bundle, 'match');
  if (found.length === 0 && !mayBeEmpty) return 'no match, where the data set has some';
  if (bundle.total !== undefined && bundle.total < found.length) return `total ${bundle.total} < ${found.length} entries`;
  for (const resource of found) {
    if (resource.resourceType !== type) return `a ${resource.resourceType} among the matches`;
    const problem = wrong(resource as T);
    if (problem) return problem;
  }
  return undefined;
}

function exactly(bundle: Bundle, n: number): string | undefined {
  const found = entriesOf(bundle, 'match').length;
  return found === n ? undefined : `${found} matches, expected ${n}`;
}

function hemoglobinOf(o: Observation, patientId: string): string | undefined {
  if (o.subject?.reference !== `Patient/${patientId}`) return `Observation/${o.id} has subject ${o.subject?.reference}`;
  if (!o.code?.coding?.some((c) => c.system === LOINC && c.code === HEMOGLOBIN)) return `Observation/${o.id} is not LOINC ${HEMOGLOBIN}`;
  return undefined;
}

function effective(o: Observation): string {
  return o.effectiveDateTime ?? '';
}

function descendingDates(bundle: Bundle): string | undefined {
  const dates = entriesOf(bundle, 'match').map((r) => effective(r as Observation));
  const unsorted = dates.findIndex((d, i) => i > 0 && d > dates[i - 1]);
  return unsorted < 0 ? undefined : `not sorted by -date: ${dates[unsorted - 1]} before ${dates[unsorted]}`;
}

function revincluded(bundle: Bundle, x: Sample): string | undefined {
  const problem = matches<Patient>(bundle, 'Patient', (p) => (p.id === x.patientId ? undefined : `Patient/${p.id} is not Patient/${x.patientId}`)) ?? exactly(bundle, 1);
  if (problem) return problem;
  const included = entriesOf(bundle, 'include');
  if (included.length === 0) return 'no Observation included, where the patient has some';
  const stranger = included.find((r) => r.resourceType !== 'Observation' || (r as Observation).subject?.reference !== `Patient/${x.patientId}`);
  return stranger ? `included ${stranger.resourceType}/${stranger.id} does not refer to Patient/${x.patientId}` : undefined;
}
