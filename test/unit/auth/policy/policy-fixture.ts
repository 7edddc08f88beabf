import type { AccessControl, Requester } from '../../../../src/fhir/access';
import { createRegistries, type FhirRegistries } from '../../../../src/fhir/conformance/registries';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { createAccessControl } from '../../../../src/auth/policy';
import type { OperationRule } from '../../../../src/auth/policy';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { SearchQuery } from '../../../../src/store/repository';

/** Registries shared by the policy tests (the policy only reads them; masks get fresh ones). */
export const registries: FhirRegistries = createRegistries(SEARCHABLE_TYPES);

export const EVERYTHING = 'system/*.cruds';

export function requester(role: string, scope = EVERYTHING, clientId = `${role}-client`): Requester {
  return { clientId, role, scope };
}

export function control(
  role: string,
  scope = EVERYTHING,
  options: { clientId?: string; registries?: FhirRegistries; operations?: Record<string, OperationRule> } = {},
): AccessControl {
  return createAccessControl(requester(role, scope, options.clientId), {
    registries: options.registries ?? registries,
    operations: options.operations,
  });
}

/** The 403 message `run` throws, or undefined when it does not throw. */
export function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    expect(error.category).toBe('forbidden');
    return error.message;
  }
}

export function searchOf(resourceType: string, extra: Partial<SearchQuery> = {}): SearchQuery {
  return { resourceType, filters: [], sort: [], count: 20, offset: 0, total: 'none', ...extra };
}
