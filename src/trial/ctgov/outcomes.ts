import type { Extension, ResearchStudyObjective } from '@medplum/fhirtypes';
import { objectiveType, OUTCOME_MEASURE_URL, OUTCOME_TIME_FRAME_URL, type OutcomeKind } from './codes';
import { type Node, objectList, optString, reqString } from './record-reader';

interface Outcome {
  readonly kind: OutcomeKind;
  readonly measure: string;
  readonly description?: string;
  readonly timeFrame?: string;
}

const LISTS: readonly [string, OutcomeKind][] = [
  ['primaryOutcomes', 'primary'],
  ['secondaryOutcomes', 'secondary'],
  ['otherOutcomes', 'exploratory'],
];

function readOutcomes(module: Node | undefined): Outcome[] {
  if (!module) return [];
  return LISTS.flatMap(([key, kind]) =>
    objectList(module, key).map((node) => ({
      kind,
      measure: reqString(node, 'measure'),
      description: optString(node, 'description'),
      timeFrame: optString(node, 'timeFrame'),
    })),
  );
}

/**
 * The R5 cross-version outcomeMeasure extension, one per outcome, with the time frame verbatim in
 * outcome-time-frame (TRIAL-PROFILES.md). The description is markdown in both v2 and FHIR: kept as is.
 */
function outcomeMeasure(outcome: Outcome): Extension {
  const parts: Extension[] = [
    { url: 'name', valueString: outcome.measure },
    { url: 'type', valueCodeableConcept: objectiveType(outcome.kind) },
  ];
  if (outcome.description) parts.push({ url: 'description', valueMarkdown: outcome.description });
  if (outcome.timeFrame) parts.push({ url: OUTCOME_TIME_FRAME_URL, valueString: outcome.timeFrame });
  return { url: OUTCOME_MEASURE_URL, extension: parts };
}

export interface MappedOutcomes {
  readonly extensions: Extension[];
  readonly objectives: ResearchStudyObjective[];
}

/**
 * v2 has outcome measures but no objectives; R4 has objectives but no outcome measures. Each outcome
 * becomes both: its extension (with description and time frame) and an objective of the same name and
 * type, so that the study's primary objective is the registry's primary outcome.
 */
export function mapOutcomes(module: Node | undefined): MappedOutcomes {
  const outcomes = readOutcomes(module);
  return {
    extensions: outcomes.map(outcomeMeasure),
    objectives: outcomes.map((o) => ({ name: o.measure, type: objectiveType(o.kind) })),
  };
}
