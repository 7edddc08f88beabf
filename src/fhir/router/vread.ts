import type { Handler } from '../types';
import { assertValidId, readerOf } from './context';
import { respondWithVersion } from './read';
import { errors } from '../outcomes';

/** GET [type]/[id]/_history/[vid]: any version ever written; 410 for the version that deleted it. */
export const vread: Handler = async (request, { type, id, versionId }, ctx) => {
  assertValidId(id as string);
  const version = Number(versionId);
  if (!/^\d+$/.test(versionId as string) || !Number.isSafeInteger(version)) {
    throw errors.notFound(`${type}/${id}/_history/${versionId}`);
  }
  const stored = await readerOf(ctx).readVersion(type as string, id as string, version);
  return respondWithVersion(request, stored, `${type}/${id}/_history/${versionId}`);
};
