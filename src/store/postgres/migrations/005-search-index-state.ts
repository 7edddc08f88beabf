/**
 * What the search index holds, so that a search never answers from incomplete index rows.
 *
 * search_param_state: one row per indexed parameter (resource type and code) with a hash of the
 * definition its rows were extracted with, and whether every stored resource has its rows.
 * A parameter that is new or whose definition changed while resources of its type exist is
 * incomplete until a reindex has passed over them.
 *
 * reindex_job: one row per reindex run; the rid it has reached lets an interrupted run resume
 * (every batch commits on its own, together with its progress).
 */
export const searchIndexStateSchema = `
CREATE TABLE search_param_state (
  resource_type text NOT NULL,
  code text NOT NULL,
  definition_hash text NOT NULL,
  complete boolean NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resource_type, code)
);

CREATE TABLE reindex_job (
  id bigserial PRIMARY KEY,
  resource_types text[],
  definitions_hash text NOT NULL,
  last_rid bigint NOT NULL,
  done_rid bigint NOT NULL DEFAULT 0,
  done_count bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
`;
