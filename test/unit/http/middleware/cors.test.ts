import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleCors } from '../../../../src/http/middleware/cors';

/** A node:http server that calls handleCors as the listener would, then answers 200 (or 405 for OPTIONS). */
async function serve(origins: string[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (handleCors(req, res, origins)) return;
    res.statusCode = req.method === 'OPTIONS' ? 405 : 200;
    res.setHeader('Location', '/fhir/Patient/1');
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir/Patient`, server };
}

const preflight = (origin: string): RequestInit => ({
  method: 'OPTIONS',
  headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
});

function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

describe('handleCors', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('when no origins are configured, then no CORS header is sent and a preflight is not answered', async () => {
    const { url, server: s } = await serve([]);
    server = s;
    const get = await fetch(url, { headers: { Origin: 'https://app.example.org' } });
    expect(corsHeaders(get)).toEqual({});
    const options = await fetch(url, preflight('https://app.example.org'));
    expect(options.status).toBe(405);
    expect(corsHeaders(options)).toEqual({});
  });

  it('when an origin is listed, then its preflight is answered 204 with the methods and the FHIR request headers', async () => {
    const { url, server: s } = await serve(['https://app.example.org/']);
    server = s;
    const response = await fetch(url, preflight('https://app.example.org'));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST.*DELETE/);
    const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['Authorization', 'Content-Type', 'Prefer', 'If-Match', 'If-None-Exist']));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('when a listed origin makes a request, then the origin is allowed and Location, ETag, Content-Location and X-Request-Id are exposed', async () => {
    const { url, server: s } = await serve(['https://other.example.org', 'https://app.example.org']);
    server = s;
    const response = await fetch(url, { headers: { Origin: 'https://app.example.org' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect(response.headers.get('access-control-expose-headers')!.split(', ')).toEqual(expect.arrayContaining(['Location', 'ETag', 'Content-Location', 'X-Request-Id']));
  });

  it('when an origin is not listed, then it gets no CORS headers and its preflight is not answered', async () => {
    const { url, server: s } = await serve(['https://app.example.org']);
    server = s;
    const get = await fetch(url, { headers: { Origin: 'https://evil.example.org' } });
    expect(corsHeaders(get)).toEqual({});
    expect(get.headers.get('vary')).toBe('Origin');
    const options = await fetch(url, preflight('https://evil.example.org'));
    expect(options.status).toBe(405);
    expect(corsHeaders(options)).toEqual({});
  });

  it('when * is configured, then any origin is answered with * and no Vary', async () => {
    const { url, server: s } = await serve(['*']);
    server = s;
    const response = await fetch(url, preflight('http://localhost:3000'));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('vary')).toBeNull();
    expect((await fetch(url, { headers: { Origin: 'http://localhost:3000' } })).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('when a request has no Origin (not from a browser), then it gets no CORS headers', async () => {
    const { url, server: s } = await serve(['*']);
    server = s;
    expect(corsHeaders(await fetch(url))).toEqual({});
  });
});
