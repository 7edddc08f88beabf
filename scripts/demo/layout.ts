import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { PUBLISHED_NCT_ID, publishedJson } from '../../src/trial/demo';

/**
 * bundles/demo/nct02213705-published.json, generated from the trial's own Bundle in bundles/trials/ (its
 * arms, doses and visits), so the dataset follows the trial as the seed bundles describe it.
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const PUBLISHED_DATASET_FILE = path.join(ROOT, 'bundles', 'demo', `${PUBLISHED_NCT_ID.toLowerCase()}-published.json`);
const TRIAL_FILE = path.join(ROOT, 'bundles', 'trials', `${PUBLISHED_NCT_ID}.json`);

/** The trial's transaction Bundle, as the first start loads it. */
export function publishedTrial(): Bundle {
  return JSON.parse(readFileSync(TRIAL_FILE, 'utf8')) as Bundle;
}

/** The text the committed file must have. */
export function expectedPublishedDataset(): string {
  return publishedJson(publishedTrial());
}
