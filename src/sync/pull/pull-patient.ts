import type { Bundle, Observation } from '@medplum/fhirtypes';
import type { ResultCode } from '../../fhir/intake';
import type { FhirRequest, HandlerContext } from '../../fhir/types';
import type { Repository } from '../../store/repository';
import { storeMessage, upsertRequest, type ResultOutcome } from '../intake/store-message';
import { countResult, reasonOf, type IntakeMetrics } from '../metrics';
import type { PullEndpoint } from './endpoint';
import { mapObservation, remoteKey } from './observation-mapping';
import { nextLink, type RemoteFhir } from './remote-fhir';
import type { RunCounts } from './run-record';
import { later, markStream, pageMark, readMark } from './watermark';

/** What pulling one participant's results needs; `counts` is the run's, added to. */
export interface PatientPullContext {
  endpoint: PullEndpoint;
  remote: RemoteFhir;
  /** The Endpoint as requester (role ehr): results pass the intake and the gate as a push does. */
  ctx: HandlerContext;
  store: Repository;
  metrics: IntakeMetrics;
  pageSize: number;
  counts: RunCounts;
  run: string;
  /** Called before each page: keeps the run's lease, stops the run at shutdown. */
  beforePage(): Promise<void>;
}

/** A participant as the EHR knows them: Stroma's Patient id and the hospital MRNs it carries. */
export interface Participant {
  patientId: string;
  mrns: string[];
}

/**
 * Pulls the participant's results changed since their mark, page by page, each page stored in one
 * transaction with the mark it allows. Resolves to the newest lastUpdated committed.
 */
export async function pullPatient(participant: Participant, codes: readonly ResultCode[], pc: PatientPullContext): Promise<string | undefined> {
  const mark = await pc.store.transaction((tx) => readMark(tx, pc.endpoint.id, participant.patientId));
  let url: string | undefined = searchUrl(pc.endpoint, participant.mrns, codes, mark, pc.pageSize);
  let seen: string | undefined;
  let sorted = true;
  let newest: string | undefined;
  while (url) {
    await pc.beforePage();
    const bundle = await pc.remote.searchPage(url);
    url = nextLink(bundle);
    const results = observationsOf(bundle);
    pc.counts.pages++;
    pc.counts.received += results.length;
    pc.metrics.messages.inc({ channel: 'fhir-pull' });
    const page = pageMark(results.map((o) => o.meta?.lastUpdated), url !== undefined, seen);
    sorted &&= page.sorted;
    seen = later(seen, page.newest);
    if (results.length === 0) continue;
    await storePage(participant, results, sorted ? page.mark : undefined, pc);
    newest = later(newest, page.newest);
  }
  return newest;
}

/** Stores a page's results and moves the mark, in one transaction. */
async function storePage(participant: Participant, results: Observation[], mark: string | undefined, pc: PatientPullContext): Promise<void> {
  const requests: FhirRequest[] = [];
  for (const remote of results) {
    const key = remoteKey(pc.endpoint.base, remote);
    if (!key) {
      count(pc, 'no-remote-id');
      continue;
    }
    requests.push(upsertRequest(mapObservation(remote, key, { system: pc.endpoint.patientSystem, value: participant.mrns[0] }), key));
  }
  const stream = markStream(pc.endpoint.id, participant.patientId);
  const outcomes = await storeMessage<readonly ResultOutcome[]>(pc.ctx, requests, {
    async begin(tx) {
      await tx.lock(stream);
      return undefined;
    },
    async finish(tx, outcomes) {
      const current = await readMark(tx, pc.endpoint.id, participant.patientId);
      const moved = later(current, mark);
      if (moved !== current) await tx.journal.append(stream, { lastUpdated: moved, run: pc.run });
      return outcomes;
    },
  });
  for (const outcome of outcomes) count(pc, outcome.stored ? undefined : reasonOf(outcome.error.outcome));
}

function count(pc: PatientPullContext, refusal: string | undefined): void {
  if (refusal === undefined) pc.counts.stored++;
  else pc.counts.refused[refusal] = (pc.counts.refused[refusal] ?? 0) + 1;
  countResult(pc.metrics, 'fhir-pull', refusal);
}

/** The page's Observations (an OperationOutcome entry or an _include is no result). */
function observationsOf(bundle: Bundle): Observation[] {
  return (bundle.entry ?? [])
    .filter((e) => e.resource?.resourceType === 'Observation' && (e.search?.mode ?? 'match') === 'match')
    .map((e) => e.resource as Observation);
}

/** `Observation?patient.identifier=..&code=..&_lastUpdated=gt..&_sort=_lastUpdated&_count=..` at the EHR. */
export function searchUrl(endpoint: PullEndpoint, mrns: readonly string[], codes: readonly ResultCode[], mark: string | undefined, count: number): string {
  const token = (system: string | undefined, code: string) => encodeURIComponent(system === undefined ? code : `${system}|${code}`);
  const params = [
    `patient.identifier=${mrns.map((mrn) => token(endpoint.patientSystem, mrn)).join(',')}`,
    `code=${codes.map((c) => token(c.system, c.code)).join(',')}`,
    ...(mark ? [`_lastUpdated=${encodeURIComponent(`gt${mark}`)}`] : []),
    '_sort=_lastUpdated',
    `_count=${count}`,
  ];
  return `${endpoint.base}/Observation?${params.join('&')}`;
}
