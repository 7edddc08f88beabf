import type { RequestListener } from 'node:http';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { FHIR_JSON } from '../helpers/test-app';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { committedDataset } from '../unit/trial/demo/published-fixture';

/**
 * NCT02213705's published-results dataset (bundles/demo/nct02213705-published.json) on a test app, for
 * the suites that read it back: this one, and the $safety-summary suite that checks the paper's figures.
 */
export const PUBLISHED_NCT = 'NCT02213705';
export type Headers = Record<string, string>;

export interface PublishedLoad {
  /** "ResearchStudy/{id}" of NCT02213705. */
  study: string;
  /** The dataset transaction's response. */
  response: Bundle;
}

function diagnostics(body: unknown): string {
  const outcome = body as OperationOutcome;
  return outcome?.resourceType === 'OperationOutcome' ? (outcome.issue ?? []).map((i) => i.diagnostics).join('\n') : JSON.stringify(body);
}

/** POSTs the committed dataset as it is; the transaction-response Bundle (throws, with the server's reasons, unless 200). */
export async function postPublishedDataset(app: RequestListener, headers: Headers = {}): Promise<Bundle> {
  const res = await request(app).post('/fhir').set(headers).set('Content-Type', FHIR_JSON).send(committedDataset());
  if (res.status !== 200) throw new Error(`the published dataset answered ${res.status}: ${diagnostics(res.body)}`);
  return res.body as Bundle;
}

/**
 * The seed trial NCT02213705 (its bundles/trials transaction, as the first start loads it), then the
 * published dataset. On an empty store, every entry of the dataset is created.
 */
export async function loadPublishedDataset(app: RequestListener, headers: Headers = {}): Promise<PublishedLoad> {
  await request(app).post('/fhir').set(headers).set('Content-Type', FHIR_JSON).send(seedTrials().get(PUBLISHED_NCT)).expect(200);
  const found = await request(app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${PUBLISHED_NCT}`).set(headers).expect(200);
  const id = (found.body as Bundle).entry?.[0]?.resource?.id;
  if (!id) throw new Error(`${PUBLISHED_NCT} is not stored`);
  return { study: `ResearchStudy/${id}`, response: await postPublishedDataset(app, headers) };
}

/** Every match of a search (one page of up to 1,000, which the dataset never exceeds). */
export async function searchAll<T extends Resource>(app: RequestListener, query: string, headers: Headers = {}): Promise<T[]> {
  const res = await request(app).get(`/fhir/${query}${query.includes('?') ? '&' : '?'}_count=1000`).set(headers).expect(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as T);
}

/** How many resources match a search. */
export async function countOf(app: RequestListener, query: string, headers: Headers = {}): Promise<number> {
  const res = await request(app).get(`/fhir/${query}${query.includes('?') ? '&' : '?'}_summary=count`).set(headers).expect(200);
  return (res.body as Bundle).total as number;
}
