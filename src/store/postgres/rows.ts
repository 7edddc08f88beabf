import type { Resource } from '@medplum/fhirtypes';
import type { StoredVersion, WriteMethod } from '../repository';

/** A row of resource or resource_history as the queries select it. */
export interface VersionRow {
  rid: number;
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: string;
  /** Only in resource_history rows. */
  method?: WriteMethod;
  deleted: boolean;
  content: Resource | null;
  seq?: number;
}

export const VERSION_COLUMNS = 'rid, resource_type, id, version_id, last_updated, deleted, content';

export interface LocatedVersion extends StoredVersion {
  rid: number;
}

export function toVersion(row: VersionRow): LocatedVersion {
  return {
    rid: row.rid,
    resourceType: row.resource_type,
    id: row.id,
    versionId: row.version_id,
    lastUpdated: row.last_updated,
    deleted: row.deleted,
    resource: row.content ? withTypeFirst(row.content) : undefined,
  };
}

/** jsonb sorts keys by length; people reading resources expect resourceType, id and meta first. */
export function withTypeFirst(content: Resource): Resource {
  const { resourceType, id, meta, ...rest } = content;
  return { resourceType, id, meta, ...rest } as Resource;
}
