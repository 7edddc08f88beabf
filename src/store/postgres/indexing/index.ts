import type { SearchParamType } from '../../repository';
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
