import type { Subscription } from '@medplum/fhirtypes';
import { sendNotification } from '../../../src/subscriptions/send';

const subscription: Subscription = {
  resourceType: 'Subscription', status: 'active', reason: 'r', criteria: 'Patient',
  channel: { type: 'rest-hook', endpoint: 'http://hook.example.org/in', payload: 'application/fhir+json', header: ['X-Key: a:b'] },
};

const answering = (status: number) => (async () => new Response(null, { status })) as unknown as typeof fetch;

describe('sending one notification', () => {
  it('when the endpoint answers 2xx, then it was sent, with the channel header and the resource as FHIR JSON', async () => {
    let seen: RequestInit | undefined;
    const fetcher = (async (_url: string, init: RequestInit) => {
      seen = init;
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    expect(await sendNotification(fetcher, subscription, { resourceType: 'Patient', id: 'p' }, 1000)).toEqual({ kind: 'sent' });
    const headers = seen?.headers as Headers;
    expect(headers.get('x-key')).toBe('a:b');
    expect(headers.get('content-type')).toBe('application/fhir+json');
    expect(JSON.parse(seen?.body as string)).toEqual({ resourceType: 'Patient', id: 'p' });
    expect(seen?.redirect).toBe('manual');
  });

  it.each([500, 503, 429, 408])('when the endpoint answers %i, then the notification is retried', async (status) => {
    expect(await sendNotification(answering(status), subscription, undefined, 1000)).toMatchObject({ kind: 'retry' });
  });

  it.each([400, 401, 404, 410, 302])('when the endpoint answers %i, then it is refused without retry', async (status) => {
    expect(await sendNotification(answering(status), subscription, undefined, 1000)).toMatchObject({ kind: 'refused', error: `the endpoint answered ${status}` });
  });

  it('when the connection fails, then the notification is retried with the network error', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    expect(await sendNotification(failing, subscription, undefined, 1000)).toEqual({ kind: 'retry', error: 'no answer from the endpoint: ECONNREFUSED' });
  });
});
