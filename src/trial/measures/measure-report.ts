import type { Extension, List, MeasureReport, MeasureReportGroup, MeasureReportGroupPopulation, Quantity, Reference } from '@medplum/fhirtypes';

export const MEASURE_POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
export const STATISTICS_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/measure-statistics';

export type PopulationCode = 'initial-population' | 'numerator' | 'denominator' | 'measure-population' | 'measure-population-exclusion';

/** One population's count and, when it is listed, the resources it counts (`AdverseEvent/{id}`...). */
export interface PopulationCount {
  code: PopulationCode;
  count: number;
  members?: readonly string[];
}

/** n, mean, standard deviation and median of a measured quantity (absent ones: fewer than 1 or 2 values). */
export interface Statistics {
  n: number;
  mean?: number;
  sd?: number;
  median?: number;
}

export interface Figures {
  populations: PopulationCount[];
  score?: Quantity;
  statistics?: Statistics;
}

export interface StratumFigures extends Figures {
  value: string;
}

export interface StratifierFigures {
  code: string;
  strata: StratumFigures[];
}

export interface GroupFigures extends Figures {
  code: string;
  display: string;
  stratifiers: StratifierFigures[];
}

export interface ReportHeader {
  measure: string;
  studyId: string;
  /** The period the report covers: from the study's first data to the cut-off date. */
  period: { start?: string; end: string };
  /** The CodeSystem of the group and stratifier codes. */
  system: string;
}

/** A proportion as a measureScore, rounded to 4 decimals (a share of subjects, unit 1). */
export function proportion(numerator: number, denominator: number): Quantity | undefined {
  if (denominator === 0) return undefined;
  return { value: Math.round((numerator / denominator) * 10_000) / 10_000, system: 'http://unitsofmeasure.org', code: '1', unit: '1' };
}

/**
 * A summary MeasureReport (status complete, type summary, subject the study). R4 keeps the resources
 * behind one count in a List that the population's subjectResults points to: each listed count gets a
 * contained List, and the report's evaluatedResource names every resource of every group once.
 */
export function summaryReport(header: ReportHeader, groups: GroupFigures[]): MeasureReport {
  const lists = new ListCollector();
  const report: MeasureReport = {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: header.measure,
    subject: { reference: `ResearchStudy/${header.studyId}` },
    date: new Date().toISOString(),
    period: header.period,
    group: groups.map((g) => groupOf(g, header.system, lists)),
  };
  if (lists.contained.length > 0) report.contained = lists.contained;
  const evaluated = [...new Set(groups.flatMap((g) => g.populations.flatMap((p) => p.members ?? [])))];
  if (evaluated.length > 0) report.evaluatedResource = evaluated.map((reference) => ({ reference }));
  return report;
}

const coded = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

function groupOf(group: GroupFigures, system: string, lists: ListCollector): MeasureReportGroup {
  return {
    code: { ...coded(system, group.code, group.display), text: group.display },
    ...figuresOf(group, lists),
    ...(group.stratifiers.length > 0
      ? {
          stratifier: group.stratifiers.map((s) => ({
            code: [coded(system, s.code)],
            stratum: s.strata.map((stratum) => ({ value: { text: stratum.value }, ...figuresOf(stratum, lists) })),
          })),
        }
      : {}),
  };
}

function figuresOf(figures: Figures, lists: ListCollector): Pick<MeasureReportGroup, 'population' | 'measureScore' | 'extension'> {
  return {
    ...(figures.statistics ? { extension: [statisticsExtension(figures.statistics)] } : {}),
    population: figures.populations.map((p) => populationOf(p, lists)),
    ...(figures.score ? { measureScore: figures.score } : {}),
  };
}

function populationOf(population: PopulationCount, lists: ListCollector): MeasureReportGroupPopulation {
  return {
    code: coded(MEASURE_POPULATION, population.code),
    count: population.count,
    ...(population.members ? { subjectResults: lists.add(population.members) } : {}),
  };
}

function statisticsExtension(statistics: Statistics): Extension {
  const part = (url: string, value: number | undefined): Extension[] => (value === undefined ? [] : [{ url, valueDecimal: round(value) }]);
  return {
    url: STATISTICS_URL,
    extension: [{ url: 'n', valueInteger: statistics.n }, ...part('mean', statistics.mean), ...part('sd', statistics.sd), ...part('median', statistics.median)],
  };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

class ListCollector {
  readonly contained: List[] = [];

  add(members: readonly string[]): Reference<List> {
    const id = `list-${this.contained.length + 1}`;
    this.contained.push({ resourceType: 'List', id, status: 'current', mode: 'snapshot', entry: members.map((reference) => ({ item: { reference } })) });
    return { reference: `#${id}` };
  }
}
