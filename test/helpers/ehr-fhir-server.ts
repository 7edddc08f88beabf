import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { Operator } from '@medplum/core';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import { exportJWK, generateKeyPair, jwtVerify, type JWK, type KeyLike } from 'jose';
import { loadR4Definitions } from '../../src/fhir/conformance/r4-definitions';

/**
 * An independent EHR FHIR server for pull-sync tests: Medplum's FhirRouter over its MemoryRepository,
 * behind Express on a loopback port, with a SMART Backend Services token endpoint that checks client
 * assertions with jose, paging by _count/_offset with `next` links, and failures injected on demand.
 * MemoryRepository does not follow chains, so `patient.identifier` is resolved here to `patient`.
 */

export const EHR_MRN = 'http://hospital.example.org/mrn';

/** A failure injected into the FHIR requests `when` matches, `times` times (Infinity: until removed). */
export interface Fault {
  when: (url: URL) => boolean;
  kind: 'status' | 'drop';
  status?: number;
  headers?: Record<string, string>;
  times: number;
}

export interface TestEhr {
  base: string;
  tokenUrl: string;
  client: { clientId: string; kid: string; alg: 'ES384'; privateJwk: JWK };
  repo: MemoryRepository;
  /** Every FHIR request's path and query, as received. */
  requests: string[];
  tokenRequests: number;
  faults: Fault[];
  /** Answer as a server that does not support searching by code (it ignores the parameter). */
  ignoreCode: boolean;
  addPatient(mrn: string): Promise<string>;
  addResult(patientId: string, code: string, value: number): Promise<Observation>;
  close(): Promise<void>;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

export async function startTestEhr(tokenSeconds = 300): Promise<TestEhr> {
  loadR4Definitions(); // MemoryRepository's search reads @medplum/core's search parameter index
  const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = randomUUID();
  const clientId = 'stroma-at-hospital';
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const tokens = new Set<string>();
  const jtis = new Set<string>();
  const app = express();
  app.set('etag', false);
  app.post('/token', express.urlencoded({ extended: false }), (req, res) => token(req, res));
  app.get('/fhir/:type', (req, res) => handle(req, res));
  app.use((_req: Request, res: Response) => send(res, 404, {}));
  // Express 5 hands a rejected handler's error here.
  app.use((error: unknown, _req: Request, res: Response, _next: unknown) => send(res, 500, { error: String(error) }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ehr: TestEhr = {
    base: `${origin}/fhir`,
    tokenUrl: `${origin}/token`,
    client: { clientId, kid, alg: 'ES384', privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES384' } },
    repo,
    requests: [],
    tokenRequests: 0,
    faults: [],
    ignoreCode: false,
    async addPatient(mrn) {
      return (await repo.createResource<Patient>({ resourceType: 'Patient', identifier: [{ system: EHR_MRN, value: mrn }] })).id;
    },
    async addResult(patientId, code, value) {
      await tick(); // distinct lastUpdated instants, as a real EHR's writes mostly are
      const result = await repo.createResource<Observation>({
        resourceType: 'Observation',
        identifier: [{ system: 'urn:oid:1.2.3.4.5.lab', value: randomUUID() }],
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code }] },
        subject: { reference: `Patient/${patientId}` },
        performer: [{ reference: 'Practitioner/lab-tech-1' }],
        effectiveDateTime: '2024-03-01T09:30:00Z',
        valueQuantity: { value, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
      });
      await tick();
      return result;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  async function handle(req: Request, res: Response): Promise<void> {
    const url = new URL(req.originalUrl, origin);
    ehr.requests.push(`${url.pathname}${url.search}`);
    if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return send(res, 401, outcome('login', 'no valid token'));
    const fault = ehr.faults.find((f) => f.times > 0 && f.when(url));
    if (fault) {
      fault.times--;
      if (fault.kind === 'drop') return void req.socket.destroy();
      return send(res, fault.status ?? 500, outcome('transient', 'injected'), fault.headers);
    }
    return search(url, res);
  }

  async function token(req: Request, res: Response): Promise<void> {
    ehr.tokenRequests++;
    const form = new URLSearchParams(req.body as Record<string, string>);
    try {
      if (form.get('grant_type') !== 'client_credentials') throw new Error('grant_type');
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') throw new Error('client_assertion_type');
      const { payload, protectedHeader } = await jwtVerify(form.get('client_assertion') ?? '', publicKey as KeyLike, {
        issuer: clientId, subject: clientId, audience: ehr.tokenUrl, algorithms: ['ES384', 'RS384'], maxTokenAge: '5m',
      });
      if (protectedHeader.kid !== kid || typeof payload.jti !== 'string' || jtis.has(payload.jti)) throw new Error('kid or jti');
      jtis.add(payload.jti);
    } catch (error) {
      return send(res, 401, { error: 'invalid_client', error_description: error instanceof Error ? error.message : String(error) });
    }
    const accessToken = randomUUID();
    tokens.add(accessToken);
    send(res, 200, { access_token: accessToken, token_type: 'bearer', expires_in: tokenSeconds, scope: form.get('scope') });
  }

  async function search(url: URL, res: Response): Promise<void> {
    const query = new URLSearchParams(url.search);
    const named = query.get('patient.identifier');
    if (named !== null) {
      query.delete('patient.identifier');
      query.set('patient', (await patientsNamed(named)).join(',') || 'Patient/none');
    }
    if (ehr.ignoreCode) query.delete('code');
    const count = Number(query.get('_count') ?? '20');
    const offset = Number(query.get('_offset') ?? '0');
    const type = url.pathname.slice('/fhir/'.length);
    const [result, bundle] = await router.handleRequest({ method: 'GET', url: `/${type}?${query}`, pathname: '', body: undefined, params: {}, query: {} }, repo);
    if (!bundle) return send(res, 400, result);
    const page = bundle as Bundle;
    const next = new URLSearchParams(url.search);
    next.set('_offset', String(offset + count));
    page.link = [{ relation: 'self', url: url.toString() }, ...(offset + count < (page.total ?? 0) ? [{ relation: 'next', url: `${origin}${url.pathname}?${next}` }] : [])];
    page.entry = page.entry?.map((e) => ({ ...e, search: { mode: 'match' } }));
    send(res, 200, page);
  }

  async function patientsNamed(tokensParam: string): Promise<string[]> {
    const ids: string[] = [];
    for (const token of tokensParam.split(',')) {
      const found = await repo.search<Patient>({ resourceType: 'Patient', filters: [{ code: 'identifier', operator: Operator.EQUALS, value: token }] });
      ids.push(...(found.entry ?? []).map((e) => `Patient/${e.resource?.id}`));
    }
    return ids;
  }

  return ehr;
}

function outcome(code: string, diagnostics: string) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.status(status).set({ 'Content-Type': 'application/fhir+json', ...headers }).send(JSON.stringify(body));
}
