import { generateKeyPairSync } from 'node:crypto';
import { ClientRegistry } from '../../../../src/auth/clients/client-registry';
import { ClientRegistrationError, UnknownClientError } from '../../../../src/auth/clients/registration-error';
import { DuplicateClientError } from '../../../../src/store/auth-store';
import { keyPair } from './keys';
import { MemoryAuthStore } from './memory-auth-store';

describe('ClientRegistry', () => {
  let store: MemoryAuthStore;
  let registry: ClientRegistry;
  beforeEach(() => {
    store = new MemoryAuthStore();
    registry = new ClientRegistry(store);
  });

  async function ecJwks(): Promise<{ keys: unknown[] }> {
    return { keys: [(await keyPair('ES384')).publicJwk] };
  }

  async function refusal(registration: unknown): Promise<ClientRegistrationError> {
    const error = await registry.add(registration).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ClientRegistrationError);
    return error as ClientRegistrationError;
  }

  it('when an ehr client is registered without a scope, then it is stored with the role default and enabled', async () => {
    const client = await registry.add({ id: 'lab-sender', name: 'St Elsewhere lab', role: 'ehr', jwks: await ecJwks() });
    expect(client).toMatchObject({ id: 'lab-sender', role: 'ehr', scope: 'system/Observation.cruds', disabled: false });
    expect(store.clients.get('lab-sender')).toEqual(client);
    expect(Date.parse(client.created)).not.toBeNaN();
  });

  it.each([
    ['registry', 'system/*.rs'],
    ['investigator', 'system/*.cruds'],
    ['unblinded', 'system/*.cruds'],
    ['admin', 'system/*.cruds'],
  ])('when a %s client names no scope, then it gets %s', async (role, scope) => {
    expect((await registry.add({ id: `c-${role}`, name: 'x', role, jwksUrl: 'https://keys.example.org/jwks.json' })).scope).toBe(scope);
  });

  it('when RSA keys of 2048 bits and a v1 scope are given, then they are accepted as given', async () => {
    const rsa = await keyPair('RS384', { kid: 'r1' });
    const ec = await keyPair('ES384', { kid: 'e1' });
    const client = await registry.add({ id: 'reg.1', name: 'Registry', role: 'registry', jwks: { keys: [rsa.publicJwk, ec.publicJwk] }, scope: ' system/Patient.read  system/Observation.rs ' });
    expect(client.jwks).toEqual([rsa.publicJwk, ec.publicJwk]);
    expect(client.scope).toBe('system/Patient.read system/Observation.rs');
  });

  it('when a private key is registered, then it is refused naming the key and nothing is stored', async () => {
    const { privateJwk } = await keyPair('ES384');
    const error = await refusal({ id: 'lab-sender', name: 'Lab', role: 'ehr', jwks: { keys: [privateJwk] } });
    expect(error.field).toBe('jwks.keys[0]');
    expect(error.message).toMatch(/private or secret key.*"d"/);
    expect(store.clients.size).toBe(0);
  });

  it('when a symmetric key is registered, then it is refused as a secret', async () => {
    expect((await refusal({ id: 'abc', name: 'x', role: 'ehr', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })).message).toMatch(/secret/);
  });

  it.each([
    ['an EC key on P-256', async () => (await keyPair('ES256')).publicJwk, /crv "P-256"/],
    ['an RSA key declared RS256', async () => ({ ...(await keyPair('RS384')).publicJwk, alg: 'RS256' }), /alg "RS256"/],
    ['an RSA key of 1024 bits', async () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), /shorter than 2048/],
    ['an OKP key', async () => ({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }), /kty "OKP"/],
    ['an encryption key', async () => ({ ...(await keyPair('ES384')).publicJwk, use: 'enc' }), /use "enc"/],
    ['a broken EC key', async () => ({ kty: 'EC', crv: 'P-384', x: 'AAAA', y: 'AAAA' }), /not a valid EC public key/],
  ])('when %s is registered, then it is refused', async (_label, makeKey, message) => {
    const error = await refusal({ id: 'abc', name: 'x', role: 'ehr', jwks: { keys: [await makeKey()] } });
    expect(error.field).toBe('jwks.keys[0]');
    expect(error.message).toMatch(message);
  });

  it('when two keys share no kid, then they are refused (the token endpoint could not choose)', async () => {
    const one = (await keyPair('ES384')).publicJwk;
    const two = (await keyPair('ES384')).publicJwk;
    expect((await refusal({ id: 'abc', name: 'x', role: 'ehr', jwks: { keys: [one, two] } })).message).toMatch(/distinct "kid"/);
  });

  it.each([
    [{ id: 'ab', name: 'x', role: 'ehr', jwksUrl: 'https://k.example/j' }, 'id'],
    [{ id: 'a b c', name: 'x', role: 'ehr', jwksUrl: 'https://k.example/j' }, 'id'],
    [{ id: 'abc', name: ' ', role: 'ehr', jwksUrl: 'https://k.example/j' }, 'name'],
    [{ id: 'abc', name: 'x', role: 'nurse', jwksUrl: 'https://k.example/j' }, 'role'],
    [{ id: 'abc', name: 'x', role: 'ehr' }, 'jwks'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwks: { keys: [] }, jwksUrl: 'https://k.example/j' }, 'jwks'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwks: [{ kty: 'EC' }] }, 'jwks'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwksUrl: 'http://keys.example.org/jwks' }, 'jwksUrl'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwksUrl: 'not a url' }, 'jwksUrl'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwksUrl: 'https://k.example/j', scope: 'patient/*.read' }, 'scope'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwksUrl: 'https://k.example/j', scope: 'system/Observation.rs?category=lab' }, 'scope'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwksUrl: 'https://k.example/j', scope: '' }, 'scope'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwksUrl: 'https://k.example/j', disabled: 'yes' }, 'disabled'],
    [{ id: 'abc', name: 'x', role: 'ehr', jwks_uri: 'https://k.example/j' }, 'jwks_uri'],
  ])('when the registration is %j, then the error names %s', async (registration, field) => {
    expect((await refusal(registration)).field).toBe(field);
  });

  it('when the JWKS URL is plain http on the loopback interface, then it is accepted', async () => {
    expect((await registry.add({ id: 'local', name: 'x', role: 'ehr', jwksUrl: 'http://127.0.0.1:9000/jwks.json' })).jwksUrl).toBe('http://127.0.0.1:9000/jwks.json');
  });

  it('when the id is taken, then DuplicateClientError is thrown and the first client stays', async () => {
    const first = await registry.add({ id: 'lab', name: 'first', role: 'ehr', jwksUrl: 'https://a.example/j' });
    await expect(registry.add({ id: 'lab', name: 'second', role: 'admin', jwksUrl: 'https://b.example/j' })).rejects.toBeInstanceOf(DuplicateClientError);
    expect(await registry.get('lab')).toEqual(first);
  });

  it('when a client is updated, then only the given members change and new keys replace the old source', async () => {
    await registry.add({ id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://a.example/j' });
    const jwks = await ecJwks();
    const updated = await registry.update('lab', { name: 'Lab 2', jwks });
    expect(updated).toMatchObject({ name: 'Lab 2', role: 'ehr', jwks: jwks.keys, scope: 'system/Observation.cruds' });
    expect(updated.jwksUrl).toBeUndefined();
    expect(await registry.get('lab')).toEqual(updated);
  });

  it('when the role changes, then a default scope follows it and an explicit one stays', async () => {
    await registry.add({ id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://a.example/j' });
    expect((await registry.update('lab', { role: 'registry' })).scope).toBe('system/*.rs');
    await registry.update('lab', { scope: 'system/Patient.rs' });
    expect((await registry.update('lab', { role: 'admin' })).scope).toBe('system/Patient.rs');
  });

  it('when a client is disabled and enabled, then the flag is stored', async () => {
    await registry.add({ id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://a.example/j' });
    expect((await registry.setDisabled('lab', true)).disabled).toBe(true);
    expect((await registry.get('lab'))?.disabled).toBe(true);
    expect((await registry.setDisabled('lab', false)).disabled).toBe(false);
  });

  it('when the update would change the id or is invalid, then it is refused and nothing changes', async () => {
    const client = await registry.add({ id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://a.example/j' });
    await expect(registry.update('lab', { id: 'other' })).rejects.toMatchObject({ field: 'id' });
    await expect(registry.update('lab', { scope: 'openid' })).rejects.toMatchObject({ field: 'scope' });
    expect(await registry.get('lab')).toEqual(client);
  });

  it('when an unknown client is updated or removed, then UnknownClientError is thrown', async () => {
    await expect(registry.update('nobody', { name: 'x' })).rejects.toBeInstanceOf(UnknownClientError);
    await expect(registry.remove('nobody')).rejects.toBeInstanceOf(UnknownClientError);
  });

  it('when clients are listed, then they come sorted by id; removed ones are gone', async () => {
    for (const id of ['zeta', 'alpha', 'mid']) await registry.add({ id, name: id, role: 'ehr', jwksUrl: 'https://a.example/j' });
    await registry.remove('mid');
    expect((await registry.list()).map((c) => c.id)).toEqual(['alpha', 'zeta']);
    expect(await registry.isEmpty()).toBe(false);
  });
});
