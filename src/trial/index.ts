import type { Resource } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../fhir/conformance/registries';
import type { ResolvedSupplement } from './ctgov/supplement-files';
import { blindingLabelRule } from './blinding/blinding-label';
import { blindingMask } from './blinding/blinding-mask';
import { enrollmentGroupMembers } from './export/enrollment-group';
import { eligibilityRoute } from './operations/eligibility';
import { allocationLogRoute } from './operations/allocation-log';
import { importCtgovRoute } from './operations/import-ctgov';
import { randomizeRoute } from './operations/randomize';
import { efficacySummaryRoute } from './operations/efficacy-summary';
import { participantFlowRoute } from './operations/participant-flow';
import { safetySummaryRoute } from './operations/safety-summary';
import { ehrResultGateRule, participantPanel } from './rules/ehr-result-gate';
import { enrollmentLifecycleRule } from './rules/enrollment-lifecycle';
import { infusionChecksRule } from './rules/infusion-checks';
import { trialProfileRule } from './rules/trial-profiles';
import { trsaeFlagRule } from './rules/trsae-flag';

export interface TrialOptions {
  /** Facts about known trials beyond their registry records (bundles/supplements), by NCT number. */
  supplements: ReadonlyMap<string, ResolvedSupplement>;
  /** Whether a resource was sent by an outside system (an EHR's stamp in meta.source): its results pass the intake gate. */
  isFromOutside: (resource: Resource) => boolean;
}

/** The clinical-trial domain's single entry point: everything it adds goes into the registries. */
export function registerTrial(registries: FhirRegistries, options: TrialOptions): void {
  registries.profileRules.register(trialProfileRule(registries));
  registries.operations.register(importCtgovRoute(options.supplements));
  registries.businessRules.register(enrollmentLifecycleRule(registries));
  registries.businessRules.register(trsaeFlagRule);
  registries.businessRules.register(blindingLabelRule);
  registries.readMasks.register(blindingMask);
  registries.businessRules.register(infusionChecksRule(registries));
  registries.businessRules.register(ehrResultGateRule(registries, options.isFromOutside));
  registries.intake.setResultPanel(participantPanel(registries));
  registries.operations.register(eligibilityRoute);
  registries.operations.register(randomizeRoute(registries));
  registries.operations.register(allocationLogRoute);
  registries.operations.register(safetySummaryRoute(registries));
  registries.operations.register(participantFlowRoute(registries));
  registries.operations.register(efficacySummaryRoute(registries));
  registries.groups.register(enrollmentGroupMembers(registries));
}
