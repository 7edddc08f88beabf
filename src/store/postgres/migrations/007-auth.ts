/**
 * Authorization state every server process shares (src/store/auth-store.ts).
 *
 * auth_client: the registered clients; exactly one of jwks (the public keys inline) and jwks_url.
 * auth_signing_key: the server's own token signing keys, so every process signs with and publishes
 * the same ones.
 * auth_assertion_id: the client assertion ids already used, keyed by (client_id, jti) so that a
 * replay loses the INSERT race atomically whichever process sees it. Kept until the assertion's
 * exp, after which the assertion is refused anyway. No foreign key to auth_client: a removed
 * client's ids simply expire.
 */
export const authSchema = `
CREATE TABLE auth_client (
  id text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('ehr', 'registry', 'investigator', 'unblinded', 'admin')),
  jwks jsonb,
  jwks_url text,
  scope text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  disabled boolean NOT NULL DEFAULT false,
  CHECK ((jwks IS NULL) <> (jwks_url IS NULL))
);

CREATE TABLE auth_signing_key (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created timestamptz NOT NULL,
  retires timestamptz NOT NULL
);

CREATE TABLE auth_assertion_id (
  client_id text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);

CREATE INDEX auth_assertion_id_expires ON auth_assertion_id (expires_at);
`;
