/**
 * Bulk Data export jobs (src/store/export-store.ts). snapshot_xmax is the first transaction id not yet
 * started when the job was recorded: the job is claimed only once every transaction before it has ended. A queued or running job is found through the
 * partial index; the lease lets another process take over a job whose process died. Deletions for
 * `_since` are found in the history's deleted versions, the index below keeping that a range scan per type.
 */
export const exportJobsSchema = `
CREATE TABLE export_job (
  id text PRIMARY KEY,
  owner text NOT NULL,
  state text NOT NULL,
  request jsonb NOT NULL,
  transaction_time timestamptz NOT NULL,
  snapshot_xmax text NOT NULL,
  progress jsonb NOT NULL DEFAULT '{}',
  manifest jsonb,
  error jsonb,
  holder text,
  lease_until timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz
);
CREATE INDEX export_job_waiting ON export_job (created) WHERE state IN ('queued', 'running');
CREATE INDEX resource_history_deletions ON resource_history (resource_type, last_updated) WHERE deleted
`;
