import type { FhirRegistries } from '../fhir/conformance/registries';
import { IMPORT_CTGOV_ROUTE } from './operations/import-ctgov';
import { trialProfileRule } from './rules/trial-profiles';

/** The clinical-trial domain's single entry point: everything it adds goes into the registries. */
export function registerTrial(registries: FhirRegistries): void {
  registries.profileRules.register(trialProfileRule(registries));
  registries.operations.register(IMPORT_CTGOV_ROUTE);
}
