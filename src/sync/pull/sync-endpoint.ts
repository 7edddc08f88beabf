import type { Endpoint, Patient } from '@medplum/fhirtypes';
import type { Requester } from '../../fhir/access';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { HandlerContext } from '../../fhir/types';
import type { IndexedParameter, Repository, ResourceReader } from '../../store/repository';
import { EHR_ROLE } from '../intake/ehr-intake';
import type { IntakeMetrics } from '../metrics';
import type { RetryHooks, RetryPolicy } from './backoff';
import { pullEndpointOf, type PullEndpoint } from './endpoint';
import { PermanentHttpError, type ExchangeOptions } from './http-exchange';
import { pullPatient, type Participant, type PatientPullContext } from './pull-patient';
import { RemoteFhir } from './remote-fhir';
import { claimLease, keepLease, releaseLease, type Lease } from './run-lease';
import { emptyCounts, lagSeconds, lastRun, MAX_FAILURES, newestOf, type RunRecord } from './run-record';
import type { SigningKeyResolver } from './signing-keys';
import { TokenClient } from './token-client';
import { later } from './watermark';

/** What a pull run needs from the server (built in app.ts). */
export interface PullServices {
  /** The store, for the sync's own records (leases, marks, runs). */
  store: Repository;
  registries: FhirRegistries;
  metrics: IntakeMetrics;
  /** The FHIR context of a requester (app.ts requesterContext): results are written through the router. */
  contextFor(requester: Requester): HandlerContext;
  keys: SigningKeyResolver;
  retry: RetryPolicy;
  hooks: RetryHooks;
  fetch: typeof fetch;
  pageSize: number;
  /** Per HTTP attempt. */
  timeoutMs: number;
  /** How long a claimed run keeps the Endpoint to itself without renewing. */
  leaseMs: number;
  /** Names this process in lease records. */
  holder: string;
}

/** The requester an Endpoint's results are written as: its own `ehr` client, so meta.source names the EHR. */
export function endpointRequester(endpointId: string): Requester {
  // A registered client id has no '/', so no client can pass itself off as an Endpoint.
  return { clientId: `Endpoint/${endpointId}`, role: EHR_ROLE, scope: 'system/Observation.cruds' };
}

/**
 * One pull run over an Endpoint: every participant known at the EHR whose study takes results now,
 * one after the other. A participant whose search the EHR refuses (4xx) is recorded and the run goes
 * on; an EHR that stays unavailable after the retries, a refused sign-in or shutdown ends the run.
 * Resolves to the run's record, or undefined when another run holds the Endpoint.
 */
export async function syncEndpoint(endpoint: Endpoint, services: PullServices, signal?: AbortSignal): Promise<RunRecord | undefined> {
  const id = endpoint.id ?? '';
  const lease = await claimLease(services.store, id, services.holder, services.leaseMs);
  if (!lease) return undefined;
  const counts = emptyCounts();
  const record: RunRecord = { run: lease.run, started: lease.started, ended: '', outcome: 'succeeded', failures: [], counts };
  let newest: string | undefined;
  try {
    const target = pullEndpointOf(endpoint);
    const pc = patientContext(target, services, lease, record, signal);
    const reader = services.store;
    for (const participant of await participantsAt(target.patientSystem, services.registries, reader)) {
      counts.patients++;
      const codes = await services.registries.intake.resultPanel(`Patient/${participant.patientId}`, reader);
      if (codes.length === 0) {
        counts.skipped++;
        continue;
      }
      try {
        newest = later(newest, await pullPatient(participant, codes, pc));
      } catch (error) {
        if (!(error instanceof PermanentHttpError)) throw error;
        if (++counts.failed <= MAX_FAILURES) record.failures.push({ patient: `Patient/${participant.patientId}`, error: error.message });
      }
    }
  } catch (error) {
    record.error = signal?.aborted ? 'stopped: the server is shutting down' : error instanceof Error ? error.message : String(error);
  }
  return finish(services, lease, record, newest);
}

async function finish(services: PullServices, lease: Lease, record: RunRecord, newest: string | undefined): Promise<RunRecord> {
  const previous = await services.store.transaction((tx) => lastRun(tx, lease.endpointId));
  record.ended = new Date().toISOString();
  record.outcome = record.error === undefined && record.counts.failed === 0 ? 'succeeded' : 'failed';
  const taken = newestOf(previous, newest);
  if (taken !== undefined) record.newest = taken;
  await releaseLease(services.store, lease, { ...record });
  services.metrics.syncRuns.inc({ endpoint: lease.endpointId, outcome: record.outcome });
  const lag = lagSeconds(record.newest, Date.now());
  if (lag !== undefined) services.metrics.syncLag.set({ endpoint: lease.endpointId }, lag);
  return record;
}

function patientContext(target: PullEndpoint, services: PullServices, lease: Lease, record: RunRecord, signal?: AbortSignal): PatientPullContext {
  const hooks: RetryHooks = { ...services.hooks, signal };
  const exchange: ExchangeOptions = { fetch: services.fetch, timeoutMs: services.timeoutMs, signal };
  const tokens = new TokenClient({ client: target.client, keys: services.keys, retry: services.retry, hooks, exchange });
  return {
    endpoint: target,
    remote: new RemoteFhir(target.base, tokens, services.retry, hooks, exchange),
    ctx: services.contextFor(endpointRequester(target.id)),
    store: services.store,
    metrics: services.metrics,
    pageSize: services.pageSize,
    counts: record.counts,
    run: lease.run,
    async beforePage() {
      signal?.throwIfAborted();
      await keepLease(services.store, lease, services.leaseMs);
    },
  };
}

/** The Patients carrying an identifier of the EHR's MRN system, with those MRNs. */
export async function participantsAt(system: string, registries: FhirRegistries, reader: ResourceReader): Promise<Participant[]> {
  const param = registries.searchParameters.get('Patient', 'identifier') as IndexedParameter;
  const found: Participant[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.search({ resourceType: 'Patient', filters: [{ param, values: [{ value: `${system}|` }] }], sort: [], count: 500, offset: 0, cursor, total: 'none' });
    for (const patient of page.resources as Patient[]) {
      const mrns = (patient.identifier ?? []).filter((i) => i.system === system && i.value).map((i) => i.value as string);
      if (patient.id && mrns.length > 0) found.push({ patientId: patient.id, mrns });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}
