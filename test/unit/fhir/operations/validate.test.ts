import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OperationDefinition } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { readValidateInput, VALIDATE_INPUTS, VALIDATE_OPERATION } from '../../../../src/fhir/operations/validate';
import type { FhirRequest } from '../../../../src/fhir/types';

const PATIENT = { resourceType: 'Patient', id: 'p1', gender: 'female' };
const PROFILE = 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-participant';

function post(body: unknown, query: [string, string][] = []): FhirRequest {
  return { method: 'POST', path: 'Patient/$validate', query, body };
}

function parameters(...parameter: unknown[]): unknown {
  return { resourceType: 'Parameters', parameter };
}

/** The 400 readValidateInput throws, or a failure when it throws none. */
function refusal(request: FhirRequest): OperationOutcomeError {
  try {
    readValidateInput(request);
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('the $validate OperationDefinition in profiles/operations', () => {
  const definition = JSON.parse(readFileSync(path.join(DEFAULT_PROFILES_DIR, 'operations', 'validate.json'), 'utf8')) as OperationDefinition;

  it('when compared with the handler, then its canonical URL, code and input parameters are the ones served', () => {
    expect(definition.url).toBe(VALIDATE_OPERATION.definition);
    expect(definition.code).toBe(VALIDATE_OPERATION.name);
    expect(definition.parameter?.filter((p) => p.use === 'in').map((p) => p.name)).toEqual([...VALIDATE_INPUTS]);
  });

  it('when read, then it derives from R4 Resource-validate, at type and instance level only, and changes nothing', () => {
    expect(definition.base).toBe('http://hl7.org/fhir/OperationDefinition/Resource-validate');
    expect([definition.system, definition.type, definition.instance, definition.affectsState]).toEqual([false, true, true, false]);
  });
});

describe('$validate input parsing', () => {
  it('when the body is a resource, then it is the resource, with no mode or profile', () => {
    expect(readValidateInput(post(PATIENT))).toEqual({ resource: PATIENT, mode: undefined, profile: undefined });
  });

  it('when mode and profile come in the query string, then they are read from there', () => {
    expect(readValidateInput(post(PATIENT, [['mode', 'create'], ['profile', PROFILE], ['_pretty', 'true']]))).toEqual({ resource: PATIENT, mode: 'create', profile: PROFILE });
  });

  it('when the body is a Parameters, then resource, mode (valueCode) and profile (valueCanonical or valueUri) come from it', () => {
    const body = parameters({ name: 'resource', resource: PATIENT }, { name: 'mode', valueCode: 'update' }, { name: 'profile', valueUri: PROFILE });
    expect(readValidateInput(post(body))).toEqual({ resource: PATIENT, mode: 'update', profile: PROFILE });
    const canonical = parameters({ name: 'resource', resource: PATIENT }, { name: 'profile', valueCanonical: PROFILE });
    expect(readValidateInput(post(canonical)).profile).toBe(PROFILE);
  });

  it('when a Parameters is itself to be validated, then it is the resource parameter of a Parameters body', () => {
    const inner = parameters({ name: 'x', valueString: 'y' });
    expect(readValidateInput({ ...post(parameters({ name: 'resource', resource: inner })), path: 'Parameters/$validate' }).resource).toEqual(inner);
  });

  it('when there is no body (mode=delete), then there is no resource', () => {
    expect(readValidateInput({ method: 'GET', path: 'Patient/p1/$validate', query: [['mode', 'delete']] })).toEqual({ resource: undefined, mode: 'delete', profile: undefined });
  });

  it('when the same mode is in the URL and the body, then it counts once; two different ones are a 400', () => {
    expect(readValidateInput(post(parameters({ name: 'resource', resource: PATIENT }, { name: 'mode', valueCode: 'create' }), [['mode', 'create']])).mode).toBe('create');
    const twice = refusal(post(parameters({ name: 'resource', resource: PATIENT }, { name: 'mode', valueCode: 'update' }), [['mode', 'create']]));
    expect(twice.outcome.issue?.[0].diagnostics).toMatch(/one mode/);
  });

  it('when two profiles are given, then it is a 400 (R4 takes one)', () => {
    expect(refusal(post(PATIENT, [['profile', PROFILE], ['profile', `${PROFILE}-2`]])).category).toBe('invalid');
  });

  it('when the mode is not create, update or delete, then it is a 400 naming it', () => {
    const error = refusal(post(PATIENT, [['mode', 'bogus']]));
    expect(error.category).toBe('invalid');
    expect(error.outcome.issue?.[0].diagnostics).toMatch(/Unknown mode "bogus"/);
  });

  it('when the body is not a JSON object, then it is a 400 structure error', () => {
    for (const body of [[PATIENT], 'Patient', 42, null]) {
      const error = refusal(post(body));
      expect([error.category, error.outcome.issue?.[0].code]).toEqual(['invalid', 'structure']);
    }
  });

  it('when a Parameters body has an unknown parameter, a nameless one, or two resources, then it is a 400', () => {
    expect(refusal(post(parameters({ name: 'resource', resource: PATIENT }, { name: 'usageContext', valueString: 'x' }))).outcome.issue?.[0].expression).toEqual([
      'Parameters.parameter[1].name',
    ]);
    expect(refusal(post(parameters({ valueString: 'x' }))).outcome.issue?.[0].expression).toEqual(['Parameters.parameter[0]']);
    expect(refusal(post(parameters({ name: 'resource', resource: PATIENT }, { name: 'resource', resource: PATIENT }))).category).toBe('invalid');
    expect(refusal(post(parameters({ name: 'resource', valueString: 'Patient' }))).category).toBe('invalid');
    expect(refusal(post(parameters({ name: 'mode', valueInteger: 1 }))).category).toBe('invalid');
    expect(refusal(post({ resourceType: 'Parameters', parameter: {} })).category).toBe('invalid');
  });

  it('when the query string has another parameter, then it is a 400; the resource never comes from the URL', () => {
    expect(refusal(post(PATIENT, [['resource', 'Patient/1']])).outcome.issue?.[0].diagnostics).toMatch(/no query parameter "resource"/);
  });

  it('when the profile is empty or not a URL, then it is a 400', () => {
    expect(refusal(post(PATIENT, [['profile', '']])).category).toBe('invalid');
    expect(refusal(post(PATIENT, [['profile', 'not a url']])).category).toBe('invalid');
  });
});
