/**
 * R4 primitive types: the JSON type each must have and its lexical rules (the regexes of the R4
 * specification, datatypes.html, plus the ranges of integer, positiveInt and unsignedInt).
 * A checker returns the problem as text, or undefined when the value is valid.
 */

const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[1-2][0-9]|3[0-1])';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';

const DATE = new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`);
const DATE_TIME = new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${ZONE})?)?)?$`);
/** A dateTime with a time but no zone: R4 forbids it, and the Java validator says why. */
const DATE_TIME_NO_ZONE = new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}$`);
const INSTANT = new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${ZONE}$`);
const TIME_ONLY = new RegExp(`^${TIME}$`);
const CODE = /^[^\s]+( [^\s]+)*$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URI = /^\S*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type Checker = (value: unknown) => string | undefined;

function stringChecker(pattern: RegExp | undefined, label: string): Checker {
  return (value) => {
    if (typeof value !== 'string') {
      return `Error parsing JSON: the primitive value must be a string, not ${describe(value)}`;
    }
    if (value.length === 0) {
      return '@value cannot be empty';
    }
    if (pattern && !pattern.test(value)) {
      return `Not a valid ${label} format: '${value}'`;
    }
    return undefined;
  };
}

function integerChecker(min: number, label: string): Checker {
  return (value) => {
    if (typeof value !== 'number') {
      return `Error parsing JSON: the primitive value must be a number, not ${describe(value)}`;
    }
    if (!Number.isInteger(value)) {
      return `The value '${value}' is not a valid ${label}`;
    }
    if (value < min || value > INT32_MAX) {
      return `The value '${value}' is outside the range of ${label} (${min}..${INT32_MAX})`;
    }
    return undefined;
  };
}

function dateTimeChecker(value: unknown): string | undefined {
  const problem = stringChecker(DATE_TIME, 'dateTime')(value);
  if (problem && typeof value === 'string' && DATE_TIME_NO_ZONE.test(value)) {
    return 'If a date has a time, it must have a timezone';
  }
  return problem;
}

function base64Checker(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return `Error parsing JSON: the primitive value must be a string, not ${describe(value)}`;
  }
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    return `The value '${value.length > 40 ? value.slice(0, 40) + '...' : value}' is not a valid Base64 value`;
  }
  return undefined;
}

const CHECKERS: Record<string, Checker> = {
  boolean: (v) =>
    typeof v === 'boolean' ? undefined : `Error parsing JSON: the primitive value must be a boolean, not ${describe(v)}`,
  integer: integerChecker(INT32_MIN, 'integer'),
  positiveInt: integerChecker(1, 'positiveInt'),
  unsignedInt: integerChecker(0, 'unsignedInt'),
  decimal: (v) =>
    typeof v === 'number' && Number.isFinite(v)
      ? undefined
      : `Error parsing JSON: the primitive value must be a number, not ${describe(v)}`,
  string: stringChecker(undefined, 'string'),
  markdown: stringChecker(undefined, 'markdown'),
  xhtml: stringChecker(undefined, 'xhtml'),
  code: stringChecker(CODE, 'code'),
  id: stringChecker(ID, 'id'),
  oid: stringChecker(OID, 'oid'),
  uuid: stringChecker(UUID, 'uuid'),
  uri: stringChecker(URI, 'uri'),
  url: stringChecker(URI, 'url'),
  canonical: stringChecker(URI, 'canonical'),
  date: stringChecker(DATE, 'date'),
  dateTime: dateTimeChecker,
  instant: stringChecker(INSTANT, 'instant'),
  time: stringChecker(TIME_ONLY, 'time'),
  base64Binary: base64Checker,
};

export function isPrimitiveType(code: string): boolean {
  return code in CHECKERS;
}

/** The problem with a primitive value, or undefined when it is a valid value of the type. */
export function checkPrimitive(type: string, value: unknown): string | undefined {
  return CHECKERS[type]?.(value);
}

/** Java's validator words an invalid resource id its own way; R4: [A-Za-z0-9\-.]{1,64}. */
export function checkResourceId(id: unknown): string | undefined {
  if (typeof id !== 'string') {
    return `Invalid Resource id: must be a string, not ${describe(id)}`;
  }
  if (id.length > 64) {
    return `Invalid Resource id: Too long (${id.length} chars)`;
  }
  if (!ID.test(id)) {
    return `Invalid Resource id: Invalid Characters ('${id}')`;
  }
  return undefined;
}

export function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
