import type { Requester } from '../../fhir/access';
import { allows, parseScopes, type Permission, type ResourceScope } from '../scopes';
import { READ_INTERACTIONS, SEARCH_INTERACTIONS, WRITE_INTERACTIONS, scopePermission, type ResourceInteraction } from './interactions';
import { rolePolicy, type RolePolicy } from './roles';

const ALL_INTERACTIONS: readonly ResourceInteraction[] = [...READ_INTERACTIONS, ...SEARCH_INTERACTIONS, ...WRITE_INTERACTIONS];
const ALL_PERMISSIONS: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

/**
 * A requester's rights type by type: what its role allows AND its token's scopes allow; neither
 * alone is enough. Decided from the requester alone, never from the store.
 */
export class Rights {
  readonly role: RolePolicy;
  readonly scopes: readonly ResourceScope[];

  /** `resourceTypes`: every type the server stores, over which a system-level request ranges. */
  constructor(
    readonly requester: Requester,
    private readonly resourceTypes: ReadonlySet<string>,
  ) {
    this.role = rolePolicy(requester.role);
    this.scopes = parseScopes(requester.scope).scopes;
  }

  /** Whether both the role and the scopes allow `interaction` on `resourceType`. */
  may(interaction: ResourceInteraction, resourceType: string): boolean {
    return this.role.allows(interaction, resourceType) && allows(this.scopes, resourceType, scopePermission(interaction));
  }

  /** Why `interaction` on `resourceType` is refused (role first, then scopes), or undefined when it is allowed. */
  refusal(interaction: ResourceInteraction, resourceType: string): string | undefined {
    if (!this.role.allows(interaction, resourceType)) return `Role ${this.requester.role} may not ${interaction} ${resourceType}`;
    const permission = scopePermission(interaction);
    if (!allows(this.scopes, resourceType, permission)) {
      return `The token's scopes do not allow ${interaction} of ${resourceType} (needs system/${resourceType}.${permission})`;
    }
    return undefined;
  }

  /** Whether the role's rules allow `interaction` on `resourceType` (scopes aside). */
  roleAllows(interaction: ResourceInteraction, resourceType: string): boolean {
    return this.role.allows(interaction, resourceType);
  }

  /** Whether the scopes give `permission` on `resourceType` (`*`: only a scope for every type does). */
  scopeAllows(resourceType: string, permission: Permission): boolean {
    return allows(this.scopes, resourceType, permission);
  }

  /**
   * Whether resources of the type may reach the requester at all, by some read or search: what
   * decides whether an `_include`d resource or a chain's target type is out of bounds.
   */
  mayRead(resourceType: string): boolean {
    const roleReads = this.role.allows('read', resourceType) || this.role.allows('search-type', resourceType);
    return roleReads && (this.scopeAllows(resourceType, 'r') || this.scopeAllows(resourceType, 's'));
  }

  /** Whether the requester has any permission at all on the type (role and scopes both). */
  hasAnyAccess(resourceType: string): boolean {
    return (
      ALL_INTERACTIONS.some((i) => this.role.allows(i, resourceType)) &&
      ALL_PERMISSIONS.some((p) => this.scopeAllows(resourceType, p))
    );
  }

  /** The stored types for which `test` holds (a system-level request ranges over them). */
  typesWhere(test: (resourceType: string) => boolean): string[] {
    return [...this.resourceTypes].filter(test);
  }

  someType(test: (resourceType: string) => boolean): boolean {
    for (const type of this.resourceTypes) if (test(type)) return true;
    return false;
  }
}
