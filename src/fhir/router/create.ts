import { randomUUID } from 'node:crypto';
import { success } from '../outcomes';
import type { Handler } from '../types';
import { inTransaction, prepareForWrite, resourceBody } from './context';
import { lockedMatch } from './conditional';

/** POST [type]: a new resource with a server-assigned id; with If-None-Exist, only if none matches. */
export const create: Handler = async (request, { type }, ctx) => {
  const resource = resourceBody(request, type as string);
  return inTransaction(ctx, async (tx) => {
    if (request.ifNoneExist !== undefined) {
      const existing = await lockedMatch(tx, ctx, type as string, request.ifNoneExist);
      if (existing) {
        return [success('ok', `A ${type} matching If-None-Exist already exists; nothing was created`), existing];
      }
    }
    // R4: the server ignores an id in the body of a create.
    const id = request.assignedId ?? randomUUID();
    const stored = await tx.write(prepareForWrite(resource, id), 'POST');
    return [success('created', `Created ${type}/${id}`), stored.resource];
  });
};
