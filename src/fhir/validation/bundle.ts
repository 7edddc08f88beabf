import { type PassContext, report } from './context';

type JsonObject = Record<string, unknown>;

const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Checks across a Bundle's entries, each linear in the number of entries: fullUrl must be
 * absolute (HL7's Java validator), a link relation occurs once. fullUrl uniqueness is bdl-7,
 * evaluated natively (see invariants.ts).
 */
export function checkBundle(bundle: JsonObject, path: string, ctx: PassContext): void {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  entries.forEach((entry, i) => {
    const fullUrl = (entry as { fullUrl?: unknown } | null)?.fullUrl;
    if (typeof fullUrl === 'string' && !ABSOLUTE_URL.test(fullUrl)) {
      report(ctx, 'error', 'invalid', `${path}.entry[${i}]`, `The fullUrl must be an absolute URL (not '${fullUrl}')`);
    }
  });
  const links = Array.isArray(bundle.link) ? (bundle.link as unknown[]) : [];
  const relations = new Set<string>();
  links.forEach((link, i) => {
    const relation = (link as { relation?: unknown } | null)?.relation;
    if (typeof relation !== 'string') {
      return;
    }
    if (relations.has(relation)) {
      report(ctx, 'error', 'invalid', `${path}.link[${i}]`, `The link relationship type '${relation}' can only occur once`);
    }
    relations.add(relation);
  });
}
