/**
 * Indexes that let a search read index pages instead of table pages, chosen with EXPLAIN (ANALYZE,
 * BUFFERS) on 1,000,000 Observations (bench/RESULTS.md). Observation?subject=Patient/X&code=...
 * finds the patient's ~100 Observations by reference, then checks each candidate's other
 * conditions by rid; every step read one table page per candidate, each on a different page of a
 * large table, which is most of a search's time when those pages are not cached.
 *
 * - resource_rid_key carries resource_type and deleted: the inner query of a search (search-sql.ts)
 *   checks, sorts and cuts candidates on this index alone; content is read for the page's rows only.
 * - idx_reference_lookup carries rid: a patient's Observations come from a few index pages instead
 *   of one idx_reference page each.
 * - idx_date_rid carries the columns a date filter compares and a date sort reads.
 *
 * Each replaces the index of the same name, so a write maintains as many indexes as before. They
 * are wider (and INCLUDE rules out B-tree deduplication): loading 100,000 Observations wrote 3 %
 * more WAL. The same for idx_token_rid would have saved one page per candidate more but cost
 * 8.5 % more WAL (its rows are the most numerous), so it stays as it was.
 */
export const coveringSearchIndexes = `
ALTER TABLE resource DROP CONSTRAINT resource_rid_key, ADD CONSTRAINT resource_rid_key UNIQUE (rid) INCLUDE (resource_type, deleted);

DROP INDEX idx_reference_lookup;
CREATE INDEX idx_reference_lookup ON idx_reference (resource_type, param, target_id, target_type) INCLUDE (rid);

DROP INDEX idx_date_rid;
CREATE INDEX idx_date_rid ON idx_date (rid) INCLUDE (resource_type, param, low, high);
`;
