import type { DiseaseKind } from '../protocol/disease';
import { armStratifier, type ArmStrata } from './arm-strata';
import { proportion, type Figures, type GroupFigures } from './measure-report';
import { describe } from './statistics';
import { sri4, type Sri4 } from './sri4';
import type { SubjectRecord } from './study-records';
import { baselineOf, type Dated, valueAtVisit, visitIsDue } from './visit-values';

export interface EfficacyInput {
  disease?: DiseaseKind;
  subjects: SubjectRecord[];
  /** Each treated patient's first infusion day (by the cut-off). */
  firstInfusion: ReadonlyMap<string, string>;
  scores: Readonly<Partial<Record<'mrss' | 'sledai' | 'bilagTotal' | 'physicianGlobal' | 'prednisone', ReadonlyMap<string, Dated<number>[]>>>>;
  bilagOrgans?: ReadonlyMap<string, Dated<Record<string, string>>[]>;
  asOf: string;
  arms?: readonly string[];
}

const LUPUS_VISITS = [3, 6, 9, 12];
const STEROID_REDUCTION = 0.25;

/** A subject's figure at a visit: a value, missing (the visit is due and something lacks), or not due yet (undefined). */
type PerPatient<T> = Map<string, T | 'missing'>;

/**
 * The efficacy outcomes of issue 8 point 2, chosen by the study's disease: systemic sclerosis, the mRSS
 * change M0 to M12; lupus, the SRI-4 response, SELENA-SLEDAI and BILAG means by visit and steroid sparing.
 * The population is the treated subjects; at each visit, those whose visit window has closed by the
 * cut-off (or who already have the value). One lacking a needed value is counted as missing.
 */
export function efficacyFigures(input: EfficacyInput): GroupFigures[] {
  const strata = armStratifier(input.subjects, input.arms);
  const at = <T>(month: number, figure: (patient: string, first: string) => T | undefined): PerPatient<T> => {
    const out: PerPatient<T> = new Map();
    for (const [patient, first] of input.firstInfusion) {
      const value = figure(patient, first);
      if (value !== undefined) out.set(patient, value);
      else if (month === 0 || visitIsDue(first, month, input.asOf)) out.set(patient, 'missing');
    }
    return out;
  };
  const score = (name: keyof EfficacyInput['scores'], patient: string) => input.scores[name]?.get(patient) ?? [];
  const valueAt = (name: keyof EfficacyInput['scores'], patient: string, first: string, month: number) =>
    month === 0 ? baselineOf(score(name, patient), first) : valueAtVisit(score(name, patient), first, month);
  if (input.disease === 'systemic-sclerosis') {
    const change = at(12, (p, first) => {
      const [m0, m12] = [valueAt('mrss', p, first, 0), valueAt('mrss', p, first, 12)];
      return m0 === undefined || m12 === undefined ? undefined : m12 - m0;
    });
    return [continuousGroup('mrss-change-m12', 'mRSS change from M0 to M12', change, strata)];
  }
  if (input.disease !== 'lupus') return [];
  const assessment = (p: string, first: string, month: number) => ({
    sledai: valueAt('sledai', p, first, month),
    physicianGlobal: valueAt('physicianGlobal', p, first, month),
    bilag: month === 0 ? baselineOf(input.bilagOrgans?.get(p) ?? [], first) : valueAtVisit(input.bilagOrgans?.get(p) ?? [], first, month),
  });
  const sri = LUPUS_VISITS.map((m) => {
    // A missing answer is left to `at`, which counts it as missing once the visit is due.
    const answers = at<Sri4>(m, (p, first) => {
      const answer = sri4(assessment(p, first, 0), assessment(p, first, m));
      return answer === 'missing' ? undefined : answer;
    });
    return responseGroup(`sri4-m${m}`, `SRI-4 response at M${m}`, answers, (a) => a === 'responder', strata);
  });
  const means = (name: 'sledai' | 'bilagTotal', code: string, display: string) =>
    [0, ...LUPUS_VISITS].map((m) => continuousGroup(`${code}-m${m}`, `${display} at M${m}`, at(m, (p, first) => valueAt(name, p, first, m)), strata));
  const sparing = LUPUS_VISITS.map((m) => {
    const reduced = at(m, (p, first) => {
      const [d0, dm] = [valueAt('prednisone', p, first, 0), valueAt('prednisone', p, first, m)];
      // No prednisone at M0 leaves nothing to spare: not evaluable, so missing.
      return d0 === undefined || dm === undefined || d0 <= 0 ? undefined : (d0 - dm) / d0 >= STEROID_REDUCTION;
    });
    return responseGroup(`steroid-sparing-m${m}`, `Prednisone reduced by 25 % or more from M0 at M${m}`, reduced, (r) => r, strata);
  });
  return [...sri, ...means('sledai', 'selena-sledai', 'SELENA-SLEDAI'), ...means('bilagTotal', 'bilag-total', 'BILAG total'), ...sparing];
}

function continuousFigures(values: (number | 'missing')[]): Figures {
  const known = values.filter((v): v is number => v !== 'missing');
  const statistics = describe(known);
  return {
    populations: [
      { code: 'measure-population', count: known.length },
      { code: 'measure-population-exclusion', count: values.length - known.length },
    ],
    statistics,
    ...(statistics.mean !== undefined ? { score: { value: Math.round(statistics.mean * 1000) / 1000, system: 'http://unitsofmeasure.org', code: '{score}', unit: '{score}' } } : {}),
  };
}

function continuousGroup(code: string, display: string, values: PerPatient<number>, strata: ArmStrata): GroupFigures {
  const byArm = strata.stratifier((arm) => continuousFigures([...values].filter(([p]) => strata.armOf(p) === arm).map(([, v]) => v)));
  return { code, display, ...continuousFigures([...values.values()]), stratifiers: byArm };
}

function responseFigures<T>(answers: (T | 'missing')[], responds: (answer: T) => boolean): Figures {
  const evaluable = answers.filter((a): a is T => a !== 'missing');
  const responders = evaluable.filter(responds).length;
  return {
    populations: [
      { code: 'denominator', count: evaluable.length },
      { code: 'numerator', count: responders },
      { code: 'measure-population-exclusion', count: answers.length - evaluable.length },
    ],
    score: proportion(responders, evaluable.length),
  };
}

function responseGroup<T>(code: string, display: string, answers: PerPatient<T>, responds: (answer: T) => boolean, strata: ArmStrata): GroupFigures {
  const byArm = strata.stratifier((arm) => responseFigures([...answers].filter(([p]) => strata.armOf(p) === arm).map(([, a]) => a), responds));
  return { code, display, ...responseFigures([...answers.values()], responds), stratifiers: byArm };
}
