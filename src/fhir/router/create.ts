import { randomUUID } from 'node:crypto';
import { errors, success } from '../outcomes';
import type { Handler } from '../types';
import { inTransaction, prepareForWrite, resourceBody } from './context';
import { findMatches, lockCriteria } from './conditional';

/** POST [type]: a new resource with a server-assigned id; with If-None-Exist, only if none matches. */
export const create: Handler = async (request, { type }, ctx) => {
  const resource = resourceBody(request, type as string);
  return inTransaction(ctx, async (tx) => {
    if (request.ifNoneExist !== undefined) {
      await lockCriteria(tx, type as string, request.ifNoneExist);
      const matches = await findMatches(tx, ctx, type as string, request.ifNoneExist);
      if (matches.length > 1) {
        throw errors.precondition(`If-None-Exist matches several ${type} resources`);
      }
      if (matches.length === 1) {
        return [success('ok', `A ${type} matching If-None-Exist already exists; nothing was created`), matches[0]];
      }
    }
    // R4: the server ignores an id in the body of a create.
    const id = request.assignedId ?? randomUUID();
    const stored = await tx.write(prepareForWrite(resource, id), 'POST');
    return [success('created', `Created ${type}/${id}`), stored.resource];
  });
};
