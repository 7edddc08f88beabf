import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('when nothing is set, then it serves 127.0.0.1:8080/fhir from an embedded store in ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', baseUrl: 'http://127.0.0.1:8080/fhir', logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.bodyLimitBytes).toBe(16 * 1024 * 1024);
  });

  it('when variables are set, then they are parsed', () => {
    const config = loadConfig({
      PORT: '9000', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db/stroma', BASE_URL: 'https://fhir.example.org/fhir/',
      LOG_LEVEL: 'debug', BODY_LIMIT: '512kb', BUNDLE_MAX_ENTRIES: '50', DB_POOL_SIZE: '5',
    });
    expect(config).toMatchObject({
      port: 9000, host: '0.0.0.0', databaseUrl: 'postgres://u@db/stroma', baseUrl: 'https://fhir.example.org/fhir',
      logLevel: 'debug', bodyLimitBytes: 512 * 1024, bundleMaxEntries: 50, dbPoolSize: 5,
    });
  });

  it('when the search parameter settings are left out or set, then profiles/ of the installation and a one-minute refresh are the defaults', () => {
    expect(loadConfig({})).toMatchObject({ profilesDir: path.resolve(__dirname, '../../profiles'), searchParameterRefreshMs: 60000 });
    expect(loadConfig({ PROFILES_DIR: 'elsewhere', SEARCH_PARAMETER_REFRESH_MS: '0' })).toMatchObject({ profilesDir: path.resolve('elsewhere'), searchParameterRefreshMs: 0 });
    expect(() => loadConfig({ SEARCH_PARAMETER_REFRESH_MS: 'soon' })).toThrow(/SEARCH_PARAMETER_REFRESH_MS/);
  });

  it('when the profile refresh is left out or set, then it defaults to one minute and 0 turns it off', () => {
    expect(loadConfig({}).profileRefreshMs).toBe(60000);
    expect(loadConfig({ PROFILE_REFRESH_MS: '0' }).profileRefreshMs).toBe(0);
    expect(() => loadConfig({ PROFILE_REFRESH_MS: '-5' })).toThrow(/PROFILE_REFRESH_MS/);
  });

  it('when pull sync is left out or set, then it is off, keys are in DATA_DIR/sync-keys, and a bad value is named', () => {
    expect(loadConfig({}).sync).toEqual({ intervalSeconds: 0, keysDir: path.resolve('data', 'sync-keys'), maxAttempts: 5, retryBaseMs: 500, retryMaxMs: 30000, pageSize: 100 });
    expect(loadConfig({ DATA_DIR: '/srv/stroma', SYNC_INTERVAL_SECONDS: '300' }).sync).toMatchObject({ intervalSeconds: 300, keysDir: '/srv/stroma/sync-keys' });
    expect(loadConfig({ SYNC_KEYS_DIR: '/etc/stroma/keys', SYNC_MAX_ATTEMPTS: '3' }).sync).toMatchObject({ keysDir: '/etc/stroma/keys', maxAttempts: 3 });
    expect(() => loadConfig({ SYNC_INTERVAL_SECONDS: '-1' })).toThrow(/SYNC_INTERVAL_SECONDS/);
  });

  it('when the host is a wildcard, then the default base URL still names a reachable address', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '81' }).baseUrl).toBe('http://127.0.0.1:81/fhir');
  });

  it('when values are invalid, then one error names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', BODY_LIMIT: 'big', BASE_URL: 'not a url' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', BODY_LIMIT: 'big', BASE_URL: 'not a url' });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'BODY_LIMIT', 'BASE_URL']) {
        expect(message).toContain(name);
      }
    }
  });
  it('when nothing is said of security, then it is on, CORS is off and tokens live five minutes', () => {
    expect(loadConfig({}).auth).toMatchObject({ enabled: true, corsOrigins: [], accessTokenSeconds: 300 });
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).auth.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('when AUTH=off, then it is allowed on a loopback host only', () => {
    expect(loadConfig({ AUTH: 'off' }).auth.enabled).toBe(false);
    expect(loadConfig({ AUTH: 'off', HOST: '::1' }).auth.enabled).toBe(false);
    expect(() => loadConfig({ AUTH: 'off', HOST: '0.0.0.0' })).toThrow(/AUTH=off is allowed only on a loopback HOST/);
    expect(() => loadConfig({ AUTH: 'off', HOST: '10.1.2.3' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH: 'maybe' })).toThrow(/AUTH=maybe/);
  });

  it('when SEED_TRIALS is left out, then the seed trials load into the embedded store only; on and off decide otherwise', () => {
    expect(loadConfig({}).seedTrials).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }).seedTrials).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db', SEED_TRIALS: 'on' }).seedTrials).toBe(true);
    expect(loadConfig({ SEED_TRIALS: 'OFF' }).seedTrials).toBe(false);
    expect(() => loadConfig({ SEED_TRIALS: 'sometimes' })).toThrow(/SEED_TRIALS=sometimes: expected auto, on or off/);
  });

  it('when nothing is said of MLLP, then the listener is off, on loopback port 2575; set, the variables are checked', () => {
    expect(loadConfig({}).mllp).toEqual({ enabled: false, host: '127.0.0.1', port: 2575 });
    expect(loadConfig({ MLLP_ENABLED: 'on', MLLP_HOST: '0.0.0.0', MLLP_PORT: '0' }).mllp).toEqual({ enabled: true, host: '0.0.0.0', port: 0 });
    expect(() => loadConfig({ MLLP_ENABLED: 'yes please', MLLP_PORT: '70000' })).toThrow(/MLLP_ENABLED=yes please: expected on or off[\s\S]*MLLP_PORT=70000/);
  });
});
