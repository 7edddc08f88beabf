import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Bundle } from '@medplum/fhirtypes';
import { ConfigError } from '../config';
import { DataDirInUseError } from '../store/postgres/driver/data-dir-lock';
import { diagnosticsOf, type FhirSend, withFhirSession } from './fhir-session';

const USAGE = `Imports studies from their ClinicalTrials.gov API v2 records (ResearchStudy/$import-ctgov).

  npm run import:ctgov -- RECORD.json... [--url BASE]

  RECORD.json   a study record as https://clinicaltrials.gov/api/v2/studies/NCT... serves it
  --url BASE    send the records to the server at BASE (e.g. http://127.0.0.1:8080/fhir), with the
                bearer token of STROMA_TOKEN (npm run token), instead of opening the database:
                needed while a server holds the embedded store's data directory

Importing a record again updates its study in place. Exit codes: 0 all imported, 1 a record was
refused (the others are imported), 2 bad usage or store unavailable.`;

/** "record.json: ResearchStudy/123, 19 resources (19 created, 0 updated or unchanged)" from a transaction-response. */
function summary(file: string, response: Bundle): string {
  const statuses = (response.entry ?? []).map((e) => e.response?.status ?? '');
  const created = statuses.filter((s) => s.startsWith('201')).length;
  const study = response.entry?.[0];
  const where = study?.resource?.id ? `ResearchStudy/${study.resource.id}` : (study?.fullUrl ?? 'ResearchStudy');
  return `${file}: ${where}, ${statuses.length} resources (${created} created, ${statuses.length - created} updated or unchanged)`;
}

async function importRecord(send: FhirSend, file: string): Promise<boolean> {
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`${file}: cannot read a JSON record: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
  const answer = await send({ method: 'POST', path: 'ResearchStudy/$import-ctgov', body: record });
  if (answer.status === 200) {
    process.stdout.write(`${summary(file, answer.body as Bundle)}\n`);
    return true;
  }
  process.stderr.write(`${file}: refused (${answer.status})\n${diagnosticsOf(answer.body)}\n`);
  return false;
}

async function main(): Promise<number> {
  let parsed: { values: { url?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help || parsed.positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return parsed.values.help ? 0 : 2;
  }
  const files = parsed.positionals;
  return withFhirSession(parsed.values.url, async (send) => {
    let failed = 0;
    for (const file of files) if (!(await importRecord(send, file))) failed++;
    return failed === 0 ? 0 : 1;
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`${error.message}.\nStop the server, or send the records to it: npm run import:ctgov -- RECORD.json --url http://127.0.0.1:8080/fhir\n`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    process.stderr.write(`import failed: ${cause}\n`);
    process.exit(1);
  },
);
