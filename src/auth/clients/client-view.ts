import type { RegisteredClient } from '../../store/auth-store';

/** A client as the admin API and the CLI show it: its keys as a JWKS object, the shape a registration takes. */
export interface ClientView {
  id: string;
  name: string;
  role: RegisteredClient['role'];
  jwks?: { keys: Record<string, unknown>[] };
  jwksUrl?: string;
  scope: string;
  created: string;
  disabled: boolean;
}

export function clientView(client: RegisteredClient): ClientView {
  return {
    id: client.id,
    name: client.name,
    role: client.role,
    ...(client.jwks ? { jwks: { keys: client.jwks } } : {}),
    ...(client.jwksUrl ? { jwksUrl: client.jwksUrl } : {}),
    scope: client.scope,
    created: client.created,
    disabled: client.disabled,
  };
}
