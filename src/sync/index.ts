import type { FhirRegistries } from '../fhir/conformance/registries';
import { ehrIntake } from './intake/ehr-intake';
import type { IntakeMetrics } from './metrics';
import { syncStatusRoute } from './pull/sync-status';

/** The EHR integration's entry point into the registries: how outside systems' requests are taken in. */
export function registerSync(registries: FhirRegistries, metrics: IntakeMetrics): void {
  registries.intake.register(ehrIntake(registries, metrics));
  registries.operations.register(syncStatusRoute(registries, metrics));
}
