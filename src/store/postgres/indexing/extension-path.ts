import type { TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { PathEvaluator } from './simple-path';

/** `Observation.extension.where(url = 'http://…').value.ofType(Reference)`: the typed values of a resource's extensions with one url. */
const EXTENSION_VALUE = /^([A-Z][A-Za-z]+)\.extension\.where\(url\s*=\s*'([^'\\]+)'\)\.value\.ofType\(([A-Za-z]+)\)$/;

/**
 * Search parameters over extensions mostly read a top-level extension's value of one type.
 * Compiled to property access this costs a fraction of a FHIRPath evaluation, which otherwise
 * doubled the index extraction time of an Observation with one such parameter.
 * Anything else returns undefined and stays with FHIRPath.
 */
export function compileExtensionPath(expression: string, resourceType: string): PathEvaluator | undefined {
  const match = EXTENSION_VALUE.exec(expression.trim());
  if (!match || (match[1] !== resourceType && match[1] !== 'Resource' && match[1] !== 'DomainResource')) {
    return undefined;
  }
  const [, , url, type] = match;
  const property = `value${type[0].toUpperCase()}${type.slice(1)}`;
  return (resource: Resource) => {
    const values: TypedValue[] = [];
    for (const extension of (resource as { extension?: Record<string, unknown>[] }).extension ?? []) {
      const value = extension?.url === url ? extension[property] : undefined;
      if (value !== undefined && value !== null) values.push({ type, value });
    }
    return values;
  };
}
