import { createRegistries } from '../../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../../src/store/postgres';
import { normalizePath, planComposites } from '../../../../../src/store/postgres/indexing/composite-plan';
import { unionAliases } from '../../../../../src/store/postgres/indexing/stored-as';
import { parameterKey } from '../../../../../src/store/repository';
import type { IndexedParameter } from '../../../../../src/store/repository';

describe('normalizePath', () => {
  it('when the same path is spelled with as, as() or ofType() and any type case, then the spellings are equal', () => {
    const spellings = ['(Observation.value as dateTime)', 'Observation.value.as(DateTime)', 'Observation.value.ofType(dateTime)', ' ( Observation.value  as  dateTime ) '];
    expect(new Set(spellings.map(normalizePath))).toEqual(new Set(['Observation.value.as(datetime)']));
  });

  it('when parentheses do not wrap the whole path, then they stay', () => {
    expect(normalizePath('(Observation.value as CodeableConcept).text')).toBe('Observation.value.as(codeableconcept).text');
    expect(normalizePath('(a) | (b)')).toBe('(a)|(b)');
  });
});

describe('planComposites', () => {
  const params = createRegistries(SEARCHABLE_TYPES).searchParameters.indexed();
  const aliases = unionAliases(params);
  const stored = params.filter((p) => p.type !== 'composite' && !aliases.has(parameterKey(p.resourceType, p.code)));
  const plan = planComposites(params, stored);
  const branchesOf = (key: string) => plan.branches.get(key)?.map((b) => ({ tupled: b.tupled, parts: b.parts.map((p) => p.code) }));

  it('when an R4 Observation composite has components equal to other parameters, then it is answered from their rows', () => {
    expect(branchesOf('Observation.code-value-quantity')).toEqual([{ tupled: false, parts: ['code', 'value-quantity'] }]);
    expect(branchesOf('Observation.component-code-value-quantity')).toEqual([{ tupled: true, parts: ['component-code', 'component-value-quantity'] }]);
    expect(branchesOf('Observation.combo-code-value-quantity')).toEqual([
      { tupled: false, parts: ['code', 'value-quantity'] },
      { tupled: true, parts: ['component-code', 'component-value-quantity'] },
    ]);
  });

  it('when a component is narrower than every parameter, then only that component gets rows of its own', () => {
    // value-string also indexes CodeableConcept.text; the component is value.as(string) only
    expect(branchesOf('Observation.code-value-string')).toEqual([{ tupled: false, parts: ['code', 'code-value-string$2'] }]);
    const own = plan.elementwise.filter((e) => e.resourceType === 'Observation' && e.code.includes('$'));
    expect(own).toEqual([{ resourceType: 'Observation', code: 'code-value-string$2', type: 'string', expression: 'value.as(string)' }]);
  });

  it('when Observation is planned, then the parameters extracted per component are the component ones only', () => {
    const observation = plan.elementwise.filter((e) => e.resourceType === 'Observation' && e.element).map((e) => e.code);
    expect(observation.sort()).toEqual(['component-code', 'component-value-concept', 'component-value-quantity']);
  });

  it('when two composites would tag one parameter with different elements, then the second gets rows of its own', () => {
    const token = (code: string, expression: string): IndexedParameter => ({ resourceType: 'Basic', code, type: 'token', expression });
    const a = token('a', 'Basic.x.code');
    const composite = (code: string, expression: string, component: string): IndexedParameter => ({
      ...token(code, expression),
      type: 'composite',
      components: [{ param: a, expression: component }, { param: a, expression: component }],
    });
    const own = planComposites([composite('by-x', 'Basic.x', 'code'), composite('by-root', 'Basic', 'x.code')], [a]);
    expect(own.branches.get('Basic.by-x')?.[0].parts.map((p) => p.code)).toEqual(['a', 'a']);
    expect(own.branches.get('Basic.by-root')?.[0].parts.map((p) => p.code)).toEqual(['by-root$1', 'by-root$2']);
  });
});
