import type { Subscription } from '@medplum/fhirtypes';
import type { Repository } from '../store/repository';

/**
 * Records how the Subscription's notifications go: `error` with the error text after a failure,
 * `active` (no error) after a success. Written as the server, under the row lock, over the current
 * version: nothing is written when nothing changes, and a Subscription its client deleted or set
 * off meanwhile is left so.
 */
export async function recordStatus(store: Repository, id: string, status: 'active' | 'error', error?: string): Promise<void> {
  await store.transaction(async (tx) => {
    const current = await tx.readForUpdate('Subscription', id);
    const subscription = current?.resource as Subscription | undefined;
    if (!current || current.deleted || !subscription) return;
    if (subscription.status !== 'active' && subscription.status !== 'error') return;
    if (subscription.status === status && subscription.error === error) return;
    const { error: _previous, ...rest } = subscription;
    await tx.write(error === undefined ? { ...rest, status } : { ...rest, status, error }, 'PUT', current);
  });
}
