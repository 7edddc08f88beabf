import type { Permission } from '../scopes';

/**
 * The interactions the policy decides on, and the SMART scope permission each needs. An interaction
 * not listed here is refused to everyone: a new one must be added deliberately.
 */

export const READ_INTERACTIONS = ['read', 'vread', 'history-instance'] as const;
export const SEARCH_INTERACTIONS = ['search-type', 'history-type', 'search-system', 'history-system'] as const;
export const WRITE_INTERACTIONS = ['create', 'update', 'patch', 'delete'] as const;

/** An interaction on resources of some type (not capabilities, Bundles or operations). */
export type ResourceInteraction =
  | (typeof READ_INTERACTIONS)[number]
  | (typeof SEARCH_INTERACTIONS)[number]
  | (typeof WRITE_INTERACTIONS)[number];

const SCOPE_PERMISSION: Record<ResourceInteraction, Permission> = {
  read: 'r',
  vread: 'r',
  'history-instance': 'r',
  'search-type': 's',
  'history-type': 's',
  'search-system': 's',
  'history-system': 's',
  create: 'c',
  update: 'u',
  patch: 'u',
  delete: 'd',
};

export function isResourceInteraction(interaction: string): interaction is ResourceInteraction {
  return Object.hasOwn(SCOPE_PERMISSION, interaction);
}

/** The scope permission an interaction needs on each type it touches. */
export function scopePermission(interaction: ResourceInteraction): Permission {
  return SCOPE_PERMISSION[interaction];
}

/** Interactions at system level: they may touch every type, so they are decided type by type. */
export function isSystemLevel(interaction: ResourceInteraction): boolean {
  return interaction === 'search-system' || interaction === 'history-system';
}
