import type { Resource } from '@medplum/fhirtypes';
import type { ResourceWriter, WriteMethod } from '../../store/repository';
import { success } from '../outcomes';
import { unchangedBy } from '../same-content';
import type { FhirRequest, HandlerResult } from '../types';
import { checkIfMatch, prepareForWrite } from './context';

/**
 * Writes `resource` as the next version of type/id under the row lock, honouring If-Match.
 * A resource that does not exist (or was deleted) is created: 201. An update that changes nothing
 * keeps the current version, as HAPI does (R4 is silent), so resubmitting data adds no history; an
 * update that only leaves out tags the server set (or carried forward) changes nothing either.
 */
export async function writeNextVersion(
  tx: ResourceWriter,
  request: FhirRequest,
  resource: Resource,
  id: string,
  method: WriteMethod,
): Promise<HandlerResult> {
  const type = resource.resourceType;
  // POST: an id the server has just drawn, which no version can have yet.
  const current = method === 'POST' ? undefined : await tx.readForUpdate(type, id);
  checkIfMatch(request.ifMatch, current, `${type}/${id}`);
  const next = prepareForWrite(resource, id);
  if (current && !current.deleted && current.resource && unchangedBy(current.resource, next)) {
    return [success('ok', `${type}/${id} is unchanged; no new version was written`), current.resource];
  }
  const existed = current !== undefined && !current.deleted;
  const stored = await tx.write(next, method, current);
  return [success(existed ? 'ok' : 'created', `${existed ? 'Updated' : 'Created'} ${type}/${id}`), stored.resource];
}
