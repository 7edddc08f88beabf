import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createValidator } from '../../src/fhir/validation';

/** Issue 4, point 6a: the official R4 examples (../shared/conformance/r4-examples) are valid R4. */
const EXAMPLES_DIR = path.resolve(__dirname, '../../../shared/conformance/r4-examples');
const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json'));

describe('official R4 examples against base R4', () => {
  const validator = createValidator();

  it('finds the example files', () => {
    expect(files.length).toBeGreaterThanOrEqual(39);
  });

  it.each(files)('%s validates with zero errors', (file) => {
    const resource = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
    const errors = validator.validate(resource).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    expect(errors).toEqual([]);
  });
});
