import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BulkClient, BulkDataError, percentIn, type JobProgress } from '../../../src/cli/bulk-client';
import { startFakeBulkServer, type FakeBulkOptions, type FakeBulkServer } from './fake-bulk-server';

const TOKEN = 'secret-token';
const observations = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ resourceType: 'Observation', id: `o${i}`, status: 'final' }));

describe('BulkClient (a Bulk Data client of $export)', () => {
  let server: FakeBulkServer | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stroma-bulk-client-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function client(options: FakeBulkOptions = {}): Promise<BulkClient> {
    server = await startFakeBulkServer({ token: TOKEN, ...options });
    return new BulkClient({ base: server.base, token: TOKEN, defaultRetryMs: 10 });
  }

  it('builds the kick-off URL of each level with every parameter the contract names', () => {
    const c = new BulkClient({ base: 'http://h/fhir/' });
    expect(c.kickOffUrl({ level: { kind: 'system' } })).toBe('http://h/fhir/$export?_outputFormat=application%2Ffhir%2Bndjson');
    const group = new URL(
      c.kickOffUrl({
        level: { kind: 'group', id: 'study 1' }, types: ['Patient', 'Observation'], since: '2026-01-01T00:00:00Z',
        typeFilters: ['Observation?code=718-7', 'Patient?gender=female'], elements: ['id', 'status'], deidentify: true,
      }),
    );
    expect(group.pathname).toBe('/fhir/Group/study%201/$export');
    expect(group.searchParams.get('_type')).toBe('Patient,Observation');
    expect(group.searchParams.get('_since')).toBe('2026-01-01T00:00:00Z');
    expect(group.searchParams.getAll('_typeFilter')).toEqual(['Observation?code=718-7', 'Patient?gender=female']);
    expect(group.searchParams.get('_elements')).toBe('id,status');
    expect(group.searchParams.get('_deidentify')).toBe('true');
    expect(new URL(c.kickOffUrl({ level: { kind: 'patient' } })).pathname).toBe('/fhir/Patient/$export');
  });

  it('kicks off with Prefer: respond-async and the bearer token, and resolves a relative Content-Location', async () => {
    const c = await client();
    const status = await c.kickOff({ level: { kind: 'group', id: 'g1' } });
    expect(status).toBe(`${server?.base}/bulkstatus/job-1`);
    expect(server?.seen[0]).toMatchObject({ method: 'GET', prefer: 'respond-async', authorization: `Bearer ${TOKEN}` });
  });

  it('polls while the server answers 202, reporting X-Progress and waiting as long as Retry-After says', async () => {
    const c = await client({ pollsBeforeDone: 2, retryAfter: '1' });
    const status = await c.kickOff({ level: { kind: 'system' } });
    const progress: JobProgress[] = [];
    const manifest = await c.waitForManifest(status, (p) => progress.push(p));
    expect(manifest.output).toEqual([{ type: 'Patient', url: `${server?.base}/bulkfiles/job-1/Patient.1.ndjson`, count: 1 }]);
    expect(progress).toEqual([{ text: '33% of the resources', percent: 33 }, { text: '67% of the resources', percent: 67 }]);
    const polls = (server?.seen ?? []).filter((r) => r.url.includes('bulkstatus'));
    expect(polls).toHaveLength(3);
    expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(950);
    expect(polls[2].at - polls[1].at).toBeGreaterThanOrEqual(950);
  });

  it('honours a Retry-After given as an HTTP date, and treats 429 as "poll later"', async () => {
    const c = await client({ pollsBeforeDone: 1, throttle: true, retryAfter: new Date(Date.now() + 2000).toUTCString() });
    const status = await c.kickOff({ level: { kind: 'system' } });
    const started = Date.now();
    await expect(c.waitForManifest(status)).resolves.toMatchObject({ transactionTime: '2026-12-03T12:00:00Z' });
    // An HTTP date has whole seconds: at least the rest of the current second passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('streams a file to disk, counting its bytes and resources, through a .part file renamed when whole', async () => {
    const lines = observations(20_000);
    const c = await client({ files: { 'Observation.1.ndjson': lines } });
    const chunks: number[] = [];
    const destination = path.join(dir, 'Observation.1.ndjson');
    const result = await c.download(`${server?.base}/bulkfiles/job-1/Observation.1.ndjson`, destination, { onData: (bytes) => chunks.push(bytes) });
    const expected = `${lines.join('\n')}\n`;
    expect(result).toEqual({ bytes: Buffer.byteLength(expected), lines: 20_000 });
    expect(readFileSync(destination, 'utf8')).toBe(expected);
    expect(chunks.length).toBeGreaterThan(1);
    expect(readdirSync(dir)).toEqual(['Observation.1.ndjson']);
    expect(server?.seen.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('sends no bearer token with a file when the manifest says the files need none', async () => {
    const c = await client();
    const destination = path.join(dir, 'Patient.1.ndjson');
    // The fake refuses requests without the token: the refusal shows none was sent.
    await expect(c.download(`${server?.base}/bulkfiles/job-1/Patient.1.ndjson`, destination, { withToken: false })).rejects.toMatchObject({ status: 401 });
    expect(server?.seen.at(-1)?.authorization).toBeUndefined();
  });

  it('names an expired or refused token when a status poll answers 401', async () => {
    const c = await client();
    const status = await c.kickOff({ level: { kind: 'system' } });
    const stranger = new BulkClient({ base: server?.base ?? '', token: 'expired' });
    await expect(stranger.waitForManifest(status)).rejects.toMatchObject({ status: 401, message: expect.stringContaining('has the token expired?') });
  });

  it('refuses with the status and the OperationOutcome diagnostics when the kick-off is not accepted', async () => {
    server = await startFakeBulkServer({ token: TOKEN });
    const c = new BulkClient({ base: server.base, token: 'wrong' });
    const error = await c.kickOff({ level: { kind: 'system' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkDataError);
    expect(error).toMatchObject({ status: 401, message: expect.stringContaining('no valid bearer token') });
    expect((error as Error).message).toContain('HTTP 401');
  });

  it("reports a failed job's 5xx with its diagnostics, and a cancelled or unknown job's 404 as gone", async () => {
    const failing = await client({ fail: { status: 500, diagnostics: 'disk full while writing Observation.3.ndjson' } });
    await expect(failing.waitForManifest(await failing.kickOff({ level: { kind: 'system' } }))).rejects.toMatchObject({
      status: 500,
      message: expect.stringMatching(/The export failed \(HTTP 500\):\n.*disk full/),
    });
    const c = new BulkClient({ base: server?.base ?? '', token: TOKEN });
    const status = await c.kickOff({ level: { kind: 'system' } });
    await c.cancel(status);
    expect(server?.cancelled()).toBe(true);
    await expect(c.waitForManifest(status)).rejects.toMatchObject({ status: 404, message: expect.stringContaining('gone') });
  });

  it('leaves no file behind when a download is refused, and says why', async () => {
    const c = await client({ refuseFiles: 403 });
    const destination = path.join(dir, 'Patient.1.ndjson');
    await expect(c.download(`${server?.base}/bulkfiles/job-1/Patient.1.ndjson`, destination)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('not yours') });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops polling at once when its signal is aborted', async () => {
    const c = await client({ pollsBeforeDone: 100, retryAfter: '30' });
    const status = await c.kickOff({ level: { kind: 'system' } });
    const abort = new AbortController();
    const polling = c.waitForManifest(status, () => abort.abort(), abort.signal);
    await expect(polling).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('says which server it cannot reach', async () => {
    const c = new BulkClient({ base: 'http://127.0.0.1:9/fhir' });
    await expect(c.kickOff({ level: { kind: 'system' } })).rejects.toThrow(/Cannot reach http:\/\/127.0.0.1:9\/fhir\/\$export/);
  });

  it('finds the percentage in an X-Progress text when there is one', () => {
    expect(percentIn('42%')).toBe(42);
    expect(percentIn('Observation: 12.5 % done')).toBe(12.5);
    expect(percentIn('writing Observation.2.ndjson')).toBeUndefined();
  });
});
