import type { SearchParameter } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { ALSO_VIA_URL, alsoViaChains } from '../../../../src/fhir/conformance/also-via';
import { readProfileSearchParameters } from '../../../../src/fhir/conformance/profile-files';
import { createRegistries, type FhirRegistries } from '../../../../src/fhir/conformance/registries';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { parseSystemSearch } from '../../../../src/fhir/search/system-search';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { AnyOfFilter, ChainedFilter, QueryFilter, ReverseChainedFilter, SearchFilter } from '../../../../src/store/repository';

const ENROLMENT = 'subject:Patient._has:ResearchSubject:individual:study';

/** Registries with the shipped profiles plus `extra` definitions, registered without validation. */
function registriesWith(...extra: SearchParameter[]): FhirRegistries {
  const registries = createRegistries(SEARCHABLE_TYPES);
  registries.searchParameters.useCustom([...readProfileSearchParameters(DEFAULT_PROFILES_DIR), ...extra]);
  return registries;
}

function tokenParameter(code: string, expression: string, chains: string[]): SearchParameter {
  return {
    resourceType: 'SearchParameter', url: `https://example.org/sp/${code}`, name: code, status: 'active', description: 'd',
    code, base: ['Observation'], type: 'token', expression, extension: chains.map((valueString) => ({ url: ALSO_VIA_URL, valueString })),
  };
}

const only = (registries: FhirRegistries, type: string, name: string, value: string): QueryFilter =>
  parseSearch(type, [[name, value]], registries, true).query.filters[0];

/** The plain filter at the end of the enrolment chain: Observation.subject -> Patient <- ResearchSubject.individual. */
function enrolmentEnd(filter: QueryFilter): SearchFilter {
  const chain = filter as ChainedFilter;
  expect(chain).toMatchObject({ kind: 'chain', reference: { resourceType: chain.reference.resourceType, code: 'subject' } });
  expect(chain.targets.map((t) => t.resourceType)).toEqual(['Patient']);
  const has = chain.targets[0].filter as ReverseChainedFilter;
  expect(has).toMatchObject({ kind: 'has', reference: { resourceType: 'ResearchSubject', code: 'individual' }, targetType: 'Patient' });
  return has.filter as SearchFilter;
}

describe('parameters that also match through a chain (the also-via extension)', () => {
  const registries = registriesWith(
    tokenParameter('kind', 'Observation.category', ['subject:Patient.gender']),
    tokenParameter('kind-of-kind', 'Observation.code', ['has-member:Observation.kind']),
    tokenParameter('broken', 'Observation.code', ['subject:Patient.nonsense']),
  );

  it('when the shipped study parameter is read, then Observation and MedicationAdministration name the enrolment chain, Encounter none', () => {
    const chainsOf = (type: string) => registries.searchParameters.alsoVia(registries.searchParameters.get(type, 'study')!);
    expect(chainsOf('Observation')).toEqual([ENROLMENT]);
    expect(chainsOf('MedicationAdministration')).toEqual([ENROLMENT]);
    expect(chainsOf('Encounter')).toEqual([]);
  });

  it('when study=X is parsed, then it is any of the own filter for X and the enrolment chain ending at ResearchSubject.study=X', () => {
    const filter = only(registries, 'Observation', 'study', 'ResearchStudy/X') as AnyOfFilter;
    expect(filter.kind).toBe('any');
    expect(filter.filters).toHaveLength(2);
    expect(filter.filters[0]).toMatchObject({ param: { resourceType: 'Observation', code: 'study' }, values: [{ value: 'ResearchStudy/X' }] });
    expect(enrolmentEnd(filter.filters[1])).toMatchObject({ param: { resourceType: 'ResearchSubject', code: 'study' }, values: [{ value: 'ResearchStudy/X' }] });
  });

  it('when a modifier other than :missing is sent, then it applies to the own filter and to the end of each chain', () => {
    const filter = only(registries, 'Observation', 'study:ResearchStudy', 'X') as AnyOfFilter;
    expect(filter.filters[0]).toMatchObject({ modifier: 'ResearchStudy' });
    expect(enrolmentEnd(filter.filters[1])).toMatchObject({ modifier: 'ResearchStudy', values: [{ value: 'X' }] });
    expect(enrolmentEnd((only(registries, 'Observation', 'study:identifier', 'sys|NCT1') as AnyOfFilter).filters[1]).modifier).toBe('identifier');
  });

  it('when :missing is sent, then only the parameter own element is tested', () => {
    expect(only(registries, 'Observation', 'study:missing', 'true')).toMatchObject({ param: { code: 'study' }, modifier: 'missing' });
  });

  it('when a parameter has no also-via chain, then it stays a plain filter', () => {
    expect('kind' in only(registries, 'Encounter', 'study', 'ResearchStudy/X')).toBe(false);
  });

  it('when :not is sent, then it is refused strictly and reported leniently, as no OR of the routes can express it', () => {
    expect(() => parseSearch('Observation', [['kind:not', 'vital-signs']], registries, true)).toThrow(OperationOutcomeError);
    const lenient = parseSearch('Observation', [['kind:not', 'vital-signs']], registries, false);
    expect(lenient.query.filters).toEqual([]);
    expect(lenient.ignored).toEqual(['Modifier ":not" is not supported on parameter "kind", which also matches through subject:Patient.gender']);
  });

  it('when the chain no longer resolves, then the parameter is refused strictly and reported leniently, naming the chain', () => {
    expect(() => parseSearch('Observation', [['broken', 'x']], registries, true)).toThrow(/also matches through "subject:Patient.nonsense"/);
    const lenient = parseSearch('Observation', [['broken', 'x'], ['code', 'y']], registries, false);
    expect(lenient.applied).toEqual([['code', 'y']]);
    expect(lenient.ignored[0]).toMatch(/Unknown search parameter "nonsense" for Patient/);
  });

  it('when a chain ends at a parameter that has chains of its own, then those are not followed: chains never compose', () => {
    const filter = only(registries, 'Observation', 'kind-of-kind', 'x') as AnyOfFilter;
    const end = (filter.filters[1] as ChainedFilter).targets[0].filter;
    expect(end).toMatchObject({ param: { resourceType: 'Observation', code: 'kind' }, values: [{ value: 'x' }] });
    expect('kind' in end).toBe(false);
  });

  it('when a chain ends at a parameter with chains, then the end is expanded there as anywhere else', () => {
    const has = only(registries, 'Patient', '_has:Observation:subject:study', 'X') as ReverseChainedFilter;
    expect(has.filter).toMatchObject({ kind: 'any' });
  });

  it('when the parameter is searched over several types, then one filter covers them and each type adds its own chains', () => {
    const { query } = parseSystemSearch([['_type', 'Observation,MedicationAdministration'], ['study', 'X']], registries, true);
    const filter = query.filters[0] as AnyOfFilter;
    expect(filter.filters[0]).toMatchObject({ resourceTypes: ['Observation', 'MedicationAdministration'] });
    expect(filter.filters.slice(1).map((f) => (f as ChainedFilter).reference.resourceType)).toEqual(['Observation', 'MedicationAdministration']);
  });

  it('when an also-via extension has no string value, then it names no chain', () => {
    const definition = tokenParameter('x', 'Observation.code', ['subject:Patient.gender', '  ']);
    definition.extension?.push({ url: ALSO_VIA_URL, valueCode: 'a' }, { url: 'https://example.org/other', valueString: 'subject:Patient.name' });
    expect(alsoViaChains(definition)).toEqual(['subject:Patient.gender']);
  });
});
