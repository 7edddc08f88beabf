import request from 'supertest';
import { createApp } from '../../src/app';
import { useTestApp, storeName } from '../helpers/test-app';

describe(`health endpoints (${storeName()})`, () => {
  const t = useTestApp();

  it('when the store is up, then /healthz and /readyz answer 200', async () => {
    expect((await request(t.app).get('/healthz')).status).toBe(200);
    const ready = await request(t.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it('when shutdown has begun, then /readyz answers 503 while /healthz stays 200', async () => {
    const app = createApp({ ...t.deps, isAccepting: () => false });
    expect((await request(app).get('/readyz')).status).toBe(503);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('when the store cannot be reached, then /readyz answers 503', async () => {
    const spy = jest.spyOn(t.repo, 'ping').mockRejectedValueOnce(new Error('down'));
    expect((await request(t.app).get('/readyz')).status).toBe(503);
    spy.mockRestore();
  });
});
