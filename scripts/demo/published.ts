/**
 * `npm run demo:published`: writes bundles/demo/nct02213705-published.json, the fictional dataset that
 * reproduces NCT02213705's published safety figures (a test fails while the file differs). With
 * --check, writes nothing and exits 1 when the file is out of date.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectedPublishedDataset, PUBLISHED_DATASET_FILE, ROOT } from './layout';

function main(): number {
  const expected = expectedPublishedDataset();
  const current = existsSync(PUBLISHED_DATASET_FILE) ? readFileSync(PUBLISHED_DATASET_FILE, 'utf8') : undefined;
  const file = path.relative(ROOT, PUBLISHED_DATASET_FILE);
  if (current === expected) {
    console.log(`${file}: up to date`);
    return 0;
  }
  if (process.argv.includes('--check')) {
    console.error(`${file}: out of date, run npm run demo:published`);
    return 1;
  }
  mkdirSync(path.dirname(PUBLISHED_DATASET_FILE), { recursive: true });
  writeFileSync(PUBLISHED_DATASET_FILE, expected);
  console.log(`${file}: ${current === undefined ? 'written' : 'updated'} (${JSON.parse(expected).entry.length} entries)`);
  return 0;
}

process.exit(main());
