import type { OperationOutcome, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { printSummary, type ReindexArgs } from './reindex-summary';

/**
 * Asks a running server to reindex (POST [base]/$reindex) and prints its answer. The server runs
 * the batches while the request waits, so there is no progress bar; its log shows the request.
 */
export async function reindexRemotely(args: ReindexArgs): Promise<number> {
  const url = `${(args.url as string).replace(/\/+$/, '')}/$reindex`;
  const parameter: ParametersParameter[] = [
    ...args.types.map((type) => ({ name: 'type', valueCode: type })),
    ...(args.batchSize !== undefined ? [{ name: 'batchSize', valuePositiveInt: args.batchSize }] : []),
    ...(args.restart ? [{ name: 'restart', valueBoolean: true }] : []),
  ];
  process.stderr.write(`Asking ${url} to reindex; this returns when the server is done...\n`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      // The server's security is on by default: the token comes from STROMA_TOKEN (npm run -s token).
      headers: {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
        ...(process.env.STROMA_TOKEN ? { authorization: `Bearer ${process.env.STROMA_TOKEN}` } : {}),
      },
      body: JSON.stringify({ resourceType: 'Parameters', parameter } satisfies Parameters),
    });
  } catch (error) {
    process.stderr.write(`Cannot reach ${url}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}\n`);
    return 1;
  }
  const body = (await response.json().catch(() => undefined)) as Parameters | OperationOutcome | undefined;
  if (!response.ok || body?.resourceType !== 'Parameters') {
    const reason = body?.resourceType === 'OperationOutcome' ? body.issue?.map((i) => i.diagnostics).join('; ') : '';
    process.stderr.write(`The server answered ${response.status}${reason ? `: ${reason}` : ''}\n`);
    return 1;
  }
  const values = (name: string) => (body.parameter ?? []).filter((p) => p.name === name);
  const first = (name: string) => values(name)[0];
  printSummary({
    done: first('reindexed')?.valueInteger ?? 0,
    total: first('total')?.valueInteger ?? 0,
    resumed: first('resumed')?.valueBoolean ?? false,
    finished: true,
    completed: values('completed').map((p) => p.valueString as string),
    incomplete: values('incomplete').map((p) => p.valueString as string),
  });
  return 0;
}
