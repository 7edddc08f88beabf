import type { RegisteredClient } from '../../store/auth-store';
import { parseScopes } from '../scopes';
import { checkJwks, checkJwksUrl, isObject } from './client-keys';
import { ClientRegistrationError } from './registration-error';

export type ClientRole = RegisteredClient['role'];

export const CLIENT_ROLES: readonly ClientRole[] = ['ehr', 'registry', 'investigator', 'unblinded', 'admin'];

/** The scope a client of each role gets when its registration names none: what the role itself can use. */
export const DEFAULT_SCOPES: Readonly<Record<ClientRole, string>> = {
  ehr: 'system/Observation.cruds',
  registry: 'system/*.rs',
  investigator: 'system/*.cruds',
  unblinded: 'system/*.cruds',
  admin: 'system/*.cruds',
};

/** What an admin sends to register a client (the admin API's JSON body, the CLI's options). */
export interface ClientRegistration {
  id: string;
  name: string;
  role: ClientRole;
  /** A JWKS object `{ keys: [...] }` of public keys; exactly one of jwks and jwksUrl. */
  jwks?: { keys: unknown[] };
  jwksUrl?: string;
  /** Space-separated SMART system scopes; default: DEFAULT_SCOPES of the role. */
  scope?: string;
  disabled?: boolean;
}

/** What may change in a registered client (the id and creation time never do). */
export type ClientChanges = Partial<Omit<ClientRegistration, 'id'>>;

const ID_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
const MAX_NAME_LENGTH = 200;
const REGISTRATION_MEMBERS = new Set(['id', 'name', 'role', 'jwks', 'jwksUrl', 'scope', 'disabled']);
/** Read-only members a client sent back as it was shown may carry; ignored rather than refused. */
const SHOWN_MEMBERS = new Set(['created']);

/** A new client from untrusted input; throws ClientRegistrationError naming the first bad field. */
export async function checkRegistration(input: unknown, now: Date = new Date()): Promise<RegisteredClient> {
  if (!isObject(input)) throw new ClientRegistrationError('body', 'expected a JSON object');
  checkMembers(input);
  const id = checkId(input.id);
  const name = checkName(input.name);
  const role = checkRole(input.role);
  const keys = await checkKeySource(input);
  return {
    id,
    name,
    role,
    ...keys,
    scope: input.scope === undefined ? DEFAULT_SCOPES[role] : checkScope(input.scope),
    created: now.toISOString(),
    disabled: checkDisabled(input.disabled),
  };
}

/**
 * `client` with `changes` applied, checked like a new registration. Keys given replace the keys it
 * had (inline or by URL); a role changed without a scope moves a default scope to the new role's default.
 */
export async function applyChanges(client: RegisteredClient, changes: unknown): Promise<RegisteredClient> {
  if (!isObject(changes)) throw new ClientRegistrationError('body', 'expected a JSON object');
  checkMembers(changes);
  if (changes.id !== undefined && changes.id !== client.id) throw new ClientRegistrationError('id', 'cannot be changed');
  const role = changes.role === undefined ? client.role : checkRole(changes.role);
  const keysChanged = changes.jwks !== undefined || changes.jwksUrl !== undefined;
  const keys = keysChanged ? await checkKeySource(changes) : { jwks: client.jwks, jwksUrl: client.jwksUrl };
  let scope = client.scope;
  if (changes.scope !== undefined) scope = checkScope(changes.scope);
  else if (role !== client.role && client.scope === DEFAULT_SCOPES[client.role]) scope = DEFAULT_SCOPES[role];
  return {
    id: client.id,
    name: changes.name === undefined ? client.name : checkName(changes.name),
    role,
    ...withoutUndefined(keys),
    scope,
    created: client.created,
    disabled: changes.disabled === undefined ? client.disabled : checkDisabled(changes.disabled),
  };
}

function checkMembers(input: Record<string, unknown>): void {
  for (const member of Object.keys(input)) {
    if (REGISTRATION_MEMBERS.has(member) || SHOWN_MEMBERS.has(member)) continue;
    const hint = member === 'jwks_uri' ? ' (did you mean "jwksUrl"?)' : '';
    throw new ClientRegistrationError(member, `is not a client member${hint}; expected ${[...REGISTRATION_MEMBERS].join(', ')}`);
  }
}

function checkId(value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new ClientRegistrationError('id', 'expected 3 to 64 characters from A-Z a-z 0-9 . _ -');
  }
  return value;
}

function checkName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ClientRegistrationError('name', 'expected a non-empty string');
  if (value.length > MAX_NAME_LENGTH) throw new ClientRegistrationError('name', `is longer than ${MAX_NAME_LENGTH} characters`);
  return value.trim();
}

function checkRole(value: unknown): ClientRole {
  const role = CLIENT_ROLES.find((r) => r === value);
  if (!role) throw new ClientRegistrationError('role', `expected one of ${CLIENT_ROLES.join(', ')}`);
  return role;
}

async function checkKeySource(input: Record<string, unknown>): Promise<Pick<RegisteredClient, 'jwks' | 'jwksUrl'>> {
  const hasJwks = input.jwks !== undefined && input.jwks !== null;
  const hasUrl = input.jwksUrl !== undefined && input.jwksUrl !== null;
  if (hasJwks === hasUrl) throw new ClientRegistrationError('jwks', 'give exactly one of "jwks" (the public keys) and "jwksUrl"');
  return hasJwks ? { jwks: await checkJwks(input.jwks) } : { jwksUrl: checkJwksUrl(input.jwksUrl) };
}

/** Every token must be a system resource scope this server grants (src/auth/scopes.ts). */
function checkScope(value: unknown): string {
  if (typeof value !== 'string') throw new ClientRegistrationError('scope', 'expected a space-separated string of SMART system scopes');
  const { scopes, unsupported } = parseScopes(value);
  if (unsupported.length > 0) {
    throw new ClientRegistrationError('scope', `not system resource scopes: ${unsupported.join(' ')} (expected e.g. system/Observation.cruds, system/*.read)`);
  }
  if (scopes.length === 0) throw new ClientRegistrationError('scope', 'is empty');
  return value.trim().split(/\s+/).join(' ');
}

function checkDisabled(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ClientRegistrationError('disabled', 'expected true or false');
  return value;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
