export { createPostgresAuditLog } from './audit-log';
export { createPostgresAuthStore } from './auth-store';
export { openDatabase, type StoreSettings } from './open';
export { createPostgresRepository } from './postgres-repository';
import type { SearchParamType } from '../repository';
import { INDEX_TYPES } from './indexing';

/** The search parameter types this store indexes: those with a table, and composites of them (composite-plan.ts). */
export const SEARCHABLE_TYPES = [...Object.keys(INDEX_TYPES), 'composite'] as SearchParamType[];
export { createPostgresExportStore } from './export-store';
