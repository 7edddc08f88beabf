/**
 * SMART system scopes, v1 (`system/Observation.read`, `.write`, `.*`) and v2 (`system/Observation.cruds`,
 * any subset in that order). Backend services act for no patient or user, so only `system/` scopes are
 * granted; v2 scopes with a query (`.rs?category=laboratory`) are not supported and not granted.
 */

/** create, read (read, vread, instance history), update (update, patch), delete, search (search, type history). */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

const ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];
const V1: Record<string, readonly Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ORDER };

export interface ResourceScope {
  /** A resource type, or `*` for every type. */
  resourceType: string;
  permissions: ReadonlySet<Permission>;
  /** Whether it was written in v1 syntax (answered in the same syntax when it can be). */
  v1: boolean;
}

/** One scope token, or undefined when it is not a system resource scope this server grants. */
export function parseScope(token: string): ResourceScope | undefined {
  const match = /^system\/(\*|[A-Z][A-Za-z]+)\.([a-z*]+)$/.exec(token);
  if (!match) return undefined;
  const [, resourceType, access] = match;
  if (V1[access]) return { resourceType, permissions: new Set(V1[access]), v1: true };
  if (!/^c?r?u?d?s?$/.test(access)) return undefined;
  return { resourceType, permissions: new Set([...access] as Permission[]), v1: false };
}

/** The system resource scopes of a space-separated scope string, and the tokens that are not. */
export function parseScopes(scope: string): { scopes: ResourceScope[]; unsupported: string[] } {
  const scopes: ResourceScope[] = [];
  const unsupported: string[] = [];
  for (const token of scope.split(/\s+/).filter((t) => t.length > 0)) {
    const parsed = parseScope(token);
    if (parsed) scopes.push(parsed);
    else unsupported.push(token);
  }
  return { scopes, unsupported };
}

/** Whether any of the scopes gives `permission` on `resourceType`. */
export function allows(scopes: readonly ResourceScope[], resourceType: string, permission: Permission): boolean {
  return scopes.some((s) => (s.resourceType === '*' || s.resourceType === resourceType) && s.permissions.has(permission));
}

/**
 * What may be granted of `requested` within `allowed`: each requested scope narrowed to the
 * permissions an allowed scope of the same type (or `*`) gives; a requested `*` within allowed
 * scopes of single types becomes those types. Empty scopes are dropped.
 */
export function narrowScopes(requested: readonly ResourceScope[], allowed: readonly ResourceScope[]): ResourceScope[] {
  const granted = new Map<string, { permissions: Set<Permission>; v1: boolean }>();
  for (const want of requested) {
    for (const have of allowed) {
      if (want.resourceType !== '*' && have.resourceType !== '*' && want.resourceType !== have.resourceType) continue;
      const resourceType = want.resourceType === '*' ? have.resourceType : want.resourceType;
      const permissions = [...want.permissions].filter((p) => have.permissions.has(p));
      if (permissions.length === 0) continue;
      const entry = granted.get(resourceType) ?? { permissions: new Set<Permission>(), v1: want.v1 };
      for (const p of permissions) entry.permissions.add(p);
      entry.v1 &&= want.v1;
      granted.set(resourceType, entry);
    }
  }
  return [...granted].map(([resourceType, { permissions, v1 }]) => ({ resourceType, permissions, v1 }));
}

/** The scope token: in v1 syntax when it was asked that way and v1 can say it, else v2. */
export function formatScope(scope: ResourceScope): string {
  const letters = ORDER.filter((p) => scope.permissions.has(p));
  if (scope.v1) {
    const v1 = Object.entries(V1).find(([, perms]) => perms.length === letters.length && perms.every((p) => scope.permissions.has(p)));
    if (v1) return `system/${scope.resourceType}.${v1[0]}`;
  }
  return `system/${scope.resourceType}.${letters.join('')}`;
}

export function formatScopes(scopes: readonly ResourceScope[]): string {
  return scopes.map(formatScope).join(' ');
}
