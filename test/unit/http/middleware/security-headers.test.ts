import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applySecurityHeaders } from '../../../../src/http/middleware/security-headers';

describe('applySecurityHeaders', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('X-Powered-By', 'Stroma');
      applySecurityHeaders(req, res);
      res.setHeader('Content-Type', 'application/fhir+json');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir/metadata`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("when a response is sent, then it carries helmet's headers with a CSP that allows nothing", async () => {
    const response = await fetch(url);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('when something set X-Powered-By, then it is removed (it names the software to attackers) and the body is untouched', async () => {
    const response = await fetch(url);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(await response.json()).toEqual({});
  });
});
