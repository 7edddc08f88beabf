import type { Endpoint, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { serverWriterOf } from '../../fhir/access-controlled-repository';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors, success } from '../../fhir/outcomes';
import { inTransaction, readerOf } from '../../fhir/router/context';
import type { Handler, Route } from '../../fhir/types';
import type { ResourceWriter } from '../../store/repository';
import type { IntakeMetrics } from '../metrics';
import { EndpointConfigError, pullEndpointOf } from './endpoint';
import { currentLease } from './run-lease';
import { lagSeconds, lastRun, type RunCounts, type RunRecord } from './run-record';
import { participantsAt } from './sync-endpoint';
import { readMark } from './watermark';

export const SYNC_STATUS_OPERATION = {
  name: 'sync-status',
  definition: 'https://stroma-fhir.org/fhir/OperationDefinition/sync-status',
};

const integer = (name: string, value: number): ParametersParameter => ({ name, valueInteger: value });

function runParameter(record: RunRecord): ParametersParameter {
  const part: ParametersParameter[] = [
    { name: 'start', valueInstant: record.started },
    { name: 'end', valueInstant: record.ended },
    { name: 'outcome', valueCode: record.outcome },
  ];
  if (record.error) part.push({ name: 'error', valueString: record.error });
  for (const failure of record.failures) {
    part.push({ name: 'failure', part: [{ name: 'patient', valueReference: { reference: failure.patient } }, { name: 'error', valueString: failure.error }] });
  }
  return { name: 'lastRun', part };
}

function countsParameter(counts: RunCounts): ParametersParameter {
  const refused = Object.entries(counts.refused).map(([reason, n]): ParametersParameter => ({
    name: 'refused',
    part: [{ name: 'reason', valueCode: reason }, integer('count', n)],
  }));
  const { patients, skipped, failed, pages, received, stored } = counts;
  const numbers = Object.entries({ patients, skipped, failed, pages, received, stored }).map(([name, n]) => integer(name, n ?? 0));
  return { name: 'counts', part: [...numbers, ...refused] };
}

/** One `watermark` per participant the Endpoint has taken results of. */
async function watermarks(tx: ResourceWriter, endpoint: Endpoint, registries: FhirRegistries): Promise<ParametersParameter[]> {
  let system: string;
  try {
    system = pullEndpointOf(endpoint).patientSystem;
  } catch (error) {
    if (error instanceof EndpointConfigError) return [];
    throw error;
  }
  const marks: ParametersParameter[] = [];
  for (const participant of await participantsAt(system, registries, tx)) {
    const mark = await readMark(tx, endpoint.id ?? '', participant.patientId);
    if (!mark) continue;
    marks.push({ name: 'watermark', part: [{ name: 'patient', valueReference: { reference: `Patient/${participant.patientId}` } }, { name: 'lastUpdated', valueInstant: mark }] });
  }
  return marks;
}

/**
 * GET [base]/Endpoint/{id}/$sync-status: the Endpoint's pull sync as its journal streams record it: the
 * last finished run (start, end, outcome, error, failures) and its counts, whether a run holds the
 * Endpoint now, each participant's watermark, and the lag (now - the newest lastUpdated taken in),
 * which also sets the stroma_sync_lag_seconds gauge.
 */
export function syncStatusRoute(registries: FhirRegistries, metrics: IntakeMetrics): Route {
  const handler: Handler = async (_request, params, ctx) => {
    const id = params.id as string;
    const endpoint = (await readerOf(ctx).read('Endpoint', id))?.resource as Endpoint | undefined;
    if (!endpoint) throw errors.notFound(`Endpoint/${id}`);
    const now = Date.now();
    const answer = await inTransaction(ctx, async (requesterTx) => {
      const tx = serverWriterOf(requesterTx);
      const parameter: ParametersParameter[] = [{ name: 'endpoint', valueReference: { reference: `Endpoint/${id}` } }];
      const lease = await currentLease(tx, id, now);
      parameter.push({ name: 'running', valueBoolean: lease !== undefined });
      if (lease) parameter.push({ name: 'runStarted', valueInstant: lease.started });
      const last = await lastRun(tx, id);
      if (last) parameter.push(runParameter(last), countsParameter(last.counts));
      parameter.push(...(await watermarks(tx, endpoint, registries)));
      const lag = lagSeconds(last?.newest, now);
      if (last?.newest !== undefined && lag !== undefined) {
        parameter.push({ name: 'newest', valueInstant: last.newest });
        parameter.push({ name: 'lag', valueQuantity: { value: lag, unit: 's', system: 'http://unitsofmeasure.org', code: 's' } });
        metrics.syncLag.set({ endpoint: id }, lag);
      }
      return { resourceType: 'Parameters', parameter } satisfies Parameters;
    });
    return [success('ok', `Pull sync status of Endpoint/${id}`), answer];
  };
  return { method: 'GET', segments: [':type', ':id', '$sync-status'], types: ['Endpoint'], interactions: [], operation: SYNC_STATUS_OPERATION, handler };
}
