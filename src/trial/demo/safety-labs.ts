import type { KeyedResource } from '../ctgov/entries';
import { MEASURES, measured, type VisitContext } from './observations';
import type { Prng } from './prng';

/** Blood safety labs, drawn fresh at each visit around normal values. */
export function safetyLabs(ctx: VisitContext, prng: Prng, hemoglobin: number): KeyedResource[] {
  return [
    measured(ctx, MEASURES.hemoglobin, hemoglobin, 'g/dL'),
    measured(ctx, MEASURES.neutrophils, prng.real(1.8, 7.5), '10*9/L'),
    measured(ctx, MEASURES.platelets, prng.int(150, 420), '10*9/L'),
    measured(ctx, MEASURES.ast, prng.int(14, 48), 'U/L'),
    measured(ctx, MEASURES.alt, prng.int(10, 52), 'U/L'),
    measured(ctx, MEASURES.bilirubin, prng.real(0.3, 1.1), 'mg/dL'),
  ];
}
