import { spawn } from 'node:child_process';
import type { Bundle } from '@medplum/fhirtypes';

/**
 * Named baselines of bench:export, measured in the same run:
 * - PostgreSQL's own COPY of every current resource's content (jsonb as text) through psql into
 *   /dev/null: the fastest any export can read the same rows out of this database on this machine;
 * - the FHIR search API paged through at its largest page (`_count=1000`, following `next`): what a
 *   client without $export would do.
 */

export interface BaselineRun {
  label: string;
  resources: number;
  seconds: number;
}

export async function timeCopy(databaseUrl: string, resources: number): Promise<BaselineRun> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.env.PSQL ?? 'psql', [databaseUrl, '-qXc', 'COPY (SELECT content FROM resource WHERE NOT deleted) TO STDOUT'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY exited with ${code}: ${stderr}`))));
  });
  return { label: 'COPY (SELECT content FROM resource) TO STDOUT, psql into /dev/null', resources, seconds: (performance.now() - start) / 1000 };
}

/** Pages through `Observation?_count=1000` until `limit` resources (or the end), parsing each page as a client must. */
export async function timeSearchPaging(origin: string, authorization: string, limit: number): Promise<BaselineRun> {
  const start = performance.now();
  let url: string | undefined = `${origin}/fhir/Observation?_count=1000&_total=none`;
  let resources = 0;
  while (url && resources < limit) {
    const response = await fetch(url, { headers: { authorization, accept: 'application/fhir+json' } });
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${(await response.text()).slice(0, 300)}`);
    const bundle = (await response.json()) as Bundle;
    resources += (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome' && e.resource?.resourceType === 'Observation').length;
    url = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return { label: 'FHIR search, Observation?_count=1000 paged through', resources, seconds: (performance.now() - start) / 1000 };
}
