import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { Repository, ResourceReader, ResourceWriter, StoredVersion, WriteMethod } from '../store/repository';
import { matchQuery } from './criteria';
import type { WatchingSubscription } from './watching';

export interface NotifierOptions {
  /** The Subscriptions watching a type, asked through `lookups(tx.lookup)`. */
  watching(reader: ResourceReader, resourceType: string): Promise<WatchingSubscription[]>;
  /** The write validation's lookup cache over a reader (WriteValidation.lookups). */
  lookups(reader: ResourceReader): ResourceReader;
  /** Told after a transaction that queued notifications has committed (the local worker need not wait for its poll). */
  onQueued(): void;
}

/**
 * The repository with Subscription notifications queued in each write's transaction: before commit,
 * every resource the transaction created or updated is tested against the criteria of the
 * Subscriptions watching its type, as a search (`exists` on the transaction, with `_id` added), and
 * a notification is queued for each that matches. The write and its notifications commit together.
 * A Subscription deleted or set off has its pending notifications cancelled in the same way.
 */
export function notifyingRepository(repo: Repository, options: NotifierOptions): Repository {
  const transaction = async <T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> => {
    let queued = 0;
    const result = await repo.transaction(async (tx) => {
      const written = new Map<string, StoredVersion>();
      const value = await fn(recordingWriter(tx, written));
      queued = await queueNotifications(tx, [...written.values()], options);
      return value;
    });
    if (queued > 0) options.onQueued();
    return result;
  };
  return Object.assign(Object.create(repo) as Repository, { transaction });
}

/** `tx`, noting the last version it wrote of each resource. */
function recordingWriter(tx: ResourceWriter, written: Map<string, StoredVersion>): ResourceWriter {
  const note = (version: StoredVersion) => {
    written.set(`${version.resourceType}/${version.id}`, version);
    return version;
  };
  return Object.assign(Object.create(tx) as ResourceWriter, {
    write: async (resource: Resource, method: WriteMethod, previous?: StoredVersion) => note(await tx.write(resource, method, previous)),
    remove: async (previous: StoredVersion) => note(await tx.remove(previous)),
  });
}

async function queueNotifications(tx: ResourceWriter, written: StoredVersion[], options: NotifierOptions): Promise<number> {
  const byType = new Map<string, StoredVersion[]>();
  for (const version of written) {
    if (version.resourceType === 'Subscription') {
      await cancelIfStopped(tx, version);
    } else if (!version.deleted && version.resource) {
      byType.set(version.resourceType, [...(byType.get(version.resourceType) ?? []), version]);
    }
  }
  if (byType.size === 0) return 0;
  const lookup = options.lookups(tx.lookup);
  let queued = 0;
  for (const [resourceType, versions] of byType) {
    const watching = await options.watching(lookup, resourceType);
    for (const subscription of watching) {
      for (const version of versions) {
        if (!(await tx.exists(matchQuery(subscription.criteria, version.id)))) continue;
        await tx.deliveries.enqueue({ subscriptionId: subscription.id, resourceType, resourceId: version.id, versionId: version.versionId });
        queued++;
      }
    }
  }
  return queued;
}

async function cancelIfStopped(tx: ResourceWriter, version: StoredVersion): Promise<void> {
  const status = (version.resource as Subscription | undefined)?.status;
  if (version.deleted) await tx.deliveries.cancelPending(version.id, 'the Subscription was deleted');
  else if (status === 'off') await tx.deliveries.cancelPending(version.id, 'the Subscription was set off');
}
