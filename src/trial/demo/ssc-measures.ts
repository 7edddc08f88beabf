import type { KeyedResource } from '../ctgov/entries';
import { MEASURES, measured, qualitative, type VisitContext } from './observations';
import type { Prng } from './prng';
import type { VisitKind } from './schedule-defaults';
import { safetyLabs } from './safety-labs';

/**
 * A fictional systemic sclerosis patient at baseline, in the ranges the seed trials' eligibility admits
 * (seed 000 and 001: mRss > 15, FVC or DLCO below 80 % but FVC >= 45 %, DLCO >= 30 %, LVEF >= 40 %,
 * PASP <= 50 mmHg, GFR >= 30, transaminases < 3x normal, no bone marrow insufficiency).
 */
export interface SscBaseline {
  readonly mrss: number;
  readonly esr: number;
  readonly hemoglobin: number;
  readonly fvc: number;
  readonly dlco: number;
  readonly egfr: number;
  readonly cd4: number;
  readonly lvef: number;
  readonly pasp: number;
}

export function sscBaseline(prng: Prng): SscBaseline {
  return {
    mrss: prng.int(16, 38),
    esr: prng.int(12, 60),
    hemoglobin: prng.real(9.8, 14.2),
    fvc: prng.int(50, 82),
    dlco: prng.int(35, 70),
    egfr: prng.int(45, 110),
    cd4: prng.int(420, 1150),
    lvef: prng.int(48, 68),
    pasp: prng.int(20, 42),
  };
}

/**
 * The measurements of one visit. `improvement` is how far (0-1) the subject has moved toward a better
 * state by this visit: 0 at baseline and for a non-responder.
 */
export function sscVisit(ctx: VisitContext, kind: VisitKind, base: SscBaseline, improvement: number, prng: Prng, female: boolean): KeyedResource[] {
  const noise = (spread: number): number => prng.real(-spread, spread);
  const hemoglobin = Number(Math.min(16, base.hemoglobin + improvement * 1.2 + noise(0.4)).toFixed(1));
  const labs = safetyLabs(ctx, prng, hemoglobin);
  if (kind === 'safety') return labs;
  const out = [
    measured(ctx, MEASURES.mrss, Math.max(0, Math.round(base.mrss * (1 - 0.45 * improvement) + noise(2))), '{score}'),
    measured(ctx, MEASURES.esr, Math.max(2, Math.round(base.esr * (1 - 0.4 * improvement) + noise(4))), 'mm/h'),
    measured(ctx, MEASURES.fvc, Math.round(base.fvc + 6 * improvement + noise(2)), '%'),
    measured(ctx, MEASURES.dlco, Math.round(base.dlco + 5 * improvement + noise(2)), '%'),
    measured(ctx, MEASURES.egfr, Math.round(base.egfr + noise(4)), 'mL/min/{1.73_m2}'),
    ...labs,
  ];
  if (kind === 'baseline') {
    out.push(
      measured(ctx, MEASURES.cd4, base.cd4, '10*6/L'),
      measured(ctx, MEASURES.lvef, base.lvef, '%'),
      measured(ctx, MEASURES.pasp, base.pasp, 'mm[Hg]'),
    );
    if (female) out.push(qualitative(ctx, MEASURES.pregnancy, 'negative'));
  }
  return out;
}
