import type { FhirRegistries } from '../../fhir/conformance/registries';
import { serverFilter } from '../../fhir/search/parse-search';
import type { IndexedParameter, ResourceReader, TabulatedRow, TabulatedValue } from '../../store/repository';

/**
 * What the measures count, read from the search index (Repository.tabulate) and never from the
 * resources themselves, so that a study of 10,000 subjects is summed in a few statements. Each record
 * is the handful of facts a measure needs about one resource.
 */
export interface SubjectRecord {
  id: string;
  /** `Patient/{id}`. */
  patient?: string;
  status?: string;
  /** The actual arm, else the assigned one (ResearchStudy.arm.name). */
  arm?: string;
}

export interface InfusionRecord {
  id: string;
  patient?: string;
  /** When it was given (ISO instant it starts at). */
  given?: string;
}

export interface EventRecord {
  id: string;
  patient?: string;
  /** Onset: AdverseEvent.date (required by the study profile). */
  onset?: string;
  /** CTCAE grade 1 to 5, from the ae-grade extension. */
  grade?: number;
  serious: boolean;
  /** The suspects it is treatment related to (`MedicationAdministration/{id}`...). */
  relatedTo: string[];
}

export interface ValueRecord {
  id: string;
  patient?: string;
  /** The code it was selected by, without its system. */
  code: string;
  /** The (UTC) day of its time: Observation.effective, MedicationStatement.effective. */
  day?: string;
  value?: number;
}

/** The calendar day (UTC) of an instant as a tabulation gives it (YYYY-MM-DDTHH:MM:SS.sssZ). */
export const indexedDay = (instant: string): string => instant.slice(0, 10);

/** Each treated patient's first infusion day, and each infusion's day by reference, up to the cut-off day. */
export function infusionDays(infusions: readonly InfusionRecord[], asOf: string): { first: Map<string, string>; byRef: Map<string, string> } {
  const first = new Map<string, string>();
  const byRef = new Map<string, string>();
  for (const infusion of infusions) {
    const day = infusion.given && indexedDay(infusion.given);
    if (!infusion.patient || !day || day > asOf) continue;
    byRef.set(`MedicationAdministration/${infusion.id}`, day);
    const known = first.get(infusion.patient);
    if (!known || day < known) first.set(infusion.patient, day);
  }
  return { first, byRef };
}

/** Infusions that did not happen (R4 MedicationAdministration.status) are no study infusion. */
const NOT_GIVEN: ReadonlySet<string> = new Set(['not-done', 'entered-in-error']);
const STANDING_RESULTS: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);
const TAKEN_DOSES: ReadonlySet<string> = new Set(['active', 'completed']);

export type Rows = (resourceType: string, query: [string, string][], columns: Record<string, string>) => Promise<TabulatedRow[]>;

/**
 * Tabulates `resourceType` with search parameters given as in a URL, over the columns named by parameter
 * code. A parameter matches its own values only, not the chains its definition also matches through
 * (search-parameter-also-via): a study's infusions are the MedicationAdministrations that name it, not
 * every medication of its patients.
 */
export function tabulator(reader: ResourceReader, registries: FhirRegistries): Rows {
  return (resourceType, query, columns) => {
    const filters = query.map(([name, value]) => serverFilter(resourceType, name, value, registries));
    const params: Record<string, IndexedParameter> = {};
    for (const [name, code] of Object.entries(columns)) {
      const param = registries.searchParameters.get(resourceType, code);
      if (!param) throw new Error(`${resourceType} has no search parameter ${code}`);
      params[name] = param;
    }
    return reader.tabulate({ resourceType, filters, columns: params });
  };
}

const first = (values: TabulatedValue[]): string | undefined => (typeof values[0] === 'string' ? values[0] : undefined);
const firstNumber = (values: TabulatedValue[]): number | undefined => (typeof values[0] === 'number' ? values[0] : undefined);
const strings = (values: TabulatedValue[]): string[] => values.filter((v): v is string => typeof v === 'string');

export async function readSubjects(rows: Rows, studyId: string): Promise<SubjectRecord[]> {
  const found = await rows('ResearchSubject', [['study', `ResearchStudy/${studyId}`]], {
    patient: 'individual',
    status: 'status',
    assigned: 'assigned-arm',
    actual: 'actual-arm',
  });
  return found.map(({ id, values }) => ({
    id,
    patient: first(values.patient),
    status: first(values.status),
    arm: first(values.actual) ?? first(values.assigned),
  }));
}

/** The study's infusions that were given (placebo ones included: they are study infusions too). */
export async function readInfusions(rows: Rows, studyId: string): Promise<InfusionRecord[]> {
  const found = await rows('MedicationAdministration', [['study', `ResearchStudy/${studyId}`]], {
    patient: 'subject',
    given: 'effective-time',
    status: 'status',
  });
  return found
    .filter(({ values }) => !NOT_GIVEN.has(first(values.status) ?? ''))
    .map(({ id, values }) => ({ id, patient: first(values.patient), given: first(values.given) }));
}

/** The study's adverse events that occurred (an actuality of `potential` is a near miss, not an event). */
export async function readEvents(rows: Rows, studyId: string): Promise<EventRecord[]> {
  const found = await rows('AdverseEvent', [['study', `ResearchStudy/${studyId}`], ['actuality:not', 'potential']], {
    patient: 'subject',
    onset: 'date',
    grade: 'grade',
    seriousness: 'seriousness',
    related: 'related-suspect',
  });
  return found.map(({ id, values }) => ({
    id,
    patient: first(values.patient),
    onset: first(values.onset),
    grade: firstNumber(values.grade),
    serious: values.seriousness.includes('serious'),
    relatedTo: strings(values.related),
  }));
}

/**
 * The Observations (or MedicationStatements) of some codes (`system|code`) about the study's patients,
 * with their numeric value in UCUM base units; results that stand (final, amended, corrected) and doses
 * taken (active, completed). Selected by code and kept when their patient is one of the study's: the same
 * resources as `study=` (the study extension, or the patient's enrolment) for the study's subjects, but
 * where `study=` would first match every Observation of every enrolled patient, a code narrows the search
 * to a few percent of them. One tabulation per code, the status checked here: as a filter beside the
 * code, PostgreSQL planned it several times slower.
 */
export async function readValues(rows: Rows, resourceType: 'Observation' | 'MedicationStatement', patients: ReadonlySet<string>, codes: string[]): Promise<ValueRecord[]> {
  const columns = { patient: 'subject', when: resourceType === 'Observation' ? 'date' : 'effective', value: resourceType === 'Observation' ? 'value-quantity' : 'dose', status: 'status' };
  const standing = resourceType === 'Observation' ? STANDING_RESULTS : TAKEN_DOSES;
  const records: ValueRecord[] = [];
  const perCode = await Promise.all(codes.map((code) => rows(resourceType, [['code', code]], columns)));
  for (const [n, found] of perCode.entries()) {
    const code = codes[n];
    for (const { id, values } of found) {
      const patient = first(values.patient);
      if (patient && patients.has(patient) && standing.has(first(values.status) ?? '')) records.push({ id, patient, code: code.slice(code.indexOf('|') + 1), day: first(values.when)?.slice(0, 10), value: firstNumber(values.value) });
    }
  }
  return records;
}
