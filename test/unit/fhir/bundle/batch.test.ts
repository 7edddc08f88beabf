import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { processBatch } from '../../../../src/fhir/bundle/batch';
import { errors, success } from '../../../../src/fhir/outcomes';
import { IntakeRegistry } from '../../../../src/fhir/intake';
import type { FhirRequest, HandlerContext, HandlerResult } from '../../../../src/fhir/types';
import { WriteConflictError, type Repository, type ResourceWriter } from '../../../../src/store/repository';

const entries: BundleEntry[] = [{ request: { method: 'POST', url: 'Observation' } }, { request: { method: 'POST', url: 'Observation' } }];
const requests: FhirRequest[] = entries.map((_, i) => ({ method: 'POST', path: 'Observation', query: [], body: { resourceType: 'Observation', id: `entry-${i}` } }));
const entryOf = (request: FhirRequest) => Number((request.body as { id: string }).id.slice('entry-'.length));

/** A context whose store runs `transaction` as told, and whose router answers each entry as told. */
function context(transaction: Repository['transaction'], answer: (i: number) => HandlerResult): { ctx: HandlerContext; transactions: number[] } {
  const transactions: number[] = [];
  const ctx = {
    repo: { transaction: (fn: (tx: ResourceWriter) => Promise<unknown>) => { transactions.push(transactions.length); return transaction(fn as never); } },
    registries: { intake: new IntakeRegistry() },
    access: { requester: { clientId: 'c', role: 'admin', scope: '' } },
    baseUrl: 'http://localhost/fhir',
    validation: { lookups: (r: unknown) => r },
    dispatch: async (request: FhirRequest) => answer(entryOf(request)),
  } as unknown as HandlerContext;
  return { ctx, transactions };
}

const statuses = ([, bundle]: HandlerResult) => ((bundle as Bundle).entry ?? []).map((e) => e.response?.status);

describe('processBatch', () => {
  it('when every entry succeeds, then all run in one transaction', async () => {
    const { ctx, transactions } = context(async (fn) => fn({ lockAll: async () => undefined } as unknown as ResourceWriter), () => [success('created', 'ok'), undefined]);
    expect(statuses(await processBatch(entries, requests, ctx))).toEqual(['201 Created', '201 Created']);
    expect(transactions).toHaveLength(1);
  });

  it('when the shared transaction meets a write conflict it cannot get past, then the entries run one by one and answer for themselves', async () => {
    let first = true;
    const { ctx } = context(async (fn) => {
      if (first) {
        first = false;
        throw new WriteConflictError('could not serialize');
      }
      return fn({} as ResourceWriter);
    }, (i) => {
      if (i === 1) throw errors.conflict('entry 2 conflicts');
      return [success('created', 'ok'), undefined];
    });
    expect(statuses(await processBatch(entries, requests, ctx))).toEqual(['201 Created', '409 Conflict']);
  });

  it('when an entry fails in the shared transaction, then nothing of it is kept and each entry answers alone', async () => {
    const { ctx, transactions } = context(async (fn) => fn({ lockAll: async () => undefined } as unknown as ResourceWriter), (i) => {
      if (i === 1) throw errors.invalid('entry 2 is invalid');
      return [success('created', 'ok'), undefined];
    });
    expect(statuses(await processBatch(entries, requests, ctx))).toEqual(['201 Created', '400 Bad Request']);
    expect(transactions).toHaveLength(1);
  });
});
