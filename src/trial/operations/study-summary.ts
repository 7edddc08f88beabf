import type { MeasureReport, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import { serverReaderOf } from '../../fhir/access-controlled-repository';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors, success } from '../../fhir/outcomes';
import { readerOf } from '../../fhir/router/context';
import type { FhirRequest, Handler, HandlerContext, Route } from '../../fhir/types';
import type { ResourceReader } from '../../store/repository';
import { type Rows, type SubjectRecord, readSubjects, tabulator } from '../measures/study-records';

/** What a summary is computed from: the study, its subjects, and how to tabulate the rest. */
export interface SummaryContext {
  study: ResearchStudy;
  studyId: string;
  subjects: SubjectRecord[];
  rows: Rows;
  /** The server's reader, for the few resources a summary reads whole. */
  server: ResourceReader;
  /** The study's arm names, or undefined when the requester may not see the allocation. */
  arms?: readonly string[];
  /** The cut-off date (YYYY-MM-DD): the `as-of` parameter, else today. */
  asOf: string;
}

export interface SummaryOperation {
  name: string;
  /** The types whose resources the summary counts: the requester must be allowed to search them. */
  reads: readonly string[];
  build(summary: SummaryContext): Promise<MeasureReport>;
}

const AS_OF = /^\d{4}-\d{2}-\d{2}$/;

function asOfOf(request: FhirRequest): string {
  const given = request.query.filter(([name]) => name === 'as-of');
  const unknown = request.query.find(([name]) => name !== 'as-of' && !name.startsWith('_'));
  if (unknown) throw errors.invalid(`Unknown parameter ${unknown[0]}: this operation takes an optional as-of date`);
  if (given.length === 0) return new Date().toISOString().slice(0, 10);
  const value = given[0][1];
  if (given.length > 1 || !AS_OF.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw errors.invalid(`as-of is one date (YYYY-MM-DD), not "${given.map(([, v]) => v).join(', ')}"`, 'as-of');
  }
  return value;
}

/**
 * Whether the requester sees the allocation in this study: asked of the read mask itself, with a
 * stored subject that has an arm (the blinding label and the requester's role decide). With no such
 * subject there is no allocation to hide.
 */
async function visibleArms(study: ResearchStudy, subjects: SubjectRecord[], reader: ResourceReader): Promise<readonly string[] | undefined> {
  const arms = (study.arm ?? []).map((arm) => arm.name);
  const probe = subjects.find((s) => s.arm);
  if (!probe) return arms;
  const seen = (await reader.read('ResearchSubject', probe.id))?.resource as ResearchSubject | undefined;
  return seen?.assignedArm || seen?.actualArm ? arms : undefined;
}

/**
 * GET [base]/ResearchStudy/{id}/$<summary>: a MeasureReport over the study's data, computed from the
 * search index (src/trial/measures). Its reads go to the store's pool, not one transaction, so that the
 * tabulations of one summary run side by side: in a read-committed transaction each statement would see
 * its own snapshot anyway, so one connection would buy order, not consistency.
 */
function summaryHandler(registries: FhirRegistries, operation: SummaryOperation): Handler {
  return async (request, params, ctx: HandlerContext) => {
    const asOf = asOfOf(request);
    ctx.access.authorize({ interaction: 'search-type', resourceTypes: operation.reads });
    const studyId = params.id as string;
    const reader = readerOf(ctx);
    const stored = await reader.read('ResearchStudy', studyId);
    if (!stored?.resource) throw errors.notFound(`ResearchStudy/${studyId}`);
    const study = stored.resource as ResearchStudy;
    const server = serverReaderOf(reader);
    const rows = tabulator(server, registries);
    const subjects = await readSubjects(rows, studyId);
    const arms = await visibleArms(study, subjects, reader);
    const report = await operation.build({ study, studyId, subjects, rows, server, arms, asOf });
    // The report names patients and their records: a de-identified requester sees them by pseudonym.
    const shown = ctx.access.filterRead(report);
    if (!shown) throw errors.forbidden(`Role ${ctx.access.requester.role} with these scopes may not read MeasureReport`);
    return [success('ok', `$${operation.name} of ResearchStudy/${studyId} as of ${asOf}`), shown];
  };
}

export function summaryRoute(registries: FhirRegistries, operation: SummaryOperation): Route {
  return {
    method: 'GET',
    segments: [':type', ':id', `$${operation.name}`],
    types: ['ResearchStudy'],
    interactions: [],
    operation: { name: operation.name, definition: `https://stroma-fhir.org/fhir/OperationDefinition/${operation.name}` },
    handler: summaryHandler(registries, operation),
  };
}
