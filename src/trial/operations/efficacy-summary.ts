import type { Observation } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { searchAll } from '../../fhir/conformance/search-all';
import { parseSearch } from '../../fhir/search/parse-search';
import type { Route } from '../../fhir/types';
import type { ResourceReader } from '../../store/repository';
import { efficacyFigures, type EfficacyInput } from '../measures/efficacy-figures';
import { summaryReport } from '../measures/measure-report';
import { infusionDays, readInfusions, readValues, type Rows } from '../measures/study-records';
import { seriesByPatient, type Dated } from '../measures/visit-values';
import { diseaseOf } from '../protocol/disease';
import { dayOf } from '../protocol/visit-window';
import { summaryRoute } from './study-summary';

export const EFFICACY_MEASURE = 'https://stroma-fhir.org/fhir/Measure/efficacy-summary';
export const EFFICACY_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/efficacy-measure';

/** DOMAIN.md's codes of the assessments the outcomes read. */
const ASSESSMENTS = 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments';
const SCORE_CODES = { mrss: 'mrss', sledai: 'selena-sledai', bilagTotal: 'bilag-total', physicianGlobal: 'physician-global' } as const;
const PREDNISONE = 'http://www.nlm.nih.gov/research/umls/rxnorm|8640';

async function scoreSeries(rows: Rows, patients: ReadonlySet<string>, names: (keyof typeof SCORE_CODES)[], asOf: string): Promise<EfficacyInput['scores']> {
  const records = await readValues(rows, 'Observation', patients, names.map((n) => `${ASSESSMENTS}|${SCORE_CODES[n]}`));
  const scores: Partial<Record<keyof typeof SCORE_CODES, Map<string, Dated<number>[]>>> = {};
  for (const name of names) {
    const ofCode = records.filter((r) => r.code === SCORE_CODES[name]);
    scores[name] = seriesByPatient(ofCode, asOf);
  }
  return scores;
}

/** BILAG organ grades by organ (`bilag-renal` -> `b`), from the components of each bilag-organ Observation. */
function gradesOf(observation: Observation): Record<string, string> {
  const grades: Record<string, string> = {};
  for (const component of observation.component ?? []) {
    const organ = component.code.coding?.find((c) => c.system === ASSESSMENTS)?.code;
    const grade = component.valueCodeableConcept?.coding?.find((c) => c.system === ASSESSMENTS)?.code?.replace(/^bilag-/, '');
    if (organ && grade) grades[organ] = grade;
  }
  return grades;
}

/** `Patient/{id}` as the index keeps a reference (an absolute URL to this server made relative). */
const patientOf = (observation: Observation): string | undefined => /(?:^|\/)(Patient\/[^/]+)$/.exec(observation.subject?.reference ?? '')?.[1];

/** The lupus scores and the daily prednisone dose, by patient. */
async function lupusSeries(rows: Rows, patients: ReadonlySet<string>, asOf: string): Promise<EfficacyInput['scores']> {
  const [scores, doses] = await Promise.all([
    scoreSeries(rows, patients, ['sledai', 'bilagTotal', 'physicianGlobal'], asOf),
    readValues(rows, 'MedicationStatement', patients, [PREDNISONE]),
  ]);
  const prednisone = seriesByPatient(doses, asOf);
  return { ...scores, prednisone };
}

/** BILAG organ grades by patient, read whole; by code and kept for the study's patients, as readValues does. */
async function organGrades(server: ResourceReader, registries: FhirRegistries, patients: ReadonlySet<string>, asOf: string) {
  const query = parseSearch('Observation', [['code', `${ASSESSMENTS}|bilag-organ`], ['status', 'final,amended,corrected']], registries, true).query;
  const organs = (await searchAll<Observation>(server, query)).filter((o) => patients.has(patientOf(o) ?? ''));
  return seriesByPatient(organs.map((o) => ({ patient: patientOf(o), day: o.effectiveDateTime && dayOf(o.effectiveDateTime), value: gradesOf(o) })), asOf);
}

/**
 * GET [base]/ResearchStudy/{id}/$efficacy-summary[?as-of=YYYY-MM-DD]: the efficacy outcomes of the
 * protocols (issue 8 point 2). Scores and prednisone doses come from the search index; the BILAG organ
 * grades are read whole (one Observation per lupus visit: an organ's grade is a component, and the index
 * does not keep which grade went with which organ).
 */
export function efficacySummaryRoute(registries: FhirRegistries): Route {
  return summaryRoute(registries, {
    name: 'efficacy-summary',
    reads: ['ResearchSubject', 'MedicationAdministration', 'Observation', 'MedicationStatement'],
    async build({ study, studyId, subjects, rows, server, arms, asOf }) {
      const disease = diseaseOf(study);
      const patients = new Set(subjects.flatMap((s) => s.patient ?? []));
      const [infusions, scores] = await Promise.all([
        readInfusions(rows, studyId),
        disease === 'systemic-sclerosis' ? scoreSeries(rows, patients, ['mrss'], asOf) : disease === 'lupus' ? lupusSeries(rows, patients, asOf) : {},
      ]);
      const bilagOrgans = disease === 'lupus' ? await organGrades(server, registries, patients, asOf) : undefined;
      const input: EfficacyInput = { disease, subjects, firstInfusion: infusionDays(infusions, asOf).first, scores, bilagOrgans, asOf, arms };
      const groups = efficacyFigures(input);
      return summaryReport({ measure: EFFICACY_MEASURE, studyId, period: { end: asOf }, system: EFFICACY_SYSTEM }, groups);
    },
  });
}
