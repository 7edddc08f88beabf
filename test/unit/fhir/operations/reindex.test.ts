import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OperationDefinition } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { REINDEX_INPUTS, REINDEX_OPERATION } from '../../../../src/fhir/operations/reindex';

describe('the $reindex OperationDefinition in profiles/operations', () => {
  const definition = JSON.parse(readFileSync(path.join(DEFAULT_PROFILES_DIR, 'operations', 'reindex.json'), 'utf8')) as OperationDefinition;

  it('when compared with the handler, then its canonical URL, code and input parameters are the ones served', () => {
    expect(definition.url).toBe(REINDEX_OPERATION.definition);
    expect(definition.code).toBe(REINDEX_OPERATION.name);
    expect(definition.parameter?.filter((p) => p.use === 'in').map((p) => p.name)).toEqual([...REINDEX_INPUTS]);
  });
});
