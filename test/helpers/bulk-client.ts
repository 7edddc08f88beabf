import type { RequestListener } from 'node:http';
import type { Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import type { TestApp } from './test-app';

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  deleted: { type: string; url: string; count: number }[];
  error: { type: string; url: string }[];
}

/** What a Bulk Data client does first: the kick-off, answered 202 with the status URL's path. */
export async function kickOff(app: RequestListener, url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await request(app).get(url).set({ Prefer: 'respond-async', Accept: 'application/fhir+json', ...headers });
  if (res.status !== 202) throw new Error(`kick-off ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return new URL(res.headers['content-location'] as string).pathname;
}

/**
 * Runs the queued jobs (the worker a server starts) and polls the status until the job is done: the
 * manifest. A job is claimed only once the transactions running at its kick-off have ended, which on a
 * PostgreSQL cluster that other suites share can take a moment, so one run of the queue may find none.
 */
export async function finishedManifest(t: TestApp, statusPath: string, headers: Record<string, string> = {}): Promise<Manifest> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await t.deps.bulk.worker.drain();
    const res = await request(t.app).get(statusPath).set(headers);
    if (res.status === 200) return res.body as Manifest;
    if (res.status !== 202 || Date.now() > deadline) throw new Error(`status ${statusPath}: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every line of every file of one kind of the manifest, parsed. */
export async function downloaded(app: RequestListener, files: { url: string }[], headers: Record<string, string> = {}): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of files) {
    const res = await request(app).get(new URL(file.url).pathname).set({ Accept: 'application/fhir+ndjson', ...headers }).buffer(true).parse(text);
    if (res.status !== 200) throw new Error(`download ${file.url}: ${res.status}`);
    expectNdjson(res.headers['content-type'] as string);
    for (const line of (res.body as string).split('\n')) if (line.length > 0) resources.push(JSON.parse(line) as Resource);
  }
  return resources;
}

/** The raw text of every file of the manifest (output, deleted and error). */
export async function manifestText(app: RequestListener, manifest: Manifest, headers: Record<string, string> = {}): Promise<string> {
  const files = [...manifest.output, ...manifest.deleted, ...manifest.error];
  const texts = await Promise.all(files.map(async (f) => (await request(app).get(new URL(f.url).pathname).set(headers).buffer(true).parse(text)).body as string));
  return texts.join('\n');
}

function expectNdjson(contentType: string): void {
  if (!contentType.startsWith('application/fhir+ndjson')) throw new Error(`files are application/fhir+ndjson, not ${contentType}`);
}

/** supertest leaves an unknown media type's body unread: read it as text. */
const text: Parameters<request.Test['parse']>[0] = (res, callback) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (body += chunk));
  stream.on('end', () => callback(null, body));
};
