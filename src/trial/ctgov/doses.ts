/**
 * Planned doses per kg body weight as v2 free text writes them: "1 million UCMSC/kg", "1.10^6 CSM / kg"
 * (French notation for 1 x10^6), "3 x10^6 cells/kg", "2 x 10^6/kg". Returns cells per kg, distinct, in
 * the order of the text. Only per-kg amounts are read: a total cell count is not a dose per kg.
 */
const MILLION = /(\d+(?:[.,]\d+)?)\s*million\s+[^/\n]{0,30}?\/\s*kg\b/gi;
const POWER = /(\d+(?:[.,]\d+)?)\s*(?:x|×|\*|\.)\s*10\s*\^?\s*(\d+)\s*[^/\n]{0,30}?\/\s*kg\b/gi;

function number(text: string): number {
  return Number(text.replace(',', '.'));
}

export function dosesPerKg(text: string): number[] {
  const found: { index: number; value: number }[] = [];
  for (const m of text.matchAll(MILLION)) found.push({ index: m.index ?? 0, value: number(m[1]) * 1e6 });
  for (const m of text.matchAll(POWER)) {
    found.push({ index: m.index ?? 0, value: number(m[1]) * 10 ** Number(m[2]) });
  }
  const values = found.sort((a, b) => a.index - b.index).map((f) => Math.round(f.value));
  return [...new Set(values)].filter((v) => v > 0);
}

/** "1 x10^6 cells/kg", the way DOMAIN.md names a dose cohort. */
export function doseLabel(cellsPerKg: number): string {
  const exponent = Math.floor(Math.log10(cellsPerKg));
  const mantissa = Number((cellsPerKg / 10 ** exponent).toPrecision(6));
  return `${mantissa} x10^${exponent} cells/kg`;
}
