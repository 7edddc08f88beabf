import type { Bundle, Duration, PlanDefinition, PlanDefinitionAction } from '@medplum/fhirtypes';
import type { Product, VisitKind, VisitPlan } from './schedule-defaults';

/** Arm name -> what that arm is infused at the visit; ALL_ARMS when the action names no arm. */
export const ALL_ARMS = '*';

/** A visit read from the study's schedule of activities, with what each arm is infused at it. */
export interface ScheduledVisit extends VisitPlan {
  readonly products: ReadonlyMap<string, Product>;
}

function planDefinitions(bundle: Bundle): PlanDefinition[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is PlanDefinition => r?.resourceType === 'PlanDefinition');
}

/** The protocol PlanDefinition (SoA IG StudyProtocolSoa): visits timed from an index visit by relatedAction. */
function protocolOf(bundle: Bundle): PlanDefinition | undefined {
  return planDefinitions(bundle).find((p) => (p.action ?? []).some((a) => a.relatedAction?.some((r) => r.offsetDuration)));
}

/** An offset in months and days (UCUM mo, a, wk, d). */
function offsetOf(duration: Duration | undefined): { months: number; days: number } | undefined {
  const value = duration?.value;
  if (value === undefined) return undefined;
  switch (duration?.code) {
    case 'mo':
      return { months: value, days: 0 };
    case 'a':
      return { months: value * 12, days: 0 };
    case 'wk':
      return { months: 0, days: value * 7 };
    case 'd':
      return { months: 0, days: value };
    default:
      return undefined;
  }
}

/** The arms an applicability condition names ("%subject.assignedArm in ('A' | 'B')"), or all arms. */
function armsOf(action: PlanDefinitionAction): string[] {
  const expressions = (action.condition ?? []).filter((c) => c.kind === 'applicability').map((c) => c.expression?.expression ?? '');
  if (expressions.length === 0) return [ALL_ARMS];
  return expressions.flatMap((e) => [...e.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\'/g, "'")));
}

/** Infusion actions of a visit ("UCMSC infusion, ...", "Placebo infusion, ...") per arm. */
function productsOf(visit: PlanDefinition | undefined): Map<string, Product> {
  const products = new Map<string, Product>();
  for (const action of visit?.action ?? []) {
    const title = action.title ?? '';
    if (!/infusion/i.test(title) || /adverse|tolerance/i.test(title)) continue;
    for (const arm of armsOf(action)) products.set(arm, /placebo/i.test(title) ? 'placebo' : 'cells');
  }
  return products;
}

function kindOf(index: boolean, months: number, days: number): VisitKind {
  if (index) return 'baseline';
  return months === 0 && days < 28 ? 'safety' : 'full';
}

/**
 * The visits of the study's schedule of activities when its trial Bundle carries one (the protocol
 * PlanDefinition and its visit PlanDefinitions), in order of offset; undefined when it does not.
 */
export function readSchedule(bundle: Bundle): ScheduledVisit[] | undefined {
  const protocol = protocolOf(bundle);
  if (!protocol) return undefined;
  const visitsByUrl = new Map(planDefinitions(bundle).map((p) => [p.url, p]));
  const visits: ScheduledVisit[] = [];
  for (const action of protocol.action ?? []) {
    const related = action.relatedAction?.[0];
    const offset = related ? offsetOf(related.offsetDuration) : { months: 0, days: 0 };
    if (!offset || !action.id) return undefined;
    const products = productsOf(visitsByUrl.get(action.definitionCanonical));
    visits.push({ id: action.id, title: action.title ?? action.id, ...offset, kind: kindOf(!related, offset.months, offset.days), infusion: products.size > 0, products });
  }
  return visits.sort((a, b) => a.months * 31 + a.days - (b.months * 31 + b.days));
}
