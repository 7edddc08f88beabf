import type { Bundle, BundleEntry, OperationOutcome } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../../fhir/outcomes';
import type { FhirRequest, HandlerResult } from '../../fhir/types';
import { countResult, reasonOf, type Channel, type IntakeMetrics } from '../metrics';

const isObservation = (body: unknown): boolean => (body as { resourceType?: unknown } | undefined)?.resourceType === 'Observation';

/** Counts what an EHR pushed through the FHIR API: each Observation written, alone or as a Bundle entry. */
export function countPush(metrics: IntakeMetrics, request: FhirRequest, ended: HandlerResult | OperationOutcomeError): void {
  const channel: Channel = 'fhir-push';
  const writes = request.method === 'POST' || request.method === 'PUT';
  if (writes && isObservation(request.body)) {
    metrics.messages.inc({ channel });
    countResult(metrics, channel, ended instanceof OperationOutcomeError ? reasonOf(ended.outcome) : undefined);
    return;
  }
  const bundle = request.body as Bundle | undefined;
  if (request.path !== '' || bundle?.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) return;
  const sent = bundle.entry.map((e) => isObservation(e.resource) && (e.request?.method === 'POST' || e.request?.method === 'PUT'));
  if (!sent.some(Boolean)) return;
  metrics.messages.inc({ channel });
  const answers: BundleEntry[] = ended instanceof OperationOutcomeError ? [] : ((ended[1] as Bundle | undefined)?.entry ?? []);
  sent.forEach((isResult, i) => {
    if (!isResult) return;
    if (ended instanceof OperationOutcomeError) return countResult(metrics, channel, reasonOf(ended.outcome));
    const response = answers[i]?.response;
    const ok = /^2/.test(response?.status ?? '');
    countResult(metrics, channel, ok ? undefined : reasonOf(response?.outcome as OperationOutcome | undefined));
  });
}
