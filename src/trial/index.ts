import type { FhirRegistries } from '../fhir/conformance/registries';
import type { ResolvedSupplement } from './ctgov/supplement-files';
import { eligibilityRoute } from './operations/eligibility';
import { importCtgovRoute } from './operations/import-ctgov';
import { trialProfileRule } from './rules/trial-profiles';

export interface TrialOptions {
  /** Facts about known trials beyond their registry records (bundles/supplements), by NCT number. */
  supplements: ReadonlyMap<string, ResolvedSupplement>;
}

/** The clinical-trial domain's single entry point: everything it adds goes into the registries. */
export function registerTrial(registries: FhirRegistries, options: TrialOptions): void {
  registries.profileRules.register(trialProfileRule(registries));
  registries.operations.register(importCtgovRoute(options.supplements));
  registries.operations.register(eligibilityRoute);
}
