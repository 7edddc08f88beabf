import { evalFhirPathTyped, type FhirPathAtom, parseFhirPath, toJsBoolean, type TypedValue } from '@medplum/core';
import type { ElementDefinitionConstraint } from '@medplum/fhirtypes';
import { compileFast, Unsupported } from './fhirpath-fast';
import type { CompiledConstraint, InvariantContext } from './model';
import { narrativeHasContent, narrativeHtmlIsValid } from './narrative';
import { ConformanceResourceError } from './types';

type Check = CompiledConstraint['check'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasContained(resource: unknown): boolean {
  return isObject(resource) && Array.isArray(resource.contained) && resource.contained.length > 0;
}

/**
 * dom-3: each contained resource is referenced (`#id`, as a reference or a canonical/uri/url
 * anywhere in the resource) or refers to its container (`#`).
 */
function everyContainedReferenced(resource: { contained: unknown[] }): boolean {
  const localReferences = new Set<string>();
  collectLocalReferences(resource, localReferences);
  return resource.contained.every((c) => {
    const id = (c as { id?: unknown })?.id;
    if (typeof id === 'string' && localReferences.has(`#${id}`)) {
      return true;
    }
    const own = new Set<string>();
    collectLocalReferences(c, own);
    return own.has('#');
  });
}

function collectLocalReferences(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.charCodeAt(0) === 35) {
      into.add(value);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v) => collectLocalReferences(v, into));
  } else if (isObject(value)) {
    for (const key in value) {
      collectLocalReferences(value[key], into);
    }
  }
}

function fullUrlsAreDistinct(entries: unknown): boolean {
  if (!Array.isArray(entries)) {
    return true;
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    const fullUrl = (entry as { fullUrl?: unknown } | null)?.fullUrl;
    if (typeof fullUrl !== 'string') {
      continue;
    }
    const versionId = (entry as { resource?: { meta?: { versionId?: unknown } } }).resource?.meta?.versionId;
    const key = `${fullUrl}\u0000${typeof versionId === 'string' ? versionId : ''}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
  }
  return true;
}

function firstEntryIs(bundle: unknown, bundleType: string, resourceType: string): boolean {
  if (!isObject(bundle) || bundle.type !== bundleType) {
    return true;
  }
  const first = Array.isArray(bundle.entry) ? (bundle.entry[0] as { resource?: { resourceType?: unknown } }) : undefined;
  return first?.resource?.resourceType === resourceType;
}

/**
 * Native code for the invariants that run on (nearly) every element or resource, keyed by
 * `key|expression`: swapped in only when the expression text is exactly the one it implements,
 * so a profile that reuses a key with another expression still gets its own FHIRPath.
 */
const NATIVE: Record<string, (fallback: Check) => Check> = {
  // ele-1: an element has a value or children besides its id.
  'ele-1|hasValue() or (children().count() > id.count())': () => (value) =>
    !isObject(value) || Object.keys(value).some((k) => k !== 'id'),
  // ext-1: an extension has nested extensions or a value, not both.
  'ext-1|extension.exists() != value.exists()': () => (value) => {
    if (!isObject(value)) {
      return true;
    }
    const hasExtensions = Array.isArray(value.extension) && value.extension.length > 0;
    const hasValue = Object.keys(value).some((k) => k.startsWith('value'));
    return hasExtensions !== hasValue;
  },
  'dom-2|contained.contained.empty()': () => (value) =>
    !hasContained(value) || (value as { contained: unknown[] }).contained.every((c) => !hasContained(c)),
  // @medplum/core's FHIRPath has no descendants(), so dom-3 is native, not only fast.
  "dom-3|contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()":
    () => (value) => !hasContained(value) || everyContainedReferenced(value as { contained: unknown[] }),
  // dom-4, dom-5 are about contained resources: true when there are none.
  ...Object.fromEntries(
    ['dom-4|contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', 'dom-5|contained.meta.security.empty()'].map(
      (k) => [k, (fallback: Check): Check => (value, type, ctx) => !hasContained(value) || fallback(value, type, ctx)],
    ),
  ),
  // bdl-7 in linear time (a 10,000-entry transaction); FHIRPath's isDistinct() compares pairs.
  "bdl-7|(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()": () => (value) =>
    !isObject(value) || value.type === 'history' || fullUrlsAreDistinct(value.entry),
  "bdl-11|type = 'document' implies entry.first().resource.is(Composition)": () => (value) =>
    firstEntryIs(value, 'document', 'Composition'),
  "bdl-12|type = 'message' implies entry.first().resource.is(MessageHeader)": () => (value) =>
    firstEntryIs(value, 'message', 'MessageHeader'),
  'txt-1|htmlChecks()': () => (value) => !isObject(value) || narrativeHtmlIsValid(value.div),
  'txt-2|htmlChecks()': () => (value) => !isObject(value) || narrativeHasContent(value.div),
  'dom-6|text.`div`.exists()': () => (value) =>
    isObject(value) && isObject(value.text) && typeof value.text.div === 'string',
};

/**
 * Parses a constraint's FHIRPath once; native code replaces the ubiquitous ones. `choiceNames`
 * (value, effective...) lets the fast evaluator find `valueQuantity` when the path says `value`.
 */
export function compileConstraint(constraint: ElementDefinitionConstraint, choiceNames: ReadonlySet<string>): CompiledConstraint {
  const expression = constraint.expression as string;
  const fhirPath = compileFhirPath(constraint.key as string, expression, choiceNames);
  const native = NATIVE[`${constraint.key}|${expression}`];
  return {
    key: constraint.key as string,
    severity: constraint.severity === 'warning' ? 'warning' : 'error',
    human: constraint.human ?? '',
    expression,
    check: native ? native(fhirPath) : fhirPath,
  };
}

function compileFhirPath(key: string, expression: string, choiceNames: ReadonlySet<string>): Check {
  let atom: ReturnType<typeof parseFhirPath>;
  try {
    atom = parseFhirPath(expression);
  } catch (err) {
    throw new ConformanceResourceError(`Invariant ${key}: cannot parse FHIRPath '${expression}': ${String(err)}`);
  }
  const general = generalCheck(atom);
  const fast = compileFast(atom, choiceNames);
  if (!fast) {
    return general;
  }
  return (value, typeCode, ctx) => {
    let result: unknown[];
    try {
      result = fast(value, { context: value, contextType: typeCode, resource: ctx.resource, rootResource: ctx.rootResource });
    } catch (err) {
      if (err instanceof Unsupported) {
        return general(value, typeCode, ctx);
      }
      throw err;
    }
    return result.length === 0 || Boolean(result[0]);
  };
}

/** @medplum/core's FHIRPath engine: the whole language, at its speed. */
function generalCheck(atom: FhirPathAtom): Check {
  return (value, typeCode, ctx) => {
    const input: TypedValue = { type: typeCode, value };
    const variables = contextVariables(input, ctx);
    const result = evalFhirPathTyped(atom, [input], variables);
    // FHIRPath: an empty result is not a failure (the constraint does not apply).
    return result.length === 0 || toJsBoolean(result);
  };
}

function contextVariables(input: TypedValue, ctx: InvariantContext): Record<string, TypedValue> {
  const resource = toResourceTyped(ctx.resource);
  return {
    '%context': input,
    '%resource': resource,
    '%rootResource': toResourceTyped(ctx.rootResource),
    '%ucum': { type: 'string', value: 'http://unitsofmeasure.org' },
  };
}

function toResourceTyped(resource: unknown): TypedValue {
  return { type: (resource as { resourceType?: string })?.resourceType ?? 'Resource', value: resource };
}

export type { InvariantContext };
