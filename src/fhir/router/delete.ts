import type { ResourceWriter } from '../../store/repository';
import { success } from '../outcomes';
import type { FhirRequest, Handler, HandlerResult } from '../types';
import { assertValidId, checkIfMatch, inTransaction } from './context';
import { lockedMatch } from './conditional';

/** DELETE [type]/[id]: a tombstone version. Deleting what does not exist succeeds too (R4 http page). */
export const remove: Handler = async (request, { type, id }, ctx) => {
  assertValidId(id as string);
  return inTransaction(ctx, (tx) => deleteById(tx, request, type as string, id as string));
};

/** DELETE [type]?criteria: deletes the one match; several matches are refused with 412. */
export const conditionalDelete: Handler = async (request, { type }, ctx) => {
  return inTransaction(ctx, async (tx) => {
    const match = await lockedMatch(tx, ctx, type as string, request.query);
    if (!match) {
      return [success('ok', `No ${type} matches the criteria; nothing was deleted`)];
    }
    return deleteById(tx, request, type as string, match.id as string);
  });
};

async function deleteById(tx: ResourceWriter, request: FhirRequest, type: string, id: string): Promise<HandlerResult> {
  const current = await tx.readForUpdate(type, id);
  checkIfMatch(request.ifMatch, current, `${type}/${id}`);
  if (!current || current.deleted) {
    return [success('ok', `${type}/${id} does not exist; nothing was deleted`)];
  }
  await tx.remove(current);
  return [success('ok', `Deleted ${type}/${id}`)];
}
