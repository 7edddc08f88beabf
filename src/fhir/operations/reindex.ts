import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { errors, success } from '../outcomes';
import type { FhirRequest, Handler } from '../types';

export const REINDEX_OPERATION = { name: 'reindex', definition: 'https://stroma-fhir.org/fhir/OperationDefinition/reindex' };

/** The input parameters, as profiles/operations/reindex.json defines them. */
export const REINDEX_INPUTS = ['type', 'batchSize', 'restart'] as const;

interface ReindexInput {
  types: string[];
  batchSize?: number;
  restart: boolean;
}

/**
 * POST [base]/$reindex: rebuilds the search index rows of every stored resource (or of the types
 * named by `type`), then answers with what it did and which parameters became searchable. It runs
 * while the request waits; batches commit one by one, so if it is cut short, calling it again
 * resumes. (HAPI's $reindex starts a background job instead and answers with its id.)
 */
export const reindex: Handler = async (request, _params, ctx) => {
  if (ctx.tx) {
    throw errors.invalid('$reindex cannot run inside a transaction Bundle');
  }
  const input = readInput(request);
  const unknown = input.types.filter((t) => !ctx.registries.resourceTypes.has(t));
  if (unknown.length > 0) {
    throw errors.invalid(`Unknown resource type(s): ${unknown.join(', ')}`, 'Parameters.parameter.where(name=\'type\')');
  }
  const result = await ctx.definitions.reindex(ctx.repo, { resourceTypes: input.types, batchSize: input.batchSize, restart: input.restart });
  const parameter: ParametersParameter[] = [
    { name: 'reindexed', valueInteger: result.done },
    { name: 'total', valueInteger: result.total },
    { name: 'resumed', valueBoolean: result.resumed },
    ...result.completed.map((key) => ({ name: 'completed', valueString: key })),
    ...result.incomplete.map((key) => ({ name: 'incomplete', valueString: key })),
  ];
  const output: Parameters = { resourceType: 'Parameters', parameter };
  return [success('ok', `Reindexed ${result.done} of ${result.total} resources`), output];
};

/** The inputs from a Parameters body, or from the query string (`?type=Observation,Patient`). */
function readInput(request: FhirRequest): ReindexInput {
  const pairs: [string, unknown][] = request.query.map(([name, value]) => [name, value]);
  const body = request.body as Parameters | undefined;
  if (body !== undefined && !(typeof body === 'object' && body !== null && Object.keys(body).length === 0)) {
    if (body?.resourceType !== 'Parameters') {
      throw errors.invalid('$reindex takes a Parameters resource (or no body)');
    }
    for (const p of body.parameter ?? []) {
      pairs.push([p.name as string, p.valueCode ?? p.valueString ?? p.valueInteger ?? p.valuePositiveInt ?? p.valueBoolean]);
    }
  }
  const input: ReindexInput = { types: [], restart: false };
  for (const [name, value] of pairs) {
    if (name === 'type') {
      input.types.push(...String(value).split(',').map((t) => t.trim()).filter((t) => t.length > 0));
    } else if (name === 'batchSize') {
      input.batchSize = positiveInteger(value);
    } else if (name === 'restart') {
      input.restart = value === true || value === 'true';
    } else if (!name.startsWith('_')) {
      throw errors.invalid(`$reindex has no parameter "${name}" (it takes ${REINDEX_INPUTS.join(', ')})`);
    }
  }
  return input;
}

function positiveInteger(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw errors.invalid(`batchSize must be an integer from 1 to 100000, not "${String(value)}"`);
  }
  return n;
}
