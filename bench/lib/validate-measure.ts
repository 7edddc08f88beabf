import { performance } from 'node:perf_hooks';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import type { ResourceValidator } from '../../src/fhir/validation';
import { median } from './report';

/** One validator under test, reduced to what the bench compares: the issues it finds. */
export type ValidateFn = (resource: Resource) => OperationOutcomeIssue[];

export interface Timing {
  /** Each run's figure: resources/s for throughput, ms per call for a single large input. */
  runs: number[];
  median: number;
}

export interface TimingOptions {
  /** Minimum duration of one timed run (the brief: >= 2 s). */
  runMs: number;
  runs: number;
  warmupMs: number;
}

export function stromaValidate(validator: ResourceValidator, profile?: string): ValidateFn {
  const options = profile ? { profiles: [profile] } : undefined;
  return (resource) => validator.validate(resource, options);
}

/**
 * @medplum/core's validateResource returns warnings and throws an OperationOutcomeError carrying
 * every issue when one is an error; either way the caller gets the issues. With `profile`, it
 * validates against that snapshot only (which holds the base definitions' constraints too).
 */
export function medplumValidate(profile?: StructureDefinition): ValidateFn {
  const options = profile ? { profile } : undefined;
  return (resource) => {
    try {
      return validateResource(resource, options);
    } catch (error) {
      if (error instanceof OperationOutcomeError) return error.outcome.issue ?? [];
      throw error;
    }
  };
}

/** Resources/s over `inputs`, cycled until each run has lasted `runMs`; warm-up first. */
export function throughput(inputs: readonly Resource[], validate: ValidateFn, options: TimingOptions): Timing {
  const passFor = (ms: number): number => {
    let validated = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (const resource of inputs) validate(resource);
      validated += inputs.length;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return validated / (elapsed / 1000);
  };
  passFor(options.warmupMs);
  const runs = Array.from({ length: options.runs }, () => passFor(options.runMs));
  return { runs, median: median(runs) };
}

/** Milliseconds per validation of one large input (a Bundle), repeated until each run lasts `runMs`. */
export function timePerCall(input: Resource, validate: ValidateFn, options: TimingOptions): Timing {
  const msPerCallFor = (ms: number): number => {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      validate(input);
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return elapsed / calls;
  };
  msPerCallFor(options.warmupMs);
  const runs = Array.from({ length: options.runs }, () => msPerCallFor(options.runMs));
  return { runs, median: median(runs) };
}

export function errorsOf(issues: readonly OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
}
