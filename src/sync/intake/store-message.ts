import type { Observation } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../../fhir/outcomes';
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

class Refused extends Error {
  constructor(
    readonly index: number,
    readonly error: OperationOutcomeError,
  ) {
    super(error.message);
  }
}

/**
 * Stores a message's results in one transaction, through the router as the sender (`ctx`'s
 * requester), so each is validated and judged as a FHIR push is; `unit` runs before and after in
 * the same transaction, so the message's record commits with its results or not at all. A result
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
        const txCtx: HandlerContext = { ...ctx, tx };
        const outcomes: ResultOutcome[] = [];
        for (let i = 0; i < requests.length; i++) {
          const known = refused.get(i);
          outcomes.push(known ? { stored: false, error: known } : await storeOne(requests[i], i, txCtx));
        }
        return unit.finish(tx, outcomes);
      });
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      refused.set(error.index, error.error);
    }
  }
}

async function storeOne(request: FhirRequest, index: number, ctx: HandlerContext): Promise<ResultOutcome> {
  try {
    const [outcome, resource] = await ctx.dispatch({ ...request }, ctx);
    return { stored: true, reference: `Observation/${resource?.id ?? ''}`, status: outcome.category === 'created' ? 201 : 200 };
  } catch (error) {
    if (error instanceof OperationOutcomeError) throw new Refused(index, error);
    throw error;
  }
}
