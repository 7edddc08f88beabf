import { randomUUID } from 'node:crypto';
import { errors } from '../outcomes';
import type { Handler } from '../types';
import { assertValidId, inTransaction, resourceBody } from './context';
import { lockedMatch } from './conditional';
import { writeNextVersion } from './write-version';

/** PUT [type]/[id]: the next version, or a create with the client's id (update as create). */
export const update: Handler = async (request, { type, id }, ctx) => {
  assertValidId(id as string);
  const resource = resourceBody(request, type as string);
  if (resource.id === undefined) {
    throw errors.invalid(`The resource has no id; PUT ${type}/${id} needs id "${id}" in the body`, `${type}.id`);
  }
  if (resource.id !== id) {
    throw errors.invalid(`The body's id "${resource.id}" differs from the URL's id "${id}"`, `${type}.id`);
  }
  return inTransaction(ctx, (tx) => writeNextVersion(tx, request, resource, id as string, 'PUT'));
};

/** PUT [type]?criteria: update the one match, create when there is none, 412 when several match. */
export const conditionalUpdate: Handler = async (request, { type }, ctx) => {
  const resource = resourceBody(request, type as string);
  return inTransaction(ctx, async (tx) => {
    const match = await lockedMatch(tx, ctx, type as string, request.query);
    if (match && resource.id !== undefined && resource.id !== match.id) {
      throw errors.invalid(`The body's id "${resource.id}" is not the id of the matching ${type} (${match.id})`, `${type}.id`);
    }
    const id = match?.id ?? resource.id ?? request.assignedId ?? randomUUID();
    // No match and no id of the client's: the server gives a new id, so the write is a create (a
    // requester who may create but only update its own resources, an EHR, may make it).
    const creates = !match && resource.id === undefined;
    return writeNextVersion(tx, request, resource, id, creates ? 'POST' : 'PUT');
  });
};
