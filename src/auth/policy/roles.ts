import { READ_INTERACTIONS, SEARCH_INTERACTIONS, WRITE_INTERACTIONS, type ResourceInteraction } from './interactions';

/**
 * What each role may do, type by type, before scopes narrow it further. Roles differ here only in
 * which interactions they have on which types; what they see of a resource is up to the read masks
 * (blinding looks at the role too, which is all that sets `investigator` and `unblinded` apart).
 */

/** Only admins read the audit trail, and nobody writes it through the API. */
export const AUDIT_TYPE = 'AuditEvent';

/** The conformance resources: they change what the server accepts, so only admins write them. */
export const CONFORMANCE_TYPES: ReadonlySet<string> = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'SearchParameter',
  'OperationDefinition',
  'ConceptMap',
  'NamingSystem',
  'ImplementationGuide',
  'CapabilityStatement',
]);

export interface RolePolicy {
  /** Whether the role may perform `interaction` on resources of `resourceType`. */
  allows(interaction: ResourceInteraction, resourceType: string): boolean;
  /**
   * Whether the role sees and writes only resources stamped with its own client's meta.source (an
   * EHR sees only the results it pushed).
   */
  ownSourceOnly: boolean;
}

const READS: ReadonlySet<ResourceInteraction> = new Set([...READ_INTERACTIONS, ...SEARCH_INTERACTIONS]);
const WRITES: ReadonlySet<ResourceInteraction> = new Set(WRITE_INTERACTIONS);
const EHR_INTERACTIONS: ReadonlySet<ResourceInteraction> = new Set([
  'create',
  'update',
  'patch',
  'read',
  'vread',
  'search-type',
  'search-system',
  'history-instance',
]);

const readsAllButAudit = (interaction: ResourceInteraction, type: string) => READS.has(interaction) && type !== AUDIT_TYPE;
const writesTrialData = (interaction: ResourceInteraction, type: string) =>
  WRITES.has(interaction) && type !== AUDIT_TYPE && !CONFORMANCE_TYPES.has(type);

const ROLES: Readonly<Record<string, RolePolicy>> = {
  admin: { allows: (interaction, type) => READS.has(interaction) || type !== AUDIT_TYPE, ownSourceOnly: false },
  investigator: { allows: (i, t) => readsAllButAudit(i, t) || writesTrialData(i, t), ownSourceOnly: false },
  unblinded: { allows: (i, t) => readsAllButAudit(i, t) || writesTrialData(i, t), ownSourceOnly: false },
  // A registry writes nothing but its own Subscriptions (notifications of what changed, masked as its reads are).
  registry: { allows: (i, t) => readsAllButAudit(i, t) || (WRITES.has(i) && t === 'Subscription'), ownSourceOnly: false },
  ehr: { allows: (i, t) => t === 'Observation' && EHR_INTERACTIONS.has(i), ownSourceOnly: true },
};

const NOBODY: RolePolicy = { allows: () => false, ownSourceOnly: false };

/** The policy of a role; a role the server does not know may do nothing. */
export function rolePolicy(role: string): RolePolicy {
  return Object.hasOwn(ROLES, role) ? ROLES[role] : NOBODY;
}

export const ROLE_NAMES: readonly string[] = Object.keys(ROLES);
