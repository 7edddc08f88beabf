import request from 'supertest';
import { storeName, useTestApp } from '../helpers/test-app';

describe(`hardening (${storeName()})`, () => {
  describe('by default', () => {
    const t = useTestApp({ auth: true });

    it('when any response goes out, then it carries the security headers and no framework banner', async () => {
      const res = await request(t.app).get('/fhir/metadata').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers).not.toHaveProperty('x-powered-by');
    });

    it('when a browser from another origin asks, then no CORS header allows it', async () => {
      const res = await request(t.app).get('/fhir/metadata').set('Origin', 'https://evil.example');
      expect(res.headers).not.toHaveProperty('access-control-allow-origin');
    });

    it('when a body is larger than the limit, then 413 before it is read whole', async () => {
      const res = await request(t.app).post('/auth/token').type('form').send(`client_assertion=${'x'.repeat(20 * 1024 * 1024)}`);
      expect(res.status).toBe(413);
    });
  });

  describe('with CORS_ORIGINS set', () => {
    const t = useTestApp({ auth: { corsOrigins: ['https://app.example'] } });

    it('when the listed origin sends a preflight, then it is allowed with the FHIR headers; another origin is not', async () => {
      const ok = await request(t.app).options('/fhir/Patient').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(ok.headers['access-control-allow-headers']).toMatch(/authorization/i);
      const other = await request(t.app).get('/fhir/metadata').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
