import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import type { BackendClient } from '../../../../src/sync/pull/endpoint';
import { keysDirResolver } from '../../../../src/sync/pull/signing-keys';

describe('signing keys from SYNC_KEYS_DIR', () => {
  let dir: string;
  const client = (over: Partial<BackendClient> = {}): BackendClient =>
    ({ tokenUrl: 'https://ehr.example/token', clientId: 'stroma', kid: 'k2', alg: 'RS384', keyRef: 'hospital', scope: 's', ...over });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stroma-keys-'));
    const keys = [];
    for (const kid of ['k1', 'k2']) {
      const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
      keys.push({ ...(await exportJWK(privateKey)), kid });
      if (kid === 'k2') writeFileSync(path.join(dir, 'k2-public.json'), JSON.stringify(await exportJWK(publicKey)));
    }
    writeFileSync(path.join(dir, 'hospital.json'), JSON.stringify({ keys }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when the file holds several keys, then the one of the kid signs', async () => {
    const key = await keysDirResolver(dir)(client());
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS384' }).sign(key);
    const publicJwk = JSON.parse(readFileSync(path.join(dir, 'k2-public.json'), 'utf8'));
    await expect(jwtVerify(jwt, await importJWK(publicJwk, 'RS384'))).resolves.toBeDefined();
  });

  it('when the keyRef is a path, the file is missing, or no private key has the kid, then the reason is named', async () => {
    const resolve = keysDirResolver(dir);
    await expect(resolve(client({ keyRef: '../hospital' }))).rejects.toThrow(/not a plain file name/);
    await expect(resolve(client({ keyRef: 'k2-public' }))).rejects.toThrow(/no private key with kid k2/);
    await expect(resolve(client({ keyRef: 'elsewhere' }))).rejects.toThrow(/elsewhere\.json of keyRef elsewhere: no such file/);
    await expect(resolve(client({ kid: 'k9' }))).rejects.toThrow(/no private key with kid k9/);
  });
});
