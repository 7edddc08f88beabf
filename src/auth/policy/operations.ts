import type { Permission } from '../scopes';
import type { Rights } from './rights';

/**
 * Who may call each $operation. An operation not listed is for admins with every permission on the
 * types it touches: a new operation must opt in to be open to other roles.
 */
export interface OperationRule {
  /** The roles that may call it; absent: any role, as far as `needs` allows. */
  roles?: readonly string[];
  /**
   * What the requester needs on each type the call touches (role and scopes both): `any` for any
   * permission at all, else every one of the scope permissions listed. At system level (no type
   * named) the permissions are needed on every type (a `*` scope).
   */
  needs: 'any' | readonly Permission[];
}

export const BUILT_IN_OPERATIONS: Readonly<Record<string, OperationRule>> = {
  // $validate only reads what it is sent: anyone who can touch the type may check a resource of it.
  validate: { needs: 'any' },
  // $reindex rebuilds the search index of every resource of the types.
  reindex: { roles: ['admin'], needs: ['u'] },
  // $import-ctgov creates or updates a study from its registry record (issue 6: admin and investigator).
  // Its entries (Group, Organization, Location, ...) are each authorized again as they are written.
  'import-ctgov': { roles: ['admin', 'investigator'], needs: ['c', 'u'] },
  // $eligibility only reads (the study, its Group, the Patient, the Observations, each read authorized
  // again); the roles that screen subjects (issue 7 point 2).
  eligibility: { roles: ['admin', 'investigator', 'unblinded'], needs: ['r'] },
  // $randomize allocates an eligible subject and enrolls it (issue 7 point 3): the trial staff, blinded
  // or not. The arm is written by the server; a blinded requester gets the subject back masked.
  randomize: { roles: ['admin', 'investigator', 'unblinded'], needs: ['r', 'u'] },
  // $allocation-log shows every subject's arm: never to a blinded role (issue 7 point 5).
  'allocation-log': { roles: ['admin', 'unblinded'], needs: ['r'] },
  // The summaries (issue 8) count what the trial staff and registries may read; the handler also asks
  // for search rights on each type it counts, and leaves the arm out for a blinded requester.
  'safety-summary': { roles: ['admin', 'investigator', 'unblinded', 'registry'], needs: ['r'] },
  'efficacy-summary': { roles: ['admin', 'investigator', 'unblinded', 'registry'], needs: ['r'] },
  'participant-flow': { roles: ['admin', 'investigator', 'unblinded', 'registry'], needs: ['r'] },
  // $sync-status reports an EHR Endpoint's pull sync (issue 9 point 4): counts, errors and the
  // participants' watermarks, which the staff who follow the data may see; no key is in it.
  'sync-status': { roles: ['admin', 'investigator'], needs: ['r'] },
  // $export (issue 10) writes what the requester could read, resource by resource, through the same
  // access policy and read masks (de-identified for a registry); an EHR reads only its own pushes.
  export: { roles: ['admin', 'investigator', 'unblinded', 'registry'], needs: ['r', 's'] },
};

const UNKNOWN_OPERATION: OperationRule = { roles: ['admin'], needs: ['c', 'r', 'u', 'd', 's'] };

export function operationRule(name: string, extra: Readonly<Record<string, OperationRule>>): OperationRule {
  if (Object.hasOwn(extra, name)) return extra[name];
  if (Object.hasOwn(BUILT_IN_OPERATIONS, name)) return BUILT_IN_OPERATIONS[name];
  return UNKNOWN_OPERATION;
}

/** Whether `rights` satisfy `rule` for a call touching `resourceTypes` (none: the system level). */
export function operationAllowed(rule: OperationRule, rights: Rights, resourceTypes: readonly string[]): boolean {
  if (rule.roles && !rule.roles.includes(rights.requester.role)) return false;
  const needs = rule.needs;
  if (resourceTypes.length === 0) {
    return needs === 'any' ? rights.someType((type) => rights.hasAnyAccess(type)) : needs.every((p) => rights.scopeAllows('*', p));
  }
  return resourceTypes.every((type) =>
    needs === 'any' ? rights.hasAnyAccess(type) : needs.every((p) => rights.scopeAllows(type, p)) && rights.hasAnyAccess(type),
  );
}
