import type { MedicationStatement } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { at } from './calendar';
import { demoEntry, demoKey, quantity, SNOMED, studyExtension } from './demo-entries';
import { type BilagGrade, bilagOrgans, MEASURES, measured, qualitative, SF36_SCALES, sf36Measure, type VisitContext } from './observations';
import type { Prng } from './prng';
import type { VisitKind } from './schedule-defaults';
import { safetyLabs } from './safety-labs';

/**
 * A fictional refractory lupus patient at baseline, in the ranges seed 003 admits: SELENA-SLEDAI >= 6,
 * positive antinuclear antibodies, prednisone >= 6 mg/day, creatinine clearance >= 30 mL/min.
 */
export interface LupusBaseline {
  readonly sledai: number;
  readonly bilagTotal: number;
  readonly organs: readonly BilagGrade[];
  readonly physicianGlobal: number;
  readonly sf36: readonly number[];
  readonly eq5dIndex: number;
  readonly eq5dVas: number;
  readonly hemoglobin: number;
  readonly creatinineClearance: number;
  readonly cd4: number;
  readonly prednisoneMg: number;
  readonly anaTiter: number;
}

export function lupusBaseline(prng: Prng): LupusBaseline {
  return {
    sledai: prng.int(6, 20),
    bilagTotal: prng.int(8, 30),
    organs: Array.from({ length: 9 }, () => prng.pick<BilagGrade>(['a', 'b', 'b', 'c', 'c', 'd', 'e', 'e', 'e'])),
    physicianGlobal: prng.real(1.2, 2.6),
    sf36: SF36_SCALES.map(() => prng.int(20, 60)),
    eq5dIndex: prng.real(0.3, 0.75, 2),
    eq5dVas: prng.int(30, 65),
    hemoglobin: prng.real(9.5, 13.5),
    creatinineClearance: prng.int(45, 125),
    cd4: prng.int(300, 1000),
    prednisoneMg: prng.pick([7.5, 10, 10, 15, 20]),
    anaTiter: prng.pick([160, 320, 640, 1280]),
  };
}

/** One organ grade a step better (A -> B -> C -> D) when the subject improves enough. */
function betterGrade(grade: BilagGrade, improvement: number): BilagGrade {
  const order: BilagGrade[] = ['a', 'b', 'c', 'd'];
  const index = order.indexOf(grade);
  if (index < 0) return grade;
  return order[Math.min(order.length - 1, index + Math.floor(improvement * 2))];
}

/** DOMAIN.md: the prednisone dose is a MedicationStatement (RxNorm 8640, mg, daily). */
function prednisone(ctx: VisitContext, mg: number): KeyedResource {
  const key = demoKey(ctx.nctId, 'subject', ctx.subject, ctx.visitId, 'prednisone');
  const statement: MedicationStatement = {
    resourceType: 'MedicationStatement',
    identifier: [key],
    // DOMAIN.md's study link for Events (the steroid-sparing outcome is the study's).
    extension: [studyExtension(ctx.nctId)],
    status: 'active',
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '8640', display: 'prednisone' }], text: 'Prednisone' },
    subject: ctx.patient,
    effectiveDateTime: at(ctx.day, '09:00'),
    dateAsserted: at(ctx.day, '09:00'),
    dosage: [
      {
        text: `${mg} mg by mouth once a day`,
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        route: { coding: [{ system: SNOMED, code: '26643006', display: 'Oral route' }] },
        doseAndRate: [{ doseQuantity: quantity(mg, 'mg') }],
      },
    ],
  };
  return demoEntry(key, statement);
}

export function lupusVisit(ctx: VisitContext, kind: VisitKind, base: LupusBaseline, improvement: number, prng: Prng, female: boolean): KeyedResource[] {
  const noise = (spread: number): number => prng.real(-spread, spread);
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  const hemoglobin = Number(clamp(base.hemoglobin + improvement + noise(0.4), 7, 16).toFixed(1));
  const labs = safetyLabs(ctx, prng, hemoglobin);
  if (kind === 'safety') return labs;
  const out = [
    measured(ctx, MEASURES.sledai, clamp(Math.round(base.sledai * (1 - 0.6 * improvement) + noise(1.5)), 0, 105), '{score}'),
    measured(ctx, MEASURES.bilagTotal, clamp(Math.round(base.bilagTotal * (1 - 0.5 * improvement) + noise(2)), 0, 72), '{score}'),
    bilagOrgans(ctx, base.organs.map((g) => betterGrade(g, improvement))),
    measured(ctx, MEASURES.physicianGlobal, Number(clamp(base.physicianGlobal * (1 - 0.5 * improvement) + noise(0.2), 0, 3).toFixed(1)), '{score}'),
    ...SF36_SCALES.map((scale, i) => measured(ctx, sf36Measure(scale), clamp(Math.round(base.sf36[i] + 25 * improvement + noise(5)), 0, 100), '{score}')),
    measured(ctx, MEASURES.eq5dIndex, Number(clamp(base.eq5dIndex + 0.2 * improvement + noise(0.05), -0.5, 1).toFixed(2)), '1'),
    measured(ctx, MEASURES.eq5dVas, clamp(Math.round(base.eq5dVas + 20 * improvement + noise(5)), 0, 100), '{score}'),
    measured(ctx, MEASURES.creatinineClearance, clamp(Math.round(base.creatinineClearance + noise(6)), 30, 200), 'mL/min'),
    ...labs,
    prednisone(ctx, Math.max(2.5, Math.round((base.prednisoneMg * (1 - 0.5 * improvement)) / 2.5) * 2.5)),
  ];
  if (kind === 'baseline') {
    out.push(
      qualitative(ctx, MEASURES.anaPresence, 'positive'),
      measured(ctx, MEASURES.anaTiter, base.anaTiter, '{titer}'),
      measured(ctx, MEASURES.cd4, base.cd4, '10*6/L'),
    );
    if (female) out.push(qualitative(ctx, MEASURES.pregnancy, 'negative'));
  }
  return out;
}
