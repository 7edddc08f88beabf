import { parseSystemSearch } from '../search/system-search';
import type { Handler } from '../types';
import { answerSearch, searchParams } from './search';

/** GET [base]?_type=...&params and POST [base]/_search (form body): a search across resource types. */
export const systemSearch: Handler = async (request, _params, ctx) => {
  const parsed = parseSystemSearch(searchParams(request), ctx.registries, request.preferHandling === 'strict');
  return answerSearch(parsed, ctx);
};
