/**
 * resource_rid_key also carries the id: a tabulation (tabulate-sql.ts) finds its resources through the
 * index rows, then needs each one's id and whether it is current; with the id in the index that is an
 * index-only probe per resource rather than a heap page each (about 350 ms of a 50,000-event safety
 * summary, bench:measures). The index grows by the id, about 40 bytes a resource.
 */
export const ridCoversIdSchema = `
ALTER TABLE resource DROP CONSTRAINT resource_rid_key, ADD CONSTRAINT resource_rid_key UNIQUE (rid) INCLUDE (resource_type, deleted, id);
`;
