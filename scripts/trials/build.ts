/**
 * `npm run trials`: regenerates bundles/trials/ from bundles/ctgov/ and bundles/supplements/ (a test
 * fails while they differ). Writes only what changed and removes bundles whose record is gone.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectedTrialFiles, TRIALS_DIR, trialFileDrift } from './layout';

function main(): number {
  const expected = expectedTrialFiles();
  const drift = trialFileDrift(expected);
  mkdirSync(TRIALS_DIR, { recursive: true });
  for (const file of [...drift.missing, ...drift.changed]) writeFileSync(path.join(TRIALS_DIR, file), expected.get(file) as string);
  for (const file of drift.stale) rmSync(path.join(TRIALS_DIR, file));
  const changes = [...drift.missing.map((f) => `  new      ${f}`), ...drift.changed.map((f) => `  changed  ${f}`), ...drift.stale.map((f) => `  deleted  ${f}`)];
  console.log(`${expected.size} trial bundles in bundles/trials: ${changes.length === 0 ? 'all up to date' : `\n${changes.join('\n')}`}`);
  return 0;
}

process.exit(main());
