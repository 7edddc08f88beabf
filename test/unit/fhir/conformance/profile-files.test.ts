import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SearchParameter } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { ProfileFileError, readProfileSearchParameters, readProfileStructureDefinitions } from '../../../../src/fhir/conformance/profile-files';
import { createRegistries, createSearchParameterDefinitions } from '../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';

describe('the SearchParameters of profiles/', () => {
  const shipped = readProfileSearchParameters(DEFAULT_PROFILES_DIR);

  it('when the shipped files are read, then each is an active definition whose canonical URL ends with its id', () => {
    expect(shipped.map((sp) => sp.code).sort()).toEqual(['actual-arm', 'assigned-arm', 'dose', 'grade', 'related-suspect', 'relatedness', 'study', 'study', 'study', 'trsae']);
    for (const sp of shipped) {
      expect(sp.url).toBe(`https://stroma-fhir.org/fhir/SearchParameter/${sp.id}`);
      expect(sp.status).toBe('active');
    }
  });

  it('when the shipped StructureDefinitions are read, then each has the snapshot SUSHI generated', () => {
    const definitions = readProfileStructureDefinitions(DEFAULT_PROFILES_DIR);
    expect(definitions.map((sd) => sd.url)).toContain('https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg');
    for (const sd of definitions) {
      expect(sd.snapshot?.element.length).toBeGreaterThan(0);
    }
  });

  it('when the shipped files are loaded, then they pass the checks a POSTed SearchParameter must pass', () => {
    expect(() => createSearchParameterDefinitions(createRegistries(SEARCHABLE_TYPES), SEARCHABLE_TYPES, shipped)).not.toThrow();
  });

  describe('in a directory of our own', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'stroma-profiles-'));
      mkdirSync(path.join(dir, 'search-parameters'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, content: unknown) =>
      writeFileSync(path.join(dir, 'search-parameters', file), typeof content === 'string' ? content : JSON.stringify(content));

    it('when there is no search-parameters folder, then there are none', () => {
      expect(readProfileSearchParameters(path.join(dir, 'nowhere'))).toEqual([]);
    });

    it('when a file is not JSON or not a SearchParameter, then the start fails naming the file', () => {
      write('broken.json', '{ "resourceType": ');
      expect(() => readProfileSearchParameters(dir)).toThrow(/broken\.json is not readable JSON/);
      rmSync(path.join(dir, 'search-parameters', 'broken.json'));
      write('patient.json', { resourceType: 'Patient' });
      expect(() => readProfileSearchParameters(dir)).toThrow(ProfileFileError);
    });

    it('when a definition is invalid or takes an R4 code, then loading it fails naming it', () => {
      const bad: SearchParameter = {
        resourceType: 'SearchParameter', url: 'https://example.org/sp/name', name: 'Name', status: 'active', description: 'd',
        code: 'name', base: ['Patient'], type: 'string', expression: 'Patient.name',
      };
      expect(() => createSearchParameterDefinitions(createRegistries(SEARCHABLE_TYPES), SEARCHABLE_TYPES, [bad])).toThrow(
        /https:\/\/example.org\/sp\/name: Patient already has a search parameter "name"/,
      );
    });

    const definition = (code: string, base: string, expression: string, alsoVia?: string): SearchParameter => ({
      resourceType: 'SearchParameter', url: `https://example.org/sp/${base}-${code}`, name: code, status: 'active', description: 'd',
      code, base: [base] as SearchParameter['base'], type: 'string', expression,
      extension: alsoVia ? [{ url: 'https://stroma-fhir.org/fhir/StructureDefinition/search-parameter-also-via', valueString: alsoVia }] : undefined,
    });

    it('when an also-via chain passes through a parameter of a later file, then the definitions load', () => {
      const observationNick = definition('nick', 'Observation', 'Observation.note.text', 'subject:Patient.nick');
      const patientNick = definition('nick', 'Patient', 'Patient.name.given');
      expect(() => createSearchParameterDefinitions(createRegistries(SEARCHABLE_TYPES), SEARCHABLE_TYPES, [observationNick, patientNick])).not.toThrow();
    });

    it('when an also-via chain cannot be followed, then loading fails naming the definition and the chain', () => {
      const broken = definition('nick', 'Observation', 'Observation.note.text', 'subject:Patient.nick');
      expect(() => createSearchParameterDefinitions(createRegistries(SEARCHABLE_TYPES), SEARCHABLE_TYPES, [broken])).toThrow(
        /Observation-nick: also-via "subject:Patient.nick" cannot be followed: from Observation, Unknown search parameter "nick" for Patient/,
      );
    });
  });
});
