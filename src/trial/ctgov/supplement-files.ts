import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanDefinition } from '@medplum/fhirtypes';
import type { TrialSupplement } from './supplement';

/** A trial's supplement with its visit schedule resolved to the PlanDefinitions it names. */
export interface ResolvedSupplement {
  readonly supplement: TrialSupplement;
  readonly schedule: readonly PlanDefinition[];
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/**
 * bundles/supplements/<NCT>.json by NCT number, each schedule name read from `examplesDir`
 * (profiles/examples/<name>.json). A missing folder holds no supplement.
 */
export function readSupplements(supplementsDir: string, examplesDir: string): Map<string, ResolvedSupplement> {
  const found = new Map<string, ResolvedSupplement>();
  if (!existsSync(supplementsDir)) return found;
  for (const file of readdirSync(supplementsDir).filter((f) => /^NCT\d{8}\.json$/.test(f)).sort()) {
    const supplement = readJson(path.join(supplementsDir, file)) as TrialSupplement;
    if (`${supplement.nctId}.json` !== file) throw new Error(`${file} holds the supplement of ${supplement.nctId}`);
    const schedule = (supplement.schedule ?? []).map((name) => readJson(path.join(examplesDir, `${name}.json`)) as PlanDefinition);
    found.set(supplement.nctId, { supplement, schedule });
  }
  return found;
}
