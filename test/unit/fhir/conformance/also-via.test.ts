import type { SearchParameter } from '@medplum/fhirtypes';
import { ALSO_VIA_URL, alsoViaProblems } from '../../../../src/fhir/conformance/also-via';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';

const registries = createRegistries(SEARCHABLE_TYPES);

function nick(...chains: string[]): SearchParameter {
  return {
    resourceType: 'SearchParameter', url: 'https://example.org/sp/nick', name: 'Nick', status: 'active', description: 'd',
    code: 'nick', base: ['Observation'], type: 'string', expression: 'Observation.note.text',
    extension: chains.map((valueString) => ({ url: ALSO_VIA_URL, valueString })),
  };
}

describe('checking also-via extensions', () => {
  it('when each chain can be followed from the base to a parameter of the same type, then there is no problem', () => {
    expect(alsoViaProblems(nick('subject:Patient.name', 'subject.name', '_has:Observation:has-member:subject:Patient.name'), ['Observation'], registries)).toEqual([]);
  });

  it('when the last parameter of a chain carries a modifier, then it is refused: the search adds its own', () => {
    expect(alsoViaProblems(nick('subject:Patient.name:exact'), ['Observation'], registries)).toEqual([
      'also-via "subject:Patient.name:exact" cannot be followed: from Observation, its last parameter "name:exact" takes no modifier (a search\'s modifier is added to it)',
    ]);
  });

  it('when a chain ends at the definition itself on another resource, then it is accepted before the definition is registered', () => {
    expect(alsoViaProblems(nick('has-member:Observation.nick'), ['Observation'], registries)).toEqual([]);
  });

  it('when a chain ends at a parameter of another type, then the problem names both types', () => {
    expect(alsoViaProblems(nick('subject:Patient.gender'), ['Observation'], registries)).toEqual([
      'also-via "subject:Patient.gender" cannot be followed: from Observation, it ends at Patient "gender", a token parameter, not a string one like "nick"',
    ]);
  });

  it('when no registry is given (stored definitions read again), then only the form of each chain is checked', () => {
    expect(alsoViaProblems(nick('subject:Patient.nonsense'), ['Observation'])).toEqual([]);
    expect(alsoViaProblems(nick('name'), ['Observation'])).toEqual(['also-via "name" is not a chain ("reference.parameter" or "_has:...")']);
    expect(alsoViaProblems({ ...nick(), extension: [{ url: ALSO_VIA_URL, valueString: ' ' }] }, ['Observation'])).toHaveLength(1);
  });

  it('when the definition has no also-via extension, then there is nothing to check', () => {
    expect(alsoViaProblems({ ...nick(), extension: [{ url: 'https://example.org/other', valueString: 'x' }] }, ['Observation'], registries)).toEqual([]);
  });
});
