import type { Resource } from '@medplum/fhirtypes';
import { createValidator, type ResourceValidator, type ValidationIssue } from '../../../../src/fhir/validation';

let shared: ResourceValidator | undefined;

/** One validator over base R4 for a test file: loading R4 takes a moment, validating does not. */
export function baseValidator(): ResourceValidator {
  shared ??= createValidator();
  return shared;
}

/** The error and fatal issues, as `location: diagnostics` lines that name what failed. */
export function errorsOf(resource: unknown, validator: ResourceValidator = baseValidator(), profiles?: string[]): string[] {
  return issuesOf(resource, validator, profiles)
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression[0]}: ${i.diagnostics}`);
}

export function issuesOf(resource: unknown, validator: ResourceValidator = baseValidator(), profiles?: string[]): ValidationIssue[] {
  return validator.validate(resource, { profiles });
}

/** A valid Observation to break one rule at a time. */
export function observation(overrides: Record<string, unknown> = {}): Resource {
  return {
    resourceType: 'Observation',
    id: 'obs-1',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Hemoglobin</div>' },
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '718-7' }], text: 'Hemoglobin' },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2024-03-01T10:00:00Z',
    valueQuantity: { value: 13.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
    ...overrides,
  } as Resource;
}

/** A copy without the named properties (JSON has no `undefined`). */
export function without<T extends object>(resource: T, ...keys: string[]): T {
  const copy = { ...resource } as Record<string, unknown>;
  keys.forEach((k) => delete copy[k]);
  return copy as T;
}
