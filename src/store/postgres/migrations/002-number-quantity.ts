/** Index tables for number and quantity search parameters; low/high NULL means an open end. */
export const numberQuantitySchema = `
CREATE TABLE idx_number (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  low numeric,
  high numeric
);
CREATE INDEX idx_number_lookup ON idx_number (resource_type, param, low, high);
CREATE INDEX idx_number_rid ON idx_number (rid);

CREATE TABLE idx_quantity (
  rid bigint NOT NULL,
  resource_type text NOT NULL,
  param text NOT NULL,
  system text,
  code text,
  unit text,
  low numeric,
  high numeric
);
CREATE INDEX idx_quantity_lookup ON idx_quantity (resource_type, param, code, low);
CREATE INDEX idx_quantity_rid ON idx_quantity (rid);
`;
