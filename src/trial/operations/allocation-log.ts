import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { serverWriterOf } from '../../fhir/access-controlled-repository';
import { errors, success } from '../../fhir/outcomes';
import { inTransaction } from '../../fhir/router/context';
import type { Handler, Route } from '../../fhir/types';
import { type Allocation, readAllocations } from '../randomization/allocation-log';

export const ALLOCATION_LOG_OPERATION = {
  name: 'allocation-log',
  definition: 'https://stroma-fhir.org/fhir/OperationDefinition/allocation-log',
};

function allocationParameter(allocation: Allocation): ParametersParameter {
  const part: ParametersParameter[] = [
    { name: 'sequence', valueInteger: allocation.sequence },
    { name: 'subject', valueReference: { reference: allocation.subject } },
    { name: 'arm', valueString: allocation.arm },
  ];
  if (allocation.block !== undefined) part.push({ name: 'block', valueInteger: allocation.block });
  if (allocation.slot !== undefined) part.push({ name: 'slot', valueInteger: allocation.slot });
  if (allocation.dosePerKg !== undefined) {
    part.push({ name: 'dosePerKg', valueQuantity: { value: allocation.dosePerKg, unit: '{cells}/kg', system: 'http://unitsofmeasure.org', code: '{cells}/kg' } });
  }
  part.push({ name: 'allocatedBy', valueString: allocation.by }, { name: 'recorded', valueInstant: allocation.recorded });
  return { name: 'allocation', part };
}

/**
 * GET [base]/ResearchStudy/{id}/$allocation-log: the study's allocations in order (who got which arm,
 * in which block and slot or dose cohort, asked by which client, when). The log lives in the store's
 * journal, out of reach of every FHIR read, search and export; this operation is its only reader, and
 * its rule (src/auth/policy/operations.ts) allows it to the unblinded and admin roles only.
 */
const allocationLog: Handler = async (_request, params, ctx) => {
  const studyId = params.id as string;
  return inTransaction(ctx, async (tx) => {
    const study = await tx.read('ResearchStudy', studyId);
    if (!study?.resource) throw errors.notFound(`ResearchStudy/${studyId}`);
    const log = await readAllocations(serverWriterOf(tx), studyId);
    const answer: Parameters = {
      resourceType: 'Parameters',
      parameter: [{ name: 'study', valueReference: { reference: `ResearchStudy/${studyId}` } }, ...log.map(allocationParameter)],
    };
    return [success('ok', `${log.length} allocations of ResearchStudy/${studyId}`), answer];
  });
};

export const allocationLogRoute: Route = {
  method: 'GET',
  segments: [':type', ':id', '$allocation-log'],
  types: ['ResearchStudy'],
  interactions: [],
  operation: ALLOCATION_LOG_OPERATION,
  handler: allocationLog,
};
