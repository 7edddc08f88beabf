import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

/**
 * The contract between the validation engine (src/fhir/validation) and its callers: the write
 * path, $validate, the conformance registry, and trial rules that plug in through src/trial.
 */

/** One finding, in OperationOutcome form: an issue-type code and the FHIRPath location. */
export interface ValidationIssue extends OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: NonNullable<OperationOutcomeIssue['code']>;
  /** Exactly one FHIRPath location, e.g. `Observation.component[1].valueQuantity.unit`. */
  expression: [string];
  diagnostics: string;
}

export interface ValidateOptions {
  /** Canonical URLs to check besides meta.profile ($validate's `profile`, trial rules). */
  profiles?: readonly string[];
}

/** A StructureDefinition, ValueSet or CodeSystem that cannot be used for validation. */
export class ConformanceResourceError extends Error {}

export interface ResourceValidator {
  /**
   * Every issue found in the resource, against base R4, each profile in meta.profile and each in
   * options.profiles. Synchronous and free of I/O: everything is compiled beforehand. A profile
   * the validator does not know is an error issue, not an exception. A Bundle's checks across
   * entries (fullUrl uniqueness, references between entries) are linear in its size.
   */
  validate(resource: unknown, options?: ValidateOptions): ValidationIssue[];
  /**
   * Adds or replaces StructureDefinitions (with snapshot), ValueSets and CodeSystems; the next
   * validate() uses them. Throws ConformanceResourceError when one cannot be compiled, and then
   * nothing of the call is registered.
   */
  register(resources: readonly Resource[]): void;
  /**
   * Removes registered StructureDefinitions, ValueSets and CodeSystems by canonical URL (without
   * `|version`): the next validate() treats a removed profile as unknown. Base R4's definitions stay:
   * their URLs are ignored. Callers keep the project's own (profiles/) registered.
   */
  unregister(urls: readonly string[]): void;
  /**
   * Compiles the StructureDefinitions among `resources` as register() would, without registering
   * anything: throws ConformanceResourceError naming the first that cannot be compiled.
   */
  checkCompiles(resources: readonly Resource[]): void;
  /** Whether a canonical URL is one of base R4's StructureDefinitions, ValueSets or CodeSystems. */
  isBaseDefinition(url: string): boolean;
  /** Bumped by every register() and unregister(): what is derived from the profiles knows when to build again. */
  readonly version: number;
  /** Whether a StructureDefinition with this canonical URL (optionally `|version`) is registered. */
  knowsProfile(url: string): boolean;
  /** The registered StructureDefinitions constraining a resource type (base R4 excluded). */
  profilesFor(resourceType: string): readonly ProfileSummary[];
}

/** What callers need to pick a profile without reading its snapshot. */
export interface ProfileSummary {
  url: string;
  type: string;
  /** Fixed or pattern values the profile sets at `<Type>.code` (e.g. an Observation's LOINC code), if any. */
  codes: readonly { system?: string; code: string }[];
}

