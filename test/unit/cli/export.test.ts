import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExportCli, type ExportIo } from '../../../src/cli/export';
import { lineProgress } from '../../../src/cli/export-progress';
import { startFakeBulkServer, type FakeBulkOptions, type FakeBulkServer } from './fake-bulk-server';

const TOKEN = 'cli-token';
const line = (type: string, id: string) => JSON.stringify({ resourceType: type, id });

describe('npm run export', () => {
  let server: FakeBulkServer | undefined;
  let dir: string;
  let out: string;
  let err: string;
  let io: ExportIo;

  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'stroma-export-cli-')), 'export');
    out = '';
    err = '';
    io = { out: (t) => void (out += t), err: (t) => void (err += t), progress: lineProgress((t) => void (err += t)) };
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  async function run(argv: string[], options: FakeBulkOptions = {}, signal = new AbortController().signal): Promise<number> {
    server ??= await startFakeBulkServer({ token: TOKEN, ...options });
    return runExportCli([...argv, '--url', server.base, '--out', dir], io, { STROMA_TOKEN: TOKEN }, signal);
  }

  it('exports a Group into the directory: every output, deleted and error file, then manifest.json, then frees the job', async () => {
    const code = await run(['--group', 'study-1', '--type', 'Patient,Observation', '--since', '2026-01-01T00:00:00Z'], {
      pollsBeforeDone: 1,
      retryAfter: '0',
      files: { 'Patient.1.ndjson': [line('Patient', 'p1')], 'Observation.1.ndjson': [line('Observation', 'o1'), line('Observation', 'o2')] },
      deleted: { 'Bundle.1.ndjson': [JSON.stringify({ resourceType: 'Bundle', type: 'transaction' })] },
    });
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['Observation.1.ndjson', 'Patient.1.ndjson', 'deleted', 'manifest.json']);
    expect(readFileSync(path.join(dir, 'Observation.1.ndjson'), 'utf8')).toBe(`${line('Observation', 'o1')}\n${line('Observation', 'o2')}\n`);
    expect(readdirSync(path.join(dir, 'deleted'))).toEqual(['Bundle.1.ndjson']);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { output: unknown[] };
    expect(manifest.output).toHaveLength(2);
    const kickOff = new URL(server?.seen[0].url ?? '', 'http://x');
    expect(kickOff.pathname).toBe('/fhir/Group/study-1/$export');
    expect(kickOff.searchParams.get('_type')).toBe('Patient,Observation');
    expect(server?.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(server?.seen.at(-1)?.method).toBe('DELETE');
    expect(out).toContain('Observation: 2 resources in 1 file(s)');
    expect(err).toContain('export: 50% of the resources');
  });

  it('with --keep leaves the files on the server', async () => {
    expect(await run(['--system', '--keep'])).toBe(0);
    expect(server?.seen.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('on Ctrl-C while the job runs, cancels it on the server (DELETE) and exits 130 without a manifest', async () => {
    const abort = new AbortController();
    io.progress = { ...io.progress, job: () => abort.abort() };
    const code = await run(['--patient'], { pollsBeforeDone: 100, retryAfter: '30' }, abort.signal);
    expect(code).toBe(130);
    expect(server?.cancelled()).toBe(true);
    expect(server?.seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/fhir/bulkstatus/job-1' });
    expect(existsSync(path.join(dir, 'manifest.json'))).toBe(false);
    expect(err).toContain('Cancelled: the server stopped the job');
  });

  it('on Ctrl-C during a download, cancels the job and leaves no partial file', async () => {
    const abort = new AbortController();
    io.progress = { ...io.progress, data: () => abort.abort() };
    const lines = Array.from({ length: 50_000 }, (_, i) => line('Observation', `o${i}`));
    const code = await run(['--system'], { files: { 'Observation.1.ndjson': lines } }, abort.signal);
    expect(code).toBe(130);
    expect(server?.cancelled()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails with exit 1 and the server's diagnostics when the job fails", async () => {
    expect(await run(['--system'], { fail: { status: 500, diagnostics: 'the snapshot was lost' } })).toBe(1);
    expect(err).toMatch(/The export failed \(HTTP 500\):\n {2}the snapshot was lost/);
    expect(existsSync(path.join(dir, 'manifest.json'))).toBe(false);
  });

  it('fails with exit 1 when a file holds fewer resources than the manifest says, or the server reported errors', async () => {
    expect(await run(['--system'], { files: { 'Patient.1.ndjson': [line('Patient', 'p1')] }, statedCounts: { 'Patient.1.ndjson': 2 } })).toBe(1);
    expect(err).toContain('1 resources received, the manifest says 2');
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
    const outcome = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing' }] });
    expect(await run(['--system'], { errors: { 'OperationOutcome.1.ndjson': [outcome] } })).toBe(1);
    expect(readdirSync(path.join(dir, 'error'))).toEqual(['OperationOutcome.1.ndjson']);
    expect(err).toContain('The server reported errors for some resources');
  });

  it('refuses bad usage with exit 2 before asking the server anything', async () => {
    expect(await run([])).toBe(2);
    expect(err).toContain('Give exactly one of --group ID, --patient, --system');
    expect(await run(['--system', '--patient'])).toBe(2);
    expect(await run(['--system', '--since', 'yesterday'])).toBe(2);
    expect(await run(['--system', '--type-filter', 'code=718-7'])).toBe(2);
    writeFileSync(path.join(path.dirname(dir), 'x'), '');
    rmSync(dir, { recursive: true, force: true });
    expect(await runExportCli(['--system', '--out', path.dirname(dir), '--url', server?.base ?? ''], io, {}, new AbortController().signal)).toBe(2);
    expect(err).toContain('is not empty');
    expect(server?.seen).toEqual([]);
  });
});
