import { DuplicateClientError, type AuthStore, type RegisteredClient } from '../../store/auth-store';
import { applyChanges, checkRegistration } from './registration';
import { UnknownClientError } from './registration-error';

/**
 * Client registration over the AuthStore: every client is checked (id, role, public keys, scopes)
 * before it is stored, whether it comes from the admin API, the CLI or the first start.
 */
export class ClientRegistry {
  constructor(private readonly store: AuthStore) {}

  /** Registers a client; throws ClientRegistrationError for bad input, DuplicateClientError when the id is taken. */
  async add(registration: unknown): Promise<RegisteredClient> {
    const client = await checkRegistration(registration);
    if (await this.store.getClient(client.id)) throw new DuplicateClientError(`a client "${client.id}" is already registered`);
    await this.store.addClient(client);
    return client;
  }

  async get(id: string): Promise<RegisteredClient | undefined> {
    return this.store.getClient(id);
  }

  async list(): Promise<RegisteredClient[]> {
    const clients = await this.store.listClients();
    return [...clients].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Applies changes (name, role, keys, scope, disabled); throws UnknownClientError or ClientRegistrationError. */
  async update(id: string, changes: unknown): Promise<RegisteredClient> {
    const current = await this.store.getClient(id);
    if (!current) throw new UnknownClientError(id);
    const updated = await applyChanges(current, changes);
    if (!(await this.store.updateClient(updated))) throw new UnknownClientError(id);
    return updated;
  }

  async setDisabled(id: string, disabled: boolean): Promise<RegisteredClient> {
    return this.update(id, { disabled });
  }

  /** Removes a client; throws UnknownClientError when there is none. */
  async remove(id: string): Promise<void> {
    if (!(await this.store.removeClient(id))) throw new UnknownClientError(id);
  }

  /** Whether any client is registered (the first start creates one when not). */
  async isEmpty(): Promise<boolean> {
    return (await this.store.listClients()).length === 0;
  }
}
