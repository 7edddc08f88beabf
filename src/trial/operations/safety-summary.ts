import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { Route } from '../../fhir/types';
import { summaryReport } from '../measures/measure-report';
import { safetyFigures } from '../measures/safety-figures';
import { readEvents, readInfusions } from '../measures/study-records';
import { summaryRoute } from './study-summary';

export const SAFETY_MEASURE = 'https://stroma-fhir.org/fhir/Measure/safety-summary';
export const SAFETY_MEASURE_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/safety-measure';

/**
 * GET [base]/ResearchStudy/{id}/$safety-summary[?as-of=YYYY-MM-DD]: the safety endpoints of the
 * protocols (issue 8 point 1) as a MeasureReport of the Measure `safety-summary`.
 */
export function safetySummaryRoute(registries: FhirRegistries): Route {
  return summaryRoute(registries, {
    name: 'safety-summary',
    reads: ['ResearchSubject', 'MedicationAdministration', 'AdverseEvent'],
    async build({ studyId, subjects, rows, arms, asOf }) {
      const [infusions, events] = await Promise.all([readInfusions(rows, studyId), readEvents(rows, studyId)]);
      const groups = safetyFigures({ subjects, infusions, events, asOf, arms });
      const start = infusions.map((i) => i.given?.slice(0, 10) ?? '').filter((d) => d && d <= asOf).sort()[0];
      return summaryReport({ measure: SAFETY_MEASURE, studyId, period: { ...(start ? { start } : {}), end: asOf }, system: SAFETY_MEASURE_SYSTEM }, groups);
    },
  });
}
