/**
 * Composite search parameters, UCUM quantity search, token :of-type and reference :identifier.
 *
 * - `tuple` (every index table): which element of a composite parameter's expression a row came
 *   from (the n-th Observation.component, say), so that a composite matches only when all its
 *   components match on the SAME element. NULL for rows that are not part of a composite element,
 *   which is nearly all of them; a nullable column with no default costs nothing to add.
 * - idx_quantity: the quantity in UCUM base units next to the value as stored (NULL when the
 *   quantity is not UCUM or its unit has no conversion). One index, on the unit and value that a
 *   search compares (canonical when there is one, else as stored), replaces the old lookup index,
 *   so a write maintains no more indexes than before.
 * - idx_token: the Identifier.type coding of identifier rows, for :of-type.
 * - idx_reference: Reference.identifier, for :identifier; its index holds only the rows that have one.
 */
export const compositeUcumIdentifierSchema = `
ALTER TABLE idx_token ADD COLUMN tuple integer;
ALTER TABLE idx_string ADD COLUMN tuple integer;
ALTER TABLE idx_reference ADD COLUMN tuple integer;
ALTER TABLE idx_uri ADD COLUMN tuple integer;
ALTER TABLE idx_date ADD COLUMN tuple integer;
ALTER TABLE idx_number ADD COLUMN tuple integer;
ALTER TABLE idx_quantity ADD COLUMN tuple integer;

ALTER TABLE idx_quantity ADD COLUMN canonical_unit text;
ALTER TABLE idx_quantity ADD COLUMN canonical_low numeric;
ALTER TABLE idx_quantity ADD COLUMN canonical_high numeric;
DROP INDEX idx_quantity_lookup;
CREATE INDEX idx_quantity_compare ON idx_quantity
  (resource_type, param, (COALESCE(canonical_unit, code)), (COALESCE(canonical_low, low)));

ALTER TABLE idx_token ADD COLUMN type_system text;
ALTER TABLE idx_token ADD COLUMN type_code text;

ALTER TABLE idx_reference ADD COLUMN identifier_system text;
ALTER TABLE idx_reference ADD COLUMN identifier_value text;
CREATE INDEX idx_reference_identifier ON idx_reference (resource_type, param, identifier_value)
  WHERE identifier_value IS NOT NULL;
`;
