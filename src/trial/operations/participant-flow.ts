import type { ResearchSubject } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { searchAll } from '../../fhir/conformance/search-all';
import { parseSearch } from '../../fhir/search/parse-search';
import type { Route } from '../../fhir/types';
import { flowFigures } from '../measures/flow-figures';
import { summaryReport } from '../measures/measure-report';
import { readInfusions } from '../measures/study-records';
import { WITHDRAWAL_REASON_URL } from '../rules/enrollment-lifecycle';
import { summaryRoute } from './study-summary';

export const FLOW_MEASURE = 'https://stroma-fhir.org/fhir/Measure/participant-flow';
export const FLOW_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/participant-flow';

/** The reason a subject gave: its code (with the display when there is one), else its text. */
function reasonOf(subject: ResearchSubject): string {
  const reason = subject.extension?.find((e) => e.url === WITHDRAWAL_REASON_URL)?.valueCodeableConcept;
  const coding = reason?.coding?.find((c) => c.code);
  if (coding) return coding.display ? `${coding.code} ${coding.display}` : (coding.code as string);
  return reason?.text ?? 'not stated';
}

/**
 * GET [base]/ResearchStudy/{id}/$participant-flow[?as-of=YYYY-MM-DD]: how the participants moved through
 * the study (issue 8 point 3). Statuses are the subjects' current ones; as-of limits the infusions. Only
 * the withdrawn subjects are read whole, for their reasons (R4 has no element for one, so no index).
 */
export function participantFlowRoute(registries: FhirRegistries): Route {
  return summaryRoute(registries, {
    name: 'participant-flow',
    reads: ['ResearchSubject', 'MedicationAdministration'],
    async build({ studyId, subjects, rows, server, arms, asOf }) {
      const query = parseSearch('ResearchSubject', [['study', `ResearchStudy/${studyId}`], ['status', 'withdrawn']], registries, true).query;
      const [infusions, withdrawn] = await Promise.all([readInfusions(rows, studyId), searchAll<ResearchSubject>(server, query)]);
      const withdrawalReasons = new Map(withdrawn.map((s) => [s.id as string, reasonOf(s)]));
      const groups = flowFigures({ subjects, infusions, withdrawalReasons, asOf, arms });
      return summaryReport({ measure: FLOW_MEASURE, studyId, period: { end: asOf }, system: FLOW_SYSTEM }, groups);
    },
  });
}
