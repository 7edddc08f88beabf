import type {
  ClaimedDelivery, DeliveryEnd, DeliveryOutbox, DeliveryQueue, DeliveryRecord, DeliveryState, NewDelivery,
} from '../subscription-deliveries';
import type { Db, Queryable } from './driver/db';

const ENQUEUE_SQL = `
INSERT INTO subscription_delivery (subscription_id, resource_type, resource_id, version_id) VALUES ($1, $2, $3, $4)`;

const CANCEL_SQL = `
UPDATE subscription_delivery SET state = 'cancelled', last_error = $2, ended = now(), leased_until = NULL
WHERE subscription_id = $1 AND state = 'pending'`;

// Due and not leased to a live worker; SKIP LOCKED lets every process claim at once without waiting.
const CLAIM_SQL = `
UPDATE subscription_delivery d SET leased_until = now() + $2 * interval '1 millisecond', attempts = d.attempts + 1
FROM (
  SELECT id FROM subscription_delivery
  WHERE state = 'pending' AND due <= now() AND (leased_until IS NULL OR leased_until < now())
  ORDER BY due, id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
) due
WHERE d.id = due.id
RETURNING d.id, d.subscription_id, d.resource_type, d.resource_id, d.version_id, d.queued, d.attempts`;

const FINISH_SQL = `
UPDATE subscription_delivery SET state = $2, last_error = $3, ended = now(), leased_until = NULL
WHERE id = $1 AND state = 'pending'`;

const RETRY_SQL = `
UPDATE subscription_delivery SET due = $2, last_error = $3, leased_until = NULL WHERE id = $1 AND state = 'pending'`;

const OF_SUBSCRIPTION_SQL = `
SELECT id, subscription_id, resource_type, resource_id, version_id, queued, attempts, state, last_error
FROM subscription_delivery WHERE subscription_id = $1 ORDER BY id LIMIT $2`;

const PURGE_SQL = `DELETE FROM subscription_delivery WHERE state <> 'pending' AND ended < $1`;

interface DeliveryRow {
  id: string | number;
  subscription_id: string;
  resource_type: string;
  resource_id: string;
  version_id: number;
  queued: string | Date;
  attempts: number;
  state?: DeliveryState;
  last_error?: string | null;
}

function toClaimed(row: DeliveryRow): ClaimedDelivery {
  return {
    id: String(row.id),
    subscriptionId: row.subscription_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    versionId: Number(row.version_id),
    queued: new Date(row.queued).toISOString(),
    attempts: Number(row.attempts),
  };
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  const record: DeliveryRecord = { ...toClaimed(row), state: row.state ?? 'pending' };
  if (row.last_error) record.lastError = row.last_error;
  return record;
}

/** The outbox of one write transaction: `connection` is the transaction's open session. */
export function postgresDeliveryOutbox(connection: () => Promise<Queryable>): DeliveryOutbox {
  return {
    async enqueue(delivery: NewDelivery) {
      const { subscriptionId, resourceType, resourceId, versionId } = delivery;
      await (await connection()).query(ENQUEUE_SQL, [subscriptionId, resourceType, resourceId, versionId], 'stroma_delivery_enqueue');
    },
    async cancelPending(subscriptionId: string, reason: string) {
      const rows = await (await connection()).query(`${CANCEL_SQL} RETURNING id`, [subscriptionId, reason], 'stroma_delivery_cancel');
      return rows.length;
    },
  };
}

/** The queue over PostgreSQL or PGlite, for the delivery workers. */
export function createPostgresDeliveryQueue(db: Db): DeliveryQueue {
  return {
    async claim(limit, leaseMs) {
      const rows = await db.query<DeliveryRow>(CLAIM_SQL, [limit, leaseMs], 'stroma_delivery_claim');
      return rows.map(toClaimed).sort((a, b) => Number(a.id) - Number(b.id));
    },
    async finish(id: string, end: DeliveryEnd, reason?: string) {
      await db.query(FINISH_SQL, [id, end, reason ?? null], 'stroma_delivery_finish');
    },
    async retryAt(id, at, error) {
      await db.query(RETRY_SQL, [id, at.toISOString(), error], 'stroma_delivery_retry');
    },
    async deliveriesOf(subscriptionId, limit = 1000) {
      const rows = await db.query<DeliveryRow>(OF_SUBSCRIPTION_SQL, [subscriptionId, limit], 'stroma_delivery_of');
      return rows.map(toRecord);
    },
    async purgeEnded(before) {
      const rows = await db.query(`${PURGE_SQL} RETURNING id`, [before.toISOString()]);
      return rows.length;
    },
  };
}
