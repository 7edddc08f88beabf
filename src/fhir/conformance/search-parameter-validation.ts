import { evalFhirPathTyped, parseFhirPath, toTypedValue, type FhirPathAtom } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, SearchParameter } from '@medplum/fhirtypes';
import type { LinkScope } from '../search/chain';
import { issue } from '../outcomes';
import { alsoViaProblems } from './also-via';

const STATUSES = ['draft', 'active', 'retired', 'unknown'];
/** Search parameter names go in URLs next to `:modifier` and `.chain`; a leading `_` is R4's own. */
const CODE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** What a new definition is checked against. */
export interface ValidationScope {
  resourceTypes: ReadonlySet<string>;
  /** Parameter types the store can index. */
  searchableTypes: ReadonlySet<string>;
  /** The canonical URL of the definition that already holds `code` on `base`, if any. */
  holderOf(base: string, code: string): string | undefined;
  /** Whether a search parameter of `base` has this canonical URL (a composite's components must). */
  definesUrl(base: string, url: string): boolean;
  /**
   * The parameters an also-via chain may pass through. Without it only the chain's form is checked:
   * stored definitions are read again at every change, and one whose chain stopped resolving is
   * kept and reported by each search that needs the chain, rather than dropped at load.
   */
  links?: LinkScope;
}

/**
 * The problems of a SearchParameter the server would store and index: the elements R4 requires
 * (url, name, status, description, code, base, type), a base and targets that are resource types,
 * a type this server indexes, an expression that FHIRPath parses and can evaluate on each base,
 * also-via chains that can be followed from each base (see also-via.ts), and a code no other
 * definition holds on the same base (HAPI refuses such overlaps too).
 */
export function searchParameterProblems(definition: SearchParameter, scope: ValidationScope): OperationOutcomeIssue[] {
  const problems: OperationOutcomeIssue[] = [];
  const problem = (element: string, message: string, value: unknown) =>
    problems.push(issue('error', value === undefined ? 'required' : 'value', message, `SearchParameter.${element}`));
  const text = (value: unknown) => typeof value === 'string' && value.trim().length > 0;

  if (!text(definition.url) || !ABSOLUTE_URI.test(definition.url as string)) problem('url', 'url must be an absolute canonical URL', definition.url);
  if (!text(definition.name)) problem('name', 'name is required', definition.name);
  if (!text(definition.description)) problem('description', 'description is required', definition.description);
  if (!STATUSES.includes(definition.status as string)) problem('status', `status must be one of ${STATUSES.join(', ')}`, definition.status);
  if (!text(definition.code) || !CODE.test(definition.code as string)) {
    problem('code', 'code must start with a letter and hold only letters, digits, "-" and "_"', definition.code);
  }
  const bases = Array.isArray(definition.base) ? (definition.base as string[]) : [];
  const unknownBases = bases.filter((b) => !scope.resourceTypes.has(b) && b !== 'Resource' && b !== 'DomainResource');
  if (bases.length === 0 || unknownBases.length > 0) {
    const message = bases.length === 0 ? 'base must name at least one resource type' : `Unknown resource type(s) in base: ${unknownBases.join(', ')}`;
    problem('base', message, definition.base);
  }
  if (!scope.searchableTypes.has(definition.type as string)) {
    problem('type', `type must be one of ${[...scope.searchableTypes].sort().join(', ')} (the types this server indexes)`, definition.type);
  }
  const unknownTargets = (definition.target ?? []).filter((t) => !scope.resourceTypes.has(t));
  if (unknownTargets.length > 0) problem('target', `Unknown resource type(s) in target: ${unknownTargets.join(', ')}`, definition.target);
  const componentProblem = definition.type === 'composite' ? checkComponents(definition, bases, scope) : undefined;
  if (componentProblem) problem('component', componentProblem, definition.component);
  const expressionProblem = checkExpression(definition.expression, bases.filter((b) => scope.resourceTypes.has(b)));
  if (expressionProblem) problem('expression', expressionProblem, definition.expression);
  const everyType = bases.includes('Resource') || bases.includes('DomainResource');
  const known = everyType ? [...scope.resourceTypes] : bases.filter((b) => scope.resourceTypes.has(b));
  for (const message of alsoViaProblems(definition, known, scope.links)) {
    problems.push(issue('error', 'value', message, 'SearchParameter.extension'));
  }
  if (problems.length === 0) {
    for (const base of bases) {
      const holder = scope.holderOf(base, definition.code as string);
      if (holder !== undefined && holder !== definition.url) {
        problems.push(issue('error', 'business-rule', `${base} already has a search parameter "${definition.code}" (${holder})`, 'SearchParameter.code'));
      }
    }
  }
  return problems;
}

/** Why a composite's components cannot be searched, or undefined when they can. */
function checkComponents(definition: SearchParameter, bases: string[], scope: ValidationScope): string | undefined {
  const components = definition.component ?? [];
  const complete = components.every((c) => typeof c.definition === 'string' && typeof c.expression === 'string' && c.expression.trim() !== '');
  if (components.length < 2 || !complete) {
    return 'a composite needs at least two components, each with a definition (canonical URL) and an expression';
  }
  for (const base of bases.filter((b) => scope.resourceTypes.has(b))) {
    const unknown = components.find((c) => !scope.definesUrl(base, c.definition as string));
    if (unknown) return `${base} has no search parameter ${unknown.definition} to serve as a component`;
  }
  return undefined;
}

/** Why the expression cannot serve as a search parameter's, or undefined when it can. */
function checkExpression(expression: unknown, bases: string[]): string | undefined {
  if (typeof expression !== 'string' || expression.trim().length === 0) {
    return 'expression is required: the FHIRPath that extracts the values to index';
  }
  let parsed: FhirPathAtom;
  try {
    parsed = parseFhirPath(expression);
  } catch (error) {
    return `expression is not valid FHIRPath: ${messageOf(error)}`;
  }
  // Unknown functions surface only when evaluated; an empty resource of each base evaluates them.
  for (const base of bases) {
    try {
      evalFhirPathTyped(parsed, [toTypedValue({ resourceType: base } as Resource)]);
    } catch (error) {
      return `expression cannot be evaluated on ${base}: ${messageOf(error)}`;
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^FhirPathError on "[^"]*": (Error: )?/, '');
}
