import type { FhirMethod, Handler } from '../types';
import { capabilities } from './capabilities';
import { create } from './create';
import { conditionalDelete, remove } from './delete';
import { instanceHistory, systemHistory, typeHistory } from './history';
import { conditionalPatch, patch } from './patch';
import { read } from './read';
import { search } from './search';
import { conditionalUpdate, update } from './update';
import { vread } from './vread';
import { bundle } from '../bundle/bundle';

/** CapabilityStatement interaction codes (R4 TypeRestfulInteraction and SystemRestfulInteraction). */
export type InteractionCode =
  | 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'history-instance' | 'history-type' | 'create'
  | 'search-type' | 'transaction' | 'batch' | 'history-system' | 'search-system' | 'capabilities';

/**
 * One row per interaction: the router matches requests against this table and the
 * CapabilityStatement lists it, so what is declared is exactly what is routed.
 * Segments: ":type" a resource type, ":id" an id, ":vid" a version, anything else literal.
 */
export interface Route {
  method: FhirMethod;
  segments: string[];
  /** Route only when the request has (true) or has no (false) query parameters; undefined: either. */
  conditional?: boolean;
  interactions: InteractionCode[];
  handler: Handler;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', segments: ['metadata'], interactions: ['capabilities'], handler: (_request, _params, ctx) => capabilities(ROUTES, ctx) },
  { method: 'POST', segments: [], interactions: ['transaction', 'batch'], handler: bundle },
  { method: 'GET', segments: ['_history'], interactions: ['history-system'], handler: systemHistory },
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
