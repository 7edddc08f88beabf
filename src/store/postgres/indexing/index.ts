import { InvalidSearchError, type IndexedParameter, type SearchParamType } from '../../repository';
import { dateIndex } from './date';
import type { IndexType } from './index-type';
import { numberIndex } from './number';
import { quantityIndex } from './quantity';
import { referenceIndex } from './reference';
import { stringIndex } from './string';
import { tokenIndex } from './token';
import { uriIndex } from './uri';

/** The parameter types the store can index and search; others are not offered. */
export const INDEX_TYPES: Partial<Record<SearchParamType, IndexType>> = {
  token: tokenIndex,
  string: stringIndex,
  reference: referenceIndex,
  uri: uriIndex,
  date: dateIndex,
  number: numberIndex,
  quantity: quantityIndex,
};

/** Every index type, each with its own table, in one fixed order. */
export const ALL_INDEX_TYPES: readonly IndexType[] = Object.values(INDEX_TYPES);

/** The index type of a parameter; InvalidSearchError for a type the store cannot search. */
export function indexOf(param: IndexedParameter): IndexType {
  const index = INDEX_TYPES[param.type];
  if (!index) {
    throw new InvalidSearchError(`Search parameter ${param.code} of type ${param.type} is not supported`);
  }
  return index;
}
