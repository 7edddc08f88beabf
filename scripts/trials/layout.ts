import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readSupplements } from '../../src/trial/ctgov/supplement-files';
import { trialBundle } from '../../src/trial/ctgov/supplement';

/**
 * bundles/trials/<NCT>.json, generated: each seed trial's record (bundles/ctgov/) mapped with its
 * supplement (bundles/supplements/), whose schedule names profiles/examples files.
 */
export const ROOT = path.resolve(__dirname, '..', '..');
const CTGOV_DIR = path.join(ROOT, 'bundles', 'ctgov');
export const SUPPLEMENTS_DIR = path.join(ROOT, 'bundles', 'supplements');
export const EXAMPLES_DIR = path.join(ROOT, 'profiles', 'examples');
export const TRIALS_DIR = path.join(ROOT, 'bundles', 'trials');

function nctFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /^NCT\d{8}\.json$/.test(f)).sort();
}

/** File name -> the text it must have, for every seed record. */
export function expectedTrialFiles(): Map<string, string> {
  const supplements = readSupplements(SUPPLEMENTS_DIR, EXAMPLES_DIR);
  const files = new Map<string, string>();
  for (const file of nctFiles(CTGOV_DIR)) {
    const resolved = supplements.get(file.replace(/\.json$/, ''));
    const bundle = trialBundle(JSON.parse(readFileSync(path.join(CTGOV_DIR, file), 'utf8')), resolved?.supplement, resolved?.schedule);
    files.set(file, `${JSON.stringify(bundle, null, 2)}\n`);
  }
  return files;
}

/** The files of bundles/trials/ that differ from `expected`, are missing, or have no record any more. */
export function trialFileDrift(expected: Map<string, string>, dir = TRIALS_DIR): { missing: string[]; changed: string[]; stale: string[] } {
  const present = existsSync(dir) ? nctFiles(dir) : [];
  return {
    missing: [...expected.keys()].filter((f) => !present.includes(f)),
    changed: present.filter((f) => expected.has(f) && readFileSync(path.join(dir, f), 'utf8') !== expected.get(f)),
    stale: present.filter((f) => !expected.has(f)),
  };
}
