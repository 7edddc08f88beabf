import type { IndexedParameter } from '../../../../../src/store/repository';
import { createRegistries } from '../../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../../src/store/postgres';
import { unionAliases } from '../../../../../src/store/postgres/indexing/stored-as';

const token = (code: string, expression: string): IndexedParameter => ({ resourceType: 'Observation', code, type: 'token', expression });

describe('unionAliases', () => {
  it('when a parameter is exactly the union of others, then it is answered by their rows', () => {
    const aliases = unionAliases([
      token('code', 'Observation.code'),
      token('component-code', 'Observation.component.code'),
      token('combo-code', 'Observation.code | Observation.component.code'),
    ]);
    expect([...aliases]).toEqual([['Observation.combo-code', ['code', 'component-code']]]);
  });

  it('when the other parameters cover only part of it, or are of another type, then it keeps its own rows', () => {
    expect(unionAliases([token('code', 'Observation.code'), token('combo', 'Observation.code | Observation.method')]).size).toBe(0);
    const quantity: IndexedParameter = { resourceType: 'Observation', code: 'component-code', type: 'quantity', expression: 'Observation.component.code' };
    expect(unionAliases([token('code', 'Observation.code'), quantity, token('combo', 'Observation.code | Observation.component.code')]).size).toBe(0);
  });

  it('when applied to the R4 parameters, then only the four Observation combo parameters are aliased', () => {
    const aliases = unionAliases(createRegistries(SEARCHABLE_TYPES).searchParameters.indexed());
    expect([...aliases.keys()].sort()).toEqual([
      'Observation.combo-code',
      'Observation.combo-data-absent-reason',
      'Observation.combo-value-concept',
      'Observation.combo-value-quantity',
    ]);
  });
});
