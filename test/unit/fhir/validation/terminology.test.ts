import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { Terminology } from '../../../../src/fhir/validation/terminology';

const SYSTEM = 'https://example.org/cs';

const codeSystem: CodeSystem = {
  resourceType: 'CodeSystem',
  url: SYSTEM,
  status: 'active',
  content: 'complete',
  concept: [{ code: 'a', concept: [{ code: 'a1' }, { code: 'a2', concept: [{ code: 'a2x' }] }] }, { code: 'b' }],
};

function valueSet(url: string, compose: ValueSet['compose']): ValueSet {
  return { resourceType: 'ValueSet', url, status: 'active', compose };
}

describe('offline value set expansion', () => {
  const terminology = new Terminology();
  terminology.add(codeSystem);
  terminology.add(valueSet('vs:all', { include: [{ system: SYSTEM }] }));
  terminology.add(valueSet('vs:listed', { include: [{ system: SYSTEM, concept: [{ code: 'b' }] }] }));
  terminology.add(valueSet('vs:is-a', { include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'is-a', value: 'a2' }] }] }));
  terminology.add(valueSet('vs:descendants', { include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'descendent-of', value: 'a' }] }] }));
  terminology.add(valueSet('vs:excluding', { include: [{ system: SYSTEM }], exclude: [{ system: SYSTEM, concept: [{ code: 'a' }] }] }));
  terminology.add(valueSet('vs:imported', { include: [{ valueSet: ['vs:listed'] }] }));
  terminology.add(valueSet('vs:external', { include: [{ system: 'http://loinc.org' }] }));
  terminology.add(valueSet('vs:regex', { include: [{ system: SYSTEM, filter: [{ property: 'code', op: 'regex', value: 'a.*' }] }] }));

  const codes = (url: string) => [...(terminology.expand(url)?.codes ?? [])].sort();

  it('takes every concept of a complete code system, nested ones included', () => {
    expect(codes('vs:all')).toEqual(['a', 'a1', 'a2', 'a2x', 'b']);
  });

  it('takes the listed concepts', () => {
    expect(codes('vs:listed')).toEqual(['b']);
  });

  it('applies is-a and descendent-of filters', () => {
    expect(codes('vs:is-a')).toEqual(['a2', 'a2x']);
    expect(codes('vs:descendants')).toEqual(['a1', 'a2', 'a2x']);
  });

  it('removes excluded concepts', () => {
    expect(codes('vs:excluding')).toEqual(['a1', 'a2', 'a2x', 'b']);
  });

  it('includes imported value sets', () => {
    expect(terminology.expand('vs:imported')?.systemCodes.has(`${SYSTEM}|b`)).toBe(true);
  });

  it('cannot expand a value set over a code system it does not hold, or with another filter', () => {
    expect(terminology.expand('vs:external')).toBeUndefined();
    expect(terminology.expand('vs:regex')).toBeUndefined();
  });

  it('expands R4 core value sets from their compose', () => {
    const r4 = new Terminology();
    r4.add({ resourceType: 'CodeSystem', url: 'http://hl7.org/fhir/observation-status', status: 'active', content: 'complete', concept: [{ code: 'final' }, { code: 'amended', concept: [{ code: 'corrected' }] }] });
    r4.add(valueSet('http://hl7.org/fhir/ValueSet/observation-status', { include: [{ system: 'http://hl7.org/fhir/observation-status' }] }));
    expect([...(r4.expand('http://hl7.org/fhir/ValueSet/observation-status')?.codes ?? [])]).toEqual(['final', 'amended', 'corrected']);
  });
});
