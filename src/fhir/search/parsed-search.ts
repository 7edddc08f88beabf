import type { SearchQuery } from '../../store/repository';

/** A search request after parsing: the typed query and what the searchset Bundle reports about it. */
export interface ParsedSearch {
  query: SearchQuery;
  /** The parameters applied, in the form the self link shows them. */
  applied: [string, string][];
  /** Parameters not understood and left out (lenient handling only). */
  ignored: string[];
  summary?: string;
  elements?: string[];
}
