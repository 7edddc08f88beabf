/**
 * The audit log (src/store/audit-log.ts): one append-only row per AuditEvent, apart from the
 * resource tables, because every request is audited and a resource write (current and history rows
 * plus a dozen index rows) per request halved the server's throughput.
 *
 * seq is the event's id and its position in the log (keyset paging follows it). The columns beside
 * content are the few an admin searches by, extracted on append: client_id and address from the
 * requestor agent, subtypes' codes, outcome, action, and entities (each entity.what.reference cut to
 * Type/id, so any version of a resource matches). content is the event as given, without id and meta,
 * which are derived from seq and recorded on read.
 *
 * Only the indexes searching needs and that stay cheap on insert: recorded (ranges, always
 * append-ordered), (client_id, seq) for one client's events in log order, and a GIN on entities for
 * the overlap operator. Outcome, action, subtypes and address are filters on those, never alone.
 */
export const auditLogSchema = `
CREATE TABLE audit_event (
  seq bigserial PRIMARY KEY,
  recorded timestamptz NOT NULL,
  client_id text,
  address text,
  subtypes text[] NOT NULL,
  outcome text,
  action text,
  entities text[] NOT NULL,
  content jsonb NOT NULL
);

CREATE INDEX audit_event_recorded ON audit_event (recorded);

CREATE INDEX audit_event_client_seq ON audit_event (client_id, seq);

CREATE INDEX audit_event_entities ON audit_event USING gin (entities);
`;
