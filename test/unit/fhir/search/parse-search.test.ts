import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { parseSearch, splitValues } from '../../../../src/fhir/search/parse-search';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { SearchFilter } from '../../../../src/store/repository';

describe('splitValues', () => {
  it('when values are separated by commas, then they split, except where a comma is escaped', () => {
    expect(splitValues('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(splitValues('a\\,b,c')).toEqual(['a,b', 'c']);
    expect(splitValues('sys|code')).toEqual(['sys|code']);
  });
});

describe('parseSearch', () => {
  const registries = createRegistries(SEARCHABLE_TYPES);

  it('when parameters are repeated or comma-separated, then repeats are ANDed and values ORed', () => {
    const { query } = parseSearch('Observation', [['date', 'ge2024-01-01'], ['date', 'lt2025'], ['code', 'a,b']], registries, true);
    expect(query.filters).toHaveLength(3);
    const [date, , code] = query.filters as SearchFilter[];
    expect(date.values).toEqual([{ prefix: 'ge', value: '2024-01-01' }]);
    expect(code.values).toEqual([{ value: 'a' }, { value: 'b' }]);
  });

  it('when _count exceeds the maximum, then it is capped at 1000', () => {
    expect(parseSearch('Patient', [['_count', '5000']], registries, true).query.count).toBe(1000);
  });

  it('when a modifier does not fit the parameter type, then strict handling refuses it and lenient reports it', () => {
    expect(() => parseSearch('Patient', [['family:not', 'x']], registries, true)).toThrow(OperationOutcomeError);
    const lenient = parseSearch('Patient', [['family:not', 'x']], registries, false);
    expect(lenient.ignored).toEqual(['Modifier ":not" is not supported on parameter "family"']);
  });

  it('when a reference modifier names a type the parameter cannot target, then it is refused', () => {
    expect(() => parseSearch('Observation', [['subject:Patient', 'p1']], registries, true)).not.toThrow();
    expect(() => parseSearch('Observation', [['subject:Unicorn', 'p1']], registries, true)).toThrow(OperationOutcomeError);
  });

  it('when _sort names several keys, then each keeps its direction', () => {
    const { query } = parseSearch('Observation', [['_sort', '-date,_id']], registries, true);
    expect(query.sort.map((s) => [typeof s.param === 'string' ? s.param : s.param.code, s.descending])).toEqual([['date', true], ['_id', false]]);
  });

  it('when a composite value is parsed, then it splits on unescaped $ and each component takes the prefixes of its type', () => {
    const { query } = parseSearch('Observation', [['code-value-quantity', 'http://loinc.org|718-7$gt10|http://unitsofmeasure.org|g/dL,a\\$b$5']], registries, true);
    expect((query.filters[0] as SearchFilter).values).toEqual([
      { value: 'http://loinc.org|718-7$gt10|http://unitsofmeasure.org|g/dL', components: [{ value: 'http://loinc.org|718-7' }, { prefix: 'gt', value: '10|http://unitsofmeasure.org|g/dL' }] },
      { value: 'a$b$5', components: [{ value: 'a$b' }, { value: '5' }] },
    ]);
    // a token component takes no prefix: "ge" is part of the code
    expect((parseSearch('Observation', [['code-value-concept', 'ge1$ne2']], registries, true).query.filters[0] as SearchFilter).values[0].components).toEqual([{ value: 'ge1' }, { value: 'ne2' }]);
  });

  it('when a composite value does not have one value per component, then 400', () => {
    for (const value of ['718-7', '718-7$5$6', '718-7$', '$5']) {
      expect(() => parseSearch('Observation', [['code-value-quantity', value]], registries, false)).toThrow(OperationOutcomeError);
    }
  });

  it('when :of-type is used, then only identifier parameters accept it; :identifier only reference parameters', () => {
    expect(() => parseSearch('Patient', [['identifier:of-type', 'http://x|MR|1']], registries, true)).not.toThrow();
    expect(() => parseSearch('Observation', [['identifier:of-type', 'http://x|MR|1']], registries, true)).not.toThrow();
    expect(() => parseSearch('Patient', [['gender:of-type', 'http://x|MR|1']], registries, true)).toThrow(OperationOutcomeError);
    expect(() => parseSearch('Observation', [['code:of-type', 'http://x|MR|1']], registries, true)).toThrow(OperationOutcomeError);
    expect(() => parseSearch('Observation', [['subject:identifier', 'http://x|1']], registries, true)).not.toThrow();
    expect(() => parseSearch('Observation', [['code:identifier', 'http://x|1']], registries, true)).toThrow(OperationOutcomeError);
  });
});
