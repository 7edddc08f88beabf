import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** A fresh key pair as JWKs, for registering (public) and signing (private) in tests. */
export async function keyPair(alg: 'ES384' | 'RS384' | 'ES256' | 'RS256', options: { kid?: string } = {}): Promise<{ publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = options.kid ?? `${alg}-key`;
  return { publicJwk: { ...(await exportJWK(publicKey)), kid }, privateJwk: { ...(await exportJWK(privateKey)), kid } };
}
