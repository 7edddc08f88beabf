import { type PassContext, report } from './context';
import type { ElementNode } from './model';

/**
 * ElementDefinition.minValue[x] / maxValue[x]: numbers, dates and times (compared at the
 * value's precision), Quantities (converted with UCUM when the units differ), and dates against
 * a Duration (minValueDuration: no earlier than now minus it; maxValueDuration: no later than now
 * plus it, as HL7's Java validator reads them).
 */
export function checkRange(node: ElementNode, value: unknown, path: string, ctx: PassContext): void {
  if (node.minValue && compare(value, node.minValue.value, -1) === -1) {
    report(ctx, 'error', 'value', path, `The value in the instance (${show(value)}) is less than the specified minValue (${show(node.minValue.value)})`);
  }
  if (node.maxValue && compare(value, node.maxValue.value, 1) === 1) {
    report(ctx, 'error', 'value', path, `The value in the instance (${show(value)}) is greater than the specified maxValue (${show(node.maxValue.value)})`);
  }
}

type Quantity = { value?: unknown; code?: unknown; unit?: unknown; system?: unknown };

/** -1, 0 or 1 as value is below, at or above the bound; undefined when they cannot be compared. */
function compare(value: unknown, bound: unknown, direction: -1 | 1): number | undefined {
  if (typeof value === 'number' && typeof bound === 'number') {
    return Math.sign(value - bound);
  }
  if (typeof value === 'string' && typeof bound === 'string') {
    const length = Math.min(value.length, bound.length);
    return compareText(value.slice(0, length), bound.slice(0, length));
  }
  if (typeof value === 'string' && isQuantity(bound)) {
    const limit = dateFromNow(bound, direction);
    return limit === undefined ? undefined : compareText(value.slice(0, 10), limit.slice(0, Math.min(10, value.length)));
  }
  if (isQuantity(value) && isQuantity(bound)) {
    const [a, b] = [inBaseUnits(value), inBaseUnits(bound)];
    return a && b && a.unit === b.unit ? Math.sign(a.magnitude - b.magnitude) : undefined;
  }
  return undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isQuantity(value: unknown): value is Quantity {
  return typeof value === 'object' && value !== null && typeof (value as Quantity).value === 'number';
}

const DAYS_PER_UNIT: Record<string, number> = { a: 365.25, mo: 30.4375, wk: 7, d: 1, h: 1 / 24, min: 1 / 1440, s: 1 / 86400 };

function dateFromNow(duration: Quantity, direction: -1 | 1): string | undefined {
  const days = DAYS_PER_UNIT[String(duration.code ?? duration.unit)];
  if (days === undefined) {
    return undefined;
  }
  const offset = direction * (duration.value as number) * days * 86400000;
  return new Date(Date.now() + offset).toISOString();
}

interface UcumUtils {
  convertToBaseUnits(unit: string, value: number): { status: string; magnitude?: number; unitToExp?: Record<string, number> };
}

// @lhncbc/ucum-lhc ships no type declarations; this is the one function used.
const ucum = (require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }).UcumLhcUtils.getInstance();

/** The quantity in UCUM base units (`-1 g` and `0 kg` become comparable); same-unit values as they are. */
function inBaseUnits(quantity: Quantity): { unit: string; magnitude: number } | undefined {
  const code = quantity.code ?? quantity.unit;
  const value = quantity.value as number;
  if (typeof code !== 'string') {
    return { unit: '', magnitude: value };
  }
  const converted = ucum.convertToBaseUnits(code, value);
  if (converted.status !== 'succeeded' || converted.magnitude === undefined) {
    return { unit: code, magnitude: value };
  }
  const unit = Object.entries(converted.unitToExp ?? {})
    .sort(([a], [b]) => compareText(a, b))
    .map(([base, exponent]) => `${base}${exponent}`)
    .join('.');
  return { unit, magnitude: converted.magnitude };
}

function show(value: unknown): string {
  if (isQuantity(value)) {
    return `${value.value} ${String(value.code ?? value.unit ?? '')}`.trim();
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
