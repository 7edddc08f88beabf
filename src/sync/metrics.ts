import type { OperationOutcome } from '@medplum/fhirtypes';
import { Counter, Gauge, Registry } from 'prom-client';
import { refusalReason } from '../fhir/intake';

/** How results reach Stroma (the `channel` label). */
export type Channel = 'fhir-push' | 'hl7v2-mllp' | 'hl7v2-http' | 'fhir-pull';

/**
 * The EHR integration's Prometheus metrics (issue 9, point 5), in a registry of their own so that
 * several apps in one process (the tests) do not share counts.
 */
export interface IntakeMetrics {
  readonly registry: Registry;
  /** Messages received (an HL7 v2 message, a pushed Observation or Bundle, a pulled page), by channel. */
  messages: Counter<'channel'>;
  /** Results received, by channel and outcome (accepted, refused). */
  results: Counter<'channel' | 'outcome'>;
  /** Results refused, by channel and reason (intake-refusal code, or the failure's category). */
  refused: Counter<'channel' | 'reason'>;
  /** Seconds since the newest result a sync has taken in from each Endpoint. */
  syncLag: Gauge<'endpoint'>;
  /** Sync runs by Endpoint and outcome (succeeded, failed). */
  syncRuns: Counter<'endpoint' | 'outcome'>;
}

export function createIntakeMetrics(): IntakeMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    messages: new Counter({ name: 'stroma_ehr_messages_received_total', help: 'Messages received from EHRs', labelNames: ['channel'], registers }),
    results: new Counter({ name: 'stroma_ehr_results_total', help: 'Results received from EHRs, by outcome', labelNames: ['channel', 'outcome'], registers }),
    refused: new Counter({ name: 'stroma_ehr_results_refused_total', help: 'Results refused, by reason', labelNames: ['channel', 'reason'], registers }),
    syncLag: new Gauge({ name: 'stroma_sync_lag_seconds', help: 'Seconds between now and the last change taken in by pull sync, per Endpoint', labelNames: ['endpoint'], registers }),
    syncRuns: new Counter({ name: 'stroma_sync_runs_total', help: 'Pull sync runs, by Endpoint and outcome', labelNames: ['endpoint', 'outcome'], registers }),
  };
}

/** Why a result was refused, for the `reason` label: its intake-refusal code, else the issue code (invalid, forbidden...). */
export function reasonOf(outcome: OperationOutcome | undefined): string {
  return refusalReason(outcome) ?? outcome?.issue?.find((i) => i.severity === 'error' || i.severity === 'fatal')?.code ?? 'unknown';
}

/** Counts one result's fate. */
export function countResult(metrics: IntakeMetrics, channel: Channel, refusal: string | undefined): void {
  metrics.results.inc({ channel, outcome: refusal === undefined ? 'accepted' : 'refused' });
  if (refusal !== undefined) metrics.refused.inc({ channel, reason: refusal });
}
