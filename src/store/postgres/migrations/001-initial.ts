/**
 * Resources, their full history, and the search index tables.
 * Plain PostgreSQL 15 DDL that PGlite runs unchanged. `rid` is a surrogate key shared by every
 * version of one resource, so index rows stay narrow.
 */
export const initialSchema = `
CREATE TABLE resource (
  rid bigserial UNIQUE NOT NULL,
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id bigint NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content jsonb,
  PRIMARY KEY (resource_type, id)
);
CREATE INDEX resource_type_updated ON resource (resource_type, last_updated) WHERE NOT deleted;

CREATE TABLE resource_history (
  seq bigserial PRIMARY KEY,
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id bigint NOT NULL,
  last_updated timestamptz NOT NULL,
  method text NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content jsonb,
  UNIQUE (resource_type, id, version_id)
);
CREATE INDEX resource_history_type ON resource_history (resource_type, seq);

CREATE TABLE idx_token (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  system text,
  code text,
  text_value text
);
CREATE INDEX idx_token_lookup ON idx_token (resource_type, param, code, system);
CREATE INDEX idx_token_rid ON idx_token (rid);

CREATE TABLE idx_string (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  value text NOT NULL,
  value_exact text NOT NULL
);
CREATE INDEX idx_string_lookup ON idx_string (resource_type, param, value text_pattern_ops);
CREATE INDEX idx_string_rid ON idx_string (rid);

CREATE TABLE idx_reference (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  target_type text,
  target_id text,
  url text
);
CREATE INDEX idx_reference_lookup ON idx_reference (resource_type, param, target_id, target_type);
CREATE INDEX idx_reference_rid ON idx_reference (rid);

CREATE TABLE idx_uri (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  value text NOT NULL
);
CREATE INDEX idx_uri_lookup ON idx_uri (resource_type, param, value);
CREATE INDEX idx_uri_rid ON idx_uri (rid);

CREATE TABLE idx_date (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  low timestamptz,
  high timestamptz
);
CREATE INDEX idx_date_lookup ON idx_date (resource_type, param, low, high);
CREATE INDEX idx_date_rid ON idx_date (rid);
`;
