import { applyPatch, validate, type Operation } from 'fast-json-patch';
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceWriter } from '../../store/repository';
import { errors, fail, success } from '../outcomes';
import type { FhirRequest, Handler, HandlerResult } from '../types';
import { assertValidId, checkIfMatch, inTransaction, resourceBody } from './context';
import { lockedMatch } from './conditional';

/** PATCH [type]/[id] with a JSON Patch document (RFC 6902). */
export const patch: Handler = async (request, { type, id }, ctx) => {
  assertValidId(id as string);
  const operations = patchDocument(request);
  return inTransaction(ctx, (tx) => patchById(tx, request, operations, type as string, id as string));
};

/** PATCH [type]?criteria: patches the one match. */
export const conditionalPatch: Handler = async (request, { type }, ctx) => {
  const operations = patchDocument(request);
  return inTransaction(ctx, async (tx) => {
    const match = await lockedMatch(tx, ctx, type as string, request.query);
    if (!match) {
      throw errors.notFound(`A ${type} matching the criteria`);
    }
    return patchById(tx, request, operations, type as string, match.id as string);
  });
};

function patchDocument(request: FhirRequest): Operation[] {
  if (request.contentType !== 'application/json-patch+json') {
    throw fail('unsupported-media', 'not-supported', 'PATCH takes a JSON Patch document (Content-Type: application/json-patch+json)');
  }
  const operations = request.body;
  if (!Array.isArray(operations)) {
    throw errors.structure('A JSON Patch document is an array of operations');
  }
  const problem = validate(operations as Operation[]);
  if (problem) {
    throw errors.structure(`Invalid JSON Patch: ${problem.message.split('\n')[0]}`);
  }
  return operations as Operation[];
}

async function patchById(
  tx: ResourceWriter,
  request: FhirRequest,
  operations: Operation[],
  type: string,
  id: string,
): Promise<HandlerResult> {
  const current = await tx.readForUpdate(type, id);
  if (!current) {
    throw errors.notFound(`${type}/${id}`);
  }
  if (current.deleted || !current.resource) {
    throw errors.gone(`${type}/${id}`);
  }
  checkIfMatch(request.ifMatch, current, `${type}/${id}`);
  const patched = applyOperations(current.resource, operations);
  if (patched.id !== id || patched.resourceType !== type) {
    throw errors.businessRule('A patch may not change the resource type or id');
  }
  resourceBody({ ...request, body: patched }, type);
  const stored = await tx.write(patched, 'PATCH', current);
  return [success('ok', `Patched ${type}/${id}`), stored.resource];
}

/** RFC 6902 on a copy; a failed test or a path that does not exist is a 422, as R4 asks. */
function applyOperations(resource: Resource, operations: Operation[]): Resource {
  try {
    return applyPatch(structuredClone(resource), operations, true, false).newDocument;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw errors.businessRule(`The patch could not be applied: ${message}`);
  }
}
