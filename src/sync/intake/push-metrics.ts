import type { Bundle, BundleEntry, OperationOutcome } from '@medplum/fhirtypes';
import { INTAKE_REFUSAL_SYSTEM } from '../../fhir/intake';
import { OperationOutcomeError } from '../../fhir/outcomes';
import type { FhirRequest, HandlerResult } from '../../fhir/types';
import { countResult, type Channel, type IntakeMetrics } from '../metrics';

/** Why a result was refused, for the `reason` label: its intake-refusal code, else the issue code (invalid, forbidden...). */
export function reasonOf(outcome: OperationOutcome | undefined): string {
  const issues = outcome?.issue ?? [];
  for (const item of issues) {
    const coding = item.details?.coding?.find((c) => c.system === INTAKE_REFUSAL_SYSTEM);
    if (coding?.code) return coding.code;
  }
  return issues.find((i) => i.severity === 'error' || i.severity === 'fatal')?.code ?? 'unknown';
}

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
