import type { Logger } from 'pino';
import { AuditWriter } from './auth/audit/audit-writer';
import { clientAdminRoutes } from './auth/clients/client-admin-routes';
import { ClientRegistry } from './auth/clients/client-registry';
import { ensureDevClient } from './auth/dev-client';
import { anonymousAdmin, createAccessControl } from './auth/policy';
import { createTokenService, serviceUrls, type TokenService } from './auth/tokens/token-service';
import type { AuthConfig } from './config';
import type { AccessControl, Requester } from './fhir/access';
import type { FhirRegistries } from './fhir/conformance/registries';
import type { ListenerSecurity } from './http/request-listener';
import type { AuditLog } from './store/audit-log';
import type { AuthStore } from './store/auth-store';

/** Everything issue 5 adds to a server process: tokens, clients, audit trail. */
export interface SecurityDependencies {
  store: AuthStore;
  tokens: TokenService;
  clients: ClientRegistry;
  audit: AuditWriter;
  /** Stops the timers and writes the audit events still queued. */
  close(): Promise<void>;
}

/** No token: only the public CapabilityStatement (the policy allows `capabilities` to everyone). */
const PUBLIC: Requester = { clientId: 'public', role: 'public', scope: '' };

/**
 * Builds the security side on an open store. On a store without any client it registers the local
 * admin client and writes its key to `<dataDir>/dev-client.json` (first start; not for an in-memory
 * store, which has no data directory).
 */
export async function buildSecurity(
  options: { store: AuthStore; auditLog: AuditLog; auth: AuthConfig; baseUrl: string; dataDir?: string; logger: Logger },
): Promise<SecurityDependencies> {
  const { store, auditLog, auth, baseUrl, logger } = options;
  const clients = new ClientRegistry(store);
  const tokens = createTokenService({ store, config: auth, baseUrl, logger });
  if (auth.enabled && options.dataDir !== undefined) {
    await ensureDevClient({ registry: clients, dataDir: options.dataDir, tokenUrl: serviceUrls(baseUrl).token, logger });
  }
  const audit = new AuditWriter(auditLog, { baseUrl, logger });
  return {
    store,
    tokens,
    clients,
    audit,
    async close() {
      tokens.close();
      await audit.close();
    },
  };
}

/** What the HTTP listener needs: with AUTH=off every request acts as an anonymous admin (loopback only). */
export function listenerSecurity(security: SecurityDependencies, registries: FhirRegistries, auth: AuthConfig): ListenerSecurity {
  // An access control holds no per-request state; the authenticator hands out one Requester per
  // remembered token, so its policy is parsed once per token rather than once per request.
  const controls = new WeakMap<Requester, AccessControl>();
  const accessFor = (requester: Requester): AccessControl => {
    let control = controls.get(requester);
    if (!control) controls.set(requester, (control = createAccessControl(requester, { registries })));
    return control;
  };
  const anonymous = anonymousAdmin();
  return {
    authenticator: auth.enabled ? security.tokens.authenticator : { authenticate: () => Promise.resolve(anonymous) },
    accessFor,
    publicAccess: accessFor(PUBLIC),
    audit: security.audit,
    routes: [...security.tokens.routes, ...clientAdminRoutes(security.clients)],
    corsOrigins: auth.corsOrigins,
  };
}
