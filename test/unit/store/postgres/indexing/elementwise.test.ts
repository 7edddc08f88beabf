import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../../src/store/postgres';
import { buildIndexing } from '../../../../../src/store/postgres/indexing/build-indexing';
import { planComposites } from '../../../../../src/store/postgres/indexing/composite-plan';
import { withTypeFilters } from '../../../../../src/store/postgres/indexing/elementwise';
import { Indexer } from '../../../../../src/store/postgres/indexing/indexer';
import { unionAliases } from '../../../../../src/store/postgres/indexing/stored-as';
import { parameterKey } from '../../../../../src/store/repository';

// HL7's official R4 examples, which no one here wrote (../shared/conformance, beside the repository).
const EXAMPLES = path.resolve(__dirname, '../../../../../../shared/conformance/r4-examples');

describe('withTypeFilters', () => {
  it('when a component filters by type with as(), then it becomes ofType() with the FHIR type name', () => {
    expect(withTypeFilters('value.as(Quantity) | value.as(Range)')).toBe('value.ofType(Quantity) | value.ofType(Range)');
    expect(withTypeFilters('value.as(DateTime) | value.as(string)')).toBe('value.ofType(dateTime) | value.ofType(string)');
    expect(withTypeFilters('code')).toBe('code');
  });
});

describe('element-wise extraction', () => {
  const params = createRegistries(SEARCHABLE_TYPES).searchParameters.indexed();
  const aliases = unionAliases(params);
  const stored = params.filter((p) => p.type !== 'composite' && !aliases.has(parameterKey(p.resourceType, p.code)));
  // the stored parameters extracted per element (not the composites' own `<code>$<n>` rows)
  const storedKeys = new Set(stored.map((p) => parameterKey(p.resourceType, p.code)));
  const tagged = new Set(planComposites(params, stored).elementwise.map((e) => parameterKey(e.resourceType, e.code)).filter((k) => storedKeys.has(k)));
  const { indexer, ctx } = buildIndexing(params, 'http://example.org/fhir');
  const plain = new Indexer(stored, ctx);
  const rowsOf = (rows: Map<unknown, unknown[][]>, type: string, dropTuple: boolean) =>
    [...rows.values()]
      .flat()
      .filter((row) => tagged.has(parameterKey(type, row[0] as string)))
      .map((row) => JSON.stringify(dropTuple ? row.slice(0, -1) : row))
      .sort();

  it('when the official R4 examples are indexed, then parameters extracted per element give the rows their own expressions give', () => {
    const examples: Resource[] = readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as Resource);
    let compared = 0;
    for (const resource of examples) {
      const byElement = rowsOf(indexer.rowsFor(resource), resource.resourceType, true);
      expect([resource.id, byElement]).toEqual([resource.id, rowsOf(plain.rowsFor(resource), resource.resourceType, false)]);
      compared += byElement.length;
    }
    expect(compared).toBeGreaterThan(10);
  });
});
