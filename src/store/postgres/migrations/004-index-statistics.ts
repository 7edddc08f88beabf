/**
 * Functional-dependency statistics on the index tables. A search parameter code implies its
 * resource type, and many codes (`male`, a LOINC code) imply their parameter, but PostgreSQL
 * multiplies the selectivities of `resource_type`, `param` and `code` as if they were independent
 * and estimates one row where there are thousands. With chains and `_has` that misleads it into
 * driving the query from the wrong side (`Observation?subject=Patient/1&subject:Patient.gender=male`
 * took seconds instead of milliseconds at a million Observations). ANALYZE fills these in.
 */
export const indexStatisticsSchema = `
CREATE STATISTICS idx_token_dependencies (dependencies) ON resource_type, param, code FROM idx_token;
CREATE STATISTICS idx_string_dependencies (dependencies) ON resource_type, param FROM idx_string;
CREATE STATISTICS idx_reference_dependencies (dependencies) ON resource_type, param, target_type FROM idx_reference;
CREATE STATISTICS idx_uri_dependencies (dependencies) ON resource_type, param FROM idx_uri;
CREATE STATISTICS idx_date_dependencies (dependencies) ON resource_type, param FROM idx_date;
CREATE STATISTICS idx_number_dependencies (dependencies) ON resource_type, param FROM idx_number;
CREATE STATISTICS idx_quantity_dependencies (dependencies) ON resource_type, param, code FROM idx_quantity;
`;
