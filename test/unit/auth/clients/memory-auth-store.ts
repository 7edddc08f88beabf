import { DuplicateClientError, type AuthStore, type RegisteredClient, type SigningKey } from '../../../../src/store/auth-store';

/** An in-memory AuthStore for unit tests (the real one is PostgreSQL's); copies in and out, like a store would. */
export class MemoryAuthStore implements AuthStore {
  readonly clients = new Map<string, RegisteredClient>();
  private readonly assertionIds = new Map<string, Date>();
  private keys: SigningKey[] = [];

  async addClient(client: RegisteredClient): Promise<void> {
    if (this.clients.has(client.id)) throw new DuplicateClientError(`client ${client.id} exists`);
    this.clients.set(client.id, structuredClone(client));
  }

  async getClient(id: string): Promise<RegisteredClient | undefined> {
    const client = this.clients.get(id);
    return client && structuredClone(client);
  }

  async listClients(): Promise<RegisteredClient[]> {
    return [...this.clients.values()].map((c) => structuredClone(c));
  }

  async updateClient(client: RegisteredClient): Promise<boolean> {
    if (!this.clients.has(client.id)) return false;
    this.clients.set(client.id, structuredClone(client));
    return true;
  }

  async removeClient(id: string): Promise<boolean> {
    return this.clients.delete(id);
  }

  async useAssertionId(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const key = `${clientId} ${jti}`;
    if (this.assertionIds.has(key)) return false;
    this.assertionIds.set(key, expiresAt);
    return true;
  }

  async purgeAssertionIds(now: Date): Promise<number> {
    let purged = 0;
    for (const [key, expiry] of this.assertionIds) {
      if (expiry < now) purged += Number(this.assertionIds.delete(key));
    }
    return purged;
  }

  async signingKeys(): Promise<SigningKey[]> {
    return [...this.keys].sort((a, b) => b.created.localeCompare(a.created));
  }

  async addSigningKey(key: SigningKey): Promise<void> {
    this.keys.push(key);
  }

  async removeSigningKeysRetiredBefore(before: Date): Promise<number> {
    const kept = this.keys.filter((k) => new Date(k.retires) >= before);
    const removed = this.keys.length - kept.length;
    this.keys = kept;
    return removed;
  }
}
