/**
 * `npm run profiles`: compiles profiles/fsh with SUSHI, offline, and writes the JSON into profiles/.
 * Builds the FHIR core package into the project's cache first if it is not there yet.
 * Exits non-zero, writing nothing, when SUSHI reports an error.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FHIR_PACKAGE_CACHE } from '../../src/fhir/conformance/core-package';
import { compareProfileFiles, expectedProfileFiles } from './layout';
import { compileFsh } from './sushi-offline';

const PROFILES_DIR = path.resolve(__dirname, '..', '..', 'profiles');

async function main(): Promise<number> {
  const started = Date.now();
  const result = await compileFsh(path.join(PROFILES_DIR, 'fsh'), DEFAULT_FHIR_PACKAGE_CACHE);
  result.warnings.forEach((warning) => console.warn(`warning: ${warning}`));
  result.errors.forEach((error) => console.error(`error: ${error}`));
  if (result.errors.length > 0) {
    console.error(`SUSHI reported ${result.errors.length} error(s); profiles/ left as it was.`);
    return 1;
  }
  const expected = expectedProfileFiles(result.resources);
  const drift = compareProfileFiles(PROFILES_DIR, expected);
  for (const file of [...drift.missing, ...drift.changed]) {
    mkdirSync(path.dirname(path.join(PROFILES_DIR, file)), { recursive: true });
    writeFileSync(path.join(PROFILES_DIR, file), expected.get(file) as string);
  }
  for (const file of drift.stale) {
    rmSync(path.join(PROFILES_DIR, file));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${expected.size} resources from profiles/fsh in ${seconds} s: ${drift.missing.length} new, ` +
      `${drift.changed.length} changed, ${drift.stale.length} deleted, ${result.warnings.length} warning(s).`,
  );
  [...drift.missing.map((f) => `  new      ${f}`), ...drift.changed.map((f) => `  changed  ${f}`), ...drift.stale.map((f) => `  deleted  ${f}`)]
    .forEach((line) => console.log(line));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
