import type { Bundle } from '@medplum/fhirtypes';
import { errors } from '../../fhir/outcomes';
import type { Handler, Route } from '../../fhir/types';
import { ctgovToBundle, CtgovRecordError } from '../ctgov';

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

function mapped(record: unknown): Bundle {
  try {
    return ctgovToBundle(record);
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
 * the NCT number, so importing a record again updates the study in place.
 */
export const importCtgov: Handler = async (request, _params, ctx) => {
  const bundle = mapped(recordOf(request.body));
  return ctx.dispatch({ method: 'POST', path: '', query: [], body: bundle, contentType: 'application/fhir+json', preferReturn: request.preferReturn }, ctx);
};

export const IMPORT_CTGOV_ROUTE: Route = {
  method: 'POST',
  segments: [':type', '$import-ctgov'],
  types: ['ResearchStudy'],
  interactions: [],
  operation: IMPORT_CTGOV_OPERATION,
  handler: importCtgov,
};
