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
  /**
   * The same figure per second of this process's CPU time (median over the runs): what one
   * uncontended core gives, when other processes share the machine's cores with the bench.
   */
  cpuMedian: number;
  /** CPU time ÷ wall time over the runs (1 = the bench had a core to itself). */
  cpuShare: number;
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
  return timed(options, (timeIsUp) => {
    let validated = 0;
    while (validated === 0 || !timeIsUp()) {
      for (const resource of inputs) validate(resource);
      validated += inputs.length;
    }
    return (wallMs, cpuMs) => [validated / (wallMs / 1000), validated / (cpuMs / 1000)];
  });
}

/** Milliseconds per validation of one large input (a Bundle), repeated until each run lasts `runMs`. */
export function timePerCall(input: Resource, validate: ValidateFn, options: TimingOptions): Timing {
  return timed(options, (timeIsUp) => {
    let calls = 0;
    while (calls === 0 || !timeIsUp()) {
      validate(input);
      calls++;
    }
    return (wallMs, cpuMs) => [wallMs / calls, cpuMs / calls];
  });
}

type Figures = (wallMs: number, cpuMs: number) => [wall: number, cpu: number];

/** A warm-up run (its figures dropped), then `options.runs` runs, each timed in wall and CPU time. */
function timed(options: TimingOptions, body: (timeIsUp: () => boolean) => Figures): Timing {
  const once = (ms: number) => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const figures = body(() => performance.now() - start >= ms);
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { figures: figures(wallMs, cpuMs), share: cpuMs / wallMs };
  };
  once(options.warmupMs);
  const runs = Array.from({ length: options.runs }, () => once(options.runMs));
  return {
    runs: runs.map((r) => r.figures[0]),
    median: median(runs.map((r) => r.figures[0])),
    cpuMedian: median(runs.map((r) => r.figures[1])),
    cpuShare: median(runs.map((r) => r.share)),
  };
}

export function errorsOf(issues: readonly OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
}
