import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { BenchInput } from './validate-data';
import { errorsOf, type ValidateFn } from './validate-measure';

/**
 * The verdict comparison: every input on which Stroma and @medplum/core disagree about
 * valid / invalid, with the error that decides it on each side, grouped under a one-line rule
 * that explains the difference. The rules are recognised from the deciding issue; a difference
 * no rule explains is listed under "unexplained", never dropped.
 */

export interface VerdictDifference {
  label: string;
  mode: string;
  stroma: string;
  medplum: string;
}

export interface VerdictComparison {
  compared: number;
  agreed: number;
  /** Explanation -> the inputs it explains. */
  groups: Map<string, VerdictDifference[]>;
}

export interface ComparedSet {
  mode: string;
  inputs: readonly BenchInput[];
  stroma: ValidateFn;
  medplum: ValidateFn;
}

export function compareVerdicts(sets: readonly ComparedSet[]): VerdictComparison {
  const groups = new Map<string, VerdictDifference[]>();
  let compared = 0;
  let agreed = 0;
  for (const set of sets) {
    for (const input of set.inputs) {
      compared++;
      const ours = errorsOf(set.stroma(input.resource));
      const theirs = errorsOf(set.medplum(input.resource));
      if ((ours.length > 0) === (theirs.length > 0)) {
        agreed++;
        continue;
      }
      const difference = { label: input.label, mode: set.mode, stroma: describe(ours), medplum: describe(theirs) };
      const rule = explain(ours, theirs);
      groups.set(rule, [...(groups.get(rule) ?? []), difference]);
    }
  }
  return { compared, agreed, groups };
}

function describe(errors: readonly OperationOutcomeIssue[]): string {
  if (errors.length === 0) return 'valid (no error)';
  const first = errors[0];
  const text = first.diagnostics && !first.diagnostics.startsWith('{') ? first.diagnostics : (first.details?.text ?? first.diagnostics);
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  return `${first.code} at ${first.expression?.[0] ?? '?'}: ${text}${more}`;
}

/** The rule behind one disagreement, read from the side that found an error. */
function explain(ours: readonly OperationOutcomeIssue[], theirs: readonly OperationOutcomeIssue[]): string {
  if (ours.length > 0) {
    if (ours.every((i) => i.code === 'code-invalid')) {
      return '@medplum/core does not check required bindings: a code outside its required value set passes';
    }
    return `unexplained: only Stroma reports ${ours.map((i) => i.code).join(', ')}`;
  }
  const text = (i: OperationOutcomeIssue) => i.details?.text ?? '';
  if (theirs.every((i) => /^Incorrect number of values provided for slice/.test(text(i)) && /\.extension$/.test(i.expression?.[0] ?? ''))) {
    return (
      "@medplum/core matches an extension slice only by a fixed `url` written under the slice in the profile's snapshot; " +
      "SUSHI's snapshots leave it in the extension's own definition, so medplum finds 0 of a required extension slice"
    );
  }
  return `unexplained: only @medplum/core reports ${theirs.map((i) => i.code).join(', ')}`;
}
