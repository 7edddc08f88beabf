import type { Bundle, Group, Observation, Parameters, Patient, ResearchStudy, Resource } from '@medplum/fhirtypes';
import { errors, success } from '../../fhir/outcomes';
import type { FhirRequest, Handler, HandlerContext, Route } from '../../fhir/types';
import { evaluateEligibility } from '../eligibility/evaluate';
import { eligibilityParameters } from '../eligibility/parameters';
import { characteristicCodes } from '../protocol/lab-panel';

export const ELIGIBILITY_OPERATION = {
  name: 'eligibility',
  definition: 'https://stroma-fhir.org/fhir/OperationDefinition/eligibility',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface EligibilityInput {
  patientId: string;
  date: string;
}

/** A parameter from the Parameters body, else from the query. */
function parameter(request: FhirRequest, name: string): { reference?: string; date?: string; text?: string } | undefined {
  const body = request.body as Parameters | undefined;
  if (body !== undefined && body.resourceType !== 'Parameters') throw errors.invalid(`$eligibility takes a Parameters body, not a ${body.resourceType}`);
  const part = body?.parameter?.find((p) => p.name === name);
  if (part) return { reference: part.valueReference?.reference, date: part.valueDate, text: part.valueString };
  const query = request.query.find(([n]) => n === name)?.[1];
  return query === undefined ? undefined : { reference: query, date: query };
}

function inputOf(request: FhirRequest): EligibilityInput {
  const patient = parameter(request, 'patient');
  const reference = patient?.reference?.replace(/^Patient\//, '');
  if (!reference) throw errors.invalid('$eligibility needs a patient parameter (a reference to the Patient)', 'Parameters.parameter.where(name=\'patient\')');
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(reference)) throw errors.invalid(`the patient parameter is not a Patient reference: "${patient?.reference}"`);
  const date = parameter(request, 'date')?.date ?? new Date().toISOString().slice(0, 10);
  if (!DATE.test(date) || Number.isNaN(Date.parse(date))) throw errors.invalid(`the date parameter is not a date (YYYY-MM-DD): "${date}"`);
  return { patientId: reference, date };
}

async function read<T extends Resource>(ctx: HandlerContext, path: string): Promise<T> {
  const [, resource] = await ctx.dispatch({ method: 'GET', path, query: [] }, ctx);
  return resource as T;
}

/** The enrollment Group's characteristics compared with Observations, as `code` search values. */
function observationCodes(group: Group): string[] {
  return [...new Set(characteristicCodes(group).map((coding) => `${coding.system}|${coding.code}`))];
}

/** The patient's Observations of those codes made on or before the date, the latest first. */
async function observationsOf(ctx: HandlerContext, patientId: string, codes: string[], date: string): Promise<Observation[]> {
  if (codes.length === 0) return [];
  const query: [string, string][] = [
    ['subject', `Patient/${patientId}`],
    ['code', codes.join(',')],
    ['date', `le${date}`],
    ['_sort', '-date'],
    ['_count', String(ctx.limits.bundleMaxEntries)],
  ];
  const [, bundle] = await ctx.dispatch({ method: 'GET', path: 'Observation', query }, ctx);
  return ((bundle as Bundle | undefined)?.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Observation' ? [e.resource] : []));
}

/**
 * POST [base]/ResearchStudy/{id}/$eligibility: the study's enrollment Group criteria evaluated
 * against the patient (src/trial/eligibility). Every read goes through the router, so the
 * requester's rights apply to the study, its Group, the Patient and the Observations alike.
 */
export const eligibility: Handler = async (request, params, ctx) => {
  const input = inputOf(request);
  const study = await read<ResearchStudy>(ctx, `ResearchStudy/${params.id}`);
  const groupReference = study.enrollment?.[0]?.reference;
  if (!groupReference?.startsWith('Group/')) {
    throw errors.businessRule(`ResearchStudy/${params.id} has no enrollment Group: it states no criteria to evaluate`, 'ResearchStudy.enrollment');
  }
  const group = await read<Group>(ctx, groupReference);
  const patient = await read<Patient>(ctx, `Patient/${input.patientId}`);
  const observations = await observationsOf(ctx, input.patientId, observationCodes(group), input.date);
  const outcome = evaluateEligibility(group, { patient, observations, date: input.date });
  const answer = eligibilityParameters(outcome, `ResearchStudy/${params.id}`, `Patient/${input.patientId}`, input.date);
  return [success('ok', `eligibility of Patient/${input.patientId} for ResearchStudy/${params.id}: ${outcome.verdict}`), answer];
};

export const eligibilityRoute: Route = {
  method: 'POST',
  segments: [':type', ':id', '$eligibility'],
  types: ['ResearchStudy'],
  interactions: [],
  operation: ELIGIBILITY_OPERATION,
  handler: eligibility,
};
