import type { Bundle } from '@medplum/fhirtypes';
import { errors } from '../../fhir/outcomes';
import type { Handler, Route } from '../../fhir/types';
import { CtgovRecordError } from '../ctgov';
import { trialBundle } from '../ctgov/supplement';
import type { ResolvedSupplement } from '../ctgov/supplement-files';

export const IMPORT_CTGOV_OPERATION = {
  name: 'import-ctgov',
  definition: 'https://stroma-fhir.org/fhir/OperationDefinition/import-ctgov',
};

/** A record as the v2 API serves it ("protocolSection" at the top), not wrapped in Parameters. */
function recordOf(body: unknown): unknown {
  if (body === undefined) throw errors.invalid('$import-ctgov takes a ClinicalTrials.gov API v2 study record (JSON) as its body');
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (typeof resourceType === 'string') {
    throw errors.invalid(`$import-ctgov takes a ClinicalTrials.gov API v2 study record, not a FHIR ${resourceType}`);
  }
  return body;
}

/** The record's NCT number if it has one where v2 puts it; the mapper judges the rest. */
function nctIdOf(record: unknown): unknown {
  const section = (record as { protocolSection?: { identificationModule?: { nctId?: unknown } } } | null)?.protocolSection;
  return section?.identificationModule?.nctId;
}

function mapped(record: unknown, supplements: ReadonlyMap<string, ResolvedSupplement>): Bundle {
  const nctId = nctIdOf(record);
  const known = typeof nctId === 'string' ? supplements.get(nctId) : undefined;
  try {
    return trialBundle(record, known?.supplement, known?.schedule);
  } catch (error) {
    if (error instanceof CtgovRecordError) throw errors.invalid(error.message, error.field);
    throw error;
  }
}

/**
 * POST [base]/ResearchStudy/$import-ctgov: the record mapped (src/trial/ctgov) and run as one transaction
 * through the router, so it is validated, authorized entry by entry and written atomically like a
 * client's transaction; the answer is its transaction-response. A malformed record is a 400 naming the
 * field, before anything is written. Every entry is a conditional update on an identifier derived from
 * the NCT number, so importing a record again updates the study in place. A trial with a supplement
 * (bundles/supplements: a seed trial) keeps its facts from other documents: the registry's record of
 * NCT02213705 does not take away its dose cohorts.
 */
export function importCtgov(supplements: ReadonlyMap<string, ResolvedSupplement>): Handler {
  return async (request, _params, ctx) => {
    const bundle = mapped(recordOf(request.body), supplements);
    return ctx.dispatch({ method: 'POST', path: '', query: [], body: bundle, contentType: 'application/fhir+json', preferReturn: request.preferReturn }, ctx);
  };
}

export function importCtgovRoute(supplements: ReadonlyMap<string, ResolvedSupplement>): Route {
  return {
    method: 'POST',
    segments: [':type', '$import-ctgov'],
    types: ['ResearchStudy'],
    interactions: [],
    operation: IMPORT_CTGOV_OPERATION,
    handler: importCtgov(supplements),
  };
}
