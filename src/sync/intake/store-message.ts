import type { BundleEntry, Observation } from '@medplum/fhirtypes';
import { EntryFailure, runAsOne } from '../../fhir/bundle/transaction';
import type { OperationOutcomeError } from '../../fhir/outcomes';
import type { FhirRequest, HandlerContext } from '../../fhir/types';
import type { ResourceWriter } from '../../store/repository';

/** What became of one result of a message. */
export type ResultOutcome =
  | { stored: true; /** Observation/id */ reference: string; /** 201 Created, 200 OK (updated or unchanged) */ status: number }
  | { stored: false; error: OperationOutcomeError };

/** The steps of a message around its results, in the results' transaction. */
export interface MessageUnit<T> {
  /** First (take the message's locks here): an answer ends the unit with nothing written, as for a message seen before. */
  begin?(tx: ResourceWriter): Promise<T | undefined>;
  /** Last, with every result's outcome: the unit's answer (an ACK, kept in the journal; a watermark moved). */
  finish(tx: ResourceWriter, outcomes: readonly ResultOutcome[]): Promise<T>;
}

/** A result's conditional update on the sender's identifier: a re-sent result updates the stored one. */
export function upsertRequest(observation: Observation, key: { system: string; value: string }): FhirRequest {
  return {
    method: 'PUT',
    path: 'Observation',
    query: [['identifier', `${key.system}|${key.value}`]],
    body: observation,
    contentType: 'application/fhir+json',
    preferReturn: 'minimal',
    // Counted by the channel that sent it (HL7 v2, pull), not as a FHIR push.
    inBundle: true,
  };
}

/**
 * Stores a message's results in one transaction, through the router as the sender (`ctx`'s
 * requester), so each is validated and judged as a FHIR push is, and with a Bundle's economy: every
 * result's key matched first, then the writes sent together (runAsOne). `unit` runs before and after
 * in the same transaction, so the message's record commits with its results or not at all. A result
 * refused (unknown patient, outside the panel, invalid) is left out: the transaction is rolled back
 * and run again without it, so nothing of it is written, and the others are kept.
 */
export async function storeMessage<T>(ctx: HandlerContext, requests: readonly FhirRequest[], unit: MessageUnit<T>): Promise<T> {
  const refused = new Map<number, OperationOutcomeError>();
  for (;;) {
    try {
      return await ctx.repo.transaction(async (tx) => {
        const early = await unit.begin?.(tx);
        if (early !== undefined) return early;
        const kept = requests.flatMap((request, i) => (refused.has(i) ? [] : [{ request, i }]));
        const entries: BundleEntry[] = kept.map(() => ({}));
        const answers = await runAsOne(entries, kept.map((k) => k.request), ctx, tx, { transaction: false });
        const outcomes: ResultOutcome[] = requests.map((_, i) => ({ stored: false, error: refused.get(i) as OperationOutcomeError }));
        kept.forEach(({ i }, at) => (outcomes[i] = storedOutcome(answers[at])));
        return unit.finish(tx, outcomes);
      });
    } catch (error) {
      if (!(error instanceof EntryFailure)) throw error;
      refused.set(indexAmongKept(requests.length, refused, error.index), error.entryError);
    }
  }
}

/** The index in `requests` of the `at`-th request not yet refused. */
function indexAmongKept(count: number, refused: ReadonlyMap<number, unknown>, at: number): number {
  let seen = -1;
  for (let i = 0; i < count; i++) {
    if (refused.has(i)) continue;
    if (++seen === at) return i;
  }
  throw new Error(`no request at ${at}`);
}

function storedOutcome(answer: BundleEntry): ResultOutcome {
  const status = Number((answer.response?.status ?? '200').slice(0, 3));
  const location = answer.response?.location ?? answer.fullUrl ?? '';
  const reference = location.replace(/^.*?(Observation\/[^/]+).*$/, '$1');
  return { stored: true, reference, status };
}
