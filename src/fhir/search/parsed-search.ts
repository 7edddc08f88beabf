import type { SearchQuery } from '../../store/repository';
import type { IncludeSpec } from './include-params';

/**
 * A search request as understood: the query for the store and what shapes the answer. In a file
 * of its own so that parse-search.ts and result-params.ts, which both fill it, need not import
 * each other.
 */
export interface ParsedSearch {
  query: SearchQuery;
  /** The parameters applied, in the form the self link shows them. */
  applied: [string, string][];
  /** Parameters not understood and left out (lenient handling only). */
  ignored: string[];
  /** _include and _revinclude, applied to each page of matches. */
  includes: IncludeSpec[];
  summary?: string;
  elements?: string[];
}
