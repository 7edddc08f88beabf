import type { Route } from '../types';
import { capabilities } from './capabilities';
import { create } from './create';
import { conditionalDelete, remove } from './delete';
import { instanceHistory, systemHistory, typeHistory } from './history';
import { conditionalPatch, patch } from './patch';
import { read } from './read';
import { search } from './search';
import { systemSearch } from './system-search';
import { conditionalUpdate, update } from './update';
import { vread } from './vread';
import { bundle } from '../bundle/bundle';
import { reindex, REINDEX_OPERATION } from '../operations/reindex';
import { validate, VALIDATE_OPERATION } from '../operations/validate';

export const ROUTES: readonly Route[] = [
  { method: 'GET', segments: ['metadata'], interactions: ['capabilities'], handler: (_request, _params, ctx) => capabilities([...ROUTES, ...ctx.registries.operations.routes], ctx) },
  { method: 'POST', segments: [], interactions: ['transaction', 'batch'], handler: bundle },
  { method: 'GET', segments: [], interactions: ['search-system'], handler: systemSearch },
  { method: 'POST', segments: ['_search'], interactions: ['search-system'], handler: systemSearch },
  { method: 'POST', segments: ['$reindex'], interactions: [], operation: REINDEX_OPERATION, handler: reindex },
  { method: 'GET', segments: ['_history'], interactions: ['history-system'], handler: systemHistory },
  { method: 'POST', segments: [':type', '$validate'], interactions: [], operation: VALIDATE_OPERATION, anyResourceType: true, handler: validate },
  { method: 'POST', segments: [':type', ':id', '$validate'], interactions: [], operation: VALIDATE_OPERATION, handler: validate },
  { method: 'GET', segments: [':type', ':id', '$validate'], interactions: [], operation: VALIDATE_OPERATION, handler: validate },
  { method: 'GET', segments: [':type'], interactions: ['search-type'], handler: search },
  { method: 'POST', segments: [':type', '_search'], interactions: ['search-type'], handler: search },
  { method: 'POST', segments: [':type'], interactions: ['create'], handler: create },
  { method: 'PUT', segments: [':type'], conditional: true, interactions: ['update'], handler: conditionalUpdate },
  { method: 'PATCH', segments: [':type'], conditional: true, interactions: ['patch'], handler: conditionalPatch },
  { method: 'DELETE', segments: [':type'], conditional: true, interactions: ['delete'], handler: conditionalDelete },
  { method: 'GET', segments: [':type', '_history'], interactions: ['history-type'], handler: typeHistory },
  { method: 'GET', segments: [':type', ':id'], interactions: ['read'], handler: read },
  { method: 'PUT', segments: [':type', ':id'], interactions: ['update'], handler: update },
  { method: 'PATCH', segments: [':type', ':id'], interactions: ['patch'], handler: patch },
  { method: 'DELETE', segments: [':type', ':id'], interactions: ['delete'], handler: remove },
  { method: 'GET', segments: [':type', ':id', '_history'], interactions: ['history-instance'], handler: instanceHistory },
  { method: 'GET', segments: [':type', ':id', '_history', ':vid'], interactions: ['vread'], handler: vread },
];
