import type { FhirRegistries } from '../fhir/conformance/registries';
import { trialProfileRule } from './rules/trial-profiles';

/** The clinical-trial domain's single entry point: everything it adds goes into the registries. */
export function registerTrial(registries: FhirRegistries): void {
  registries.profileRules.register(trialProfileRule(registries));
}
