import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * What happened, independent of HTTP. Only `statusOf` turns a category into a status code, so
 * the same outcome serves an HTTP response and a Bundle entry's response.status.
 */
export type OutcomeCategory =
  | 'ok'
  | 'created'
  | 'accepted'
  | 'no-content'
  | 'not-modified'
  | 'invalid'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'not-acceptable'
  | 'conflict'
  | 'gone'
  | 'precondition'
  | 'too-large'
  | 'unsupported-media'
  | 'business-rule'
  | 'too-many'
  | 'exception';

const STATUS: Record<OutcomeCategory, number> = {
  ok: 200,
  created: 201,
  accepted: 202,
  'no-content': 204,
  'not-modified': 304,
  invalid: 400,
  login: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  conflict: 409,
  gone: 410,
  precondition: 412,
  'too-large': 413,
  'unsupported-media': 415,
  'business-rule': 422,
  'too-many': 429,
  exception: 500,
};

const REASON: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict',
  410: 'Gone', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error',
};

export function statusOf(category: OutcomeCategory): number {
  return STATUS[category];
}

/** "201 Created", as Bundle.entry.response.status carries it. */
export function statusLine(category: OutcomeCategory): string {
  const status = STATUS[category];
  return `${status} ${REASON[status]}`;
}

export interface Outcome {
  category: OutcomeCategory;
  outcome: OperationOutcome;
  /**
   * Response headers the interaction defines beyond the ones the adapter derives from the resource
   * (an asynchronous request's Content-Location, R4 http.html#async).
   */
  headers?: Readonly<Record<string, string>>;
}

/** The one error type handlers throw; everything else becomes a generic 500. */
export class OperationOutcomeError extends Error {
  constructor(
    readonly category: OutcomeCategory,
    readonly outcome: OperationOutcome,
  ) {
    super(outcome.issue?.[0]?.diagnostics ?? category);
  }
}

type IssueCode = OperationOutcomeIssue['code'];

export function issue(
  severity: OperationOutcomeIssue['severity'],
  code: IssueCode,
  diagnostics: string,
  expression?: string,
): OperationOutcomeIssue {
  return { severity, code, diagnostics, ...(expression ? { expression: [expression] } : {}) };
}

export function outcomeOf(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function success(category: 'ok' | 'created' | 'no-content' | 'not-modified', message: string): Outcome {
  return { category, outcome: outcomeOf(issue('information', 'informational', message)) };
}

export function fail(
  category: OutcomeCategory,
  code: IssueCode,
  diagnostics: string,
  expression?: string,
): OperationOutcomeError {
  return new OperationOutcomeError(category, outcomeOf(issue('error', code, diagnostics, expression)));
}

export const errors = {
  invalid: (message: string, expression?: string) => fail('invalid', 'invalid', message, expression),
  structure: (message: string, expression?: string) => fail('invalid', 'structure', message, expression),
  notFound: (what: string) => fail('not-found', 'not-found', `${what} not found`),
  unknownType: (type: string) => fail('not-found', 'not-supported', `Unknown resource type "${type}"`),
  gone: (what: string) => fail('gone', 'deleted', `${what} has been deleted`),
  conflict: (message: string) => fail('conflict', 'conflict', message),
  precondition: (message: string, expression?: string) => fail('precondition', 'conflict', message, expression),
  methodNotAllowed: (message: string) => fail('method-not-allowed', 'not-supported', message),
  businessRule: (message: string, expression?: string) => fail('business-rule', 'business-rule', message, expression),
  tooCostly: (message: string) => fail('too-large', 'too-costly', message),
  /** 401: no valid credentials (the HTTP layer adds WWW-Authenticate). */
  login: (message: string) => fail('login', 'login', message),
  /** 403: the requester may not do this, whether or not the resource exists. */
  forbidden: (message: string) => fail('forbidden', 'forbidden', message),
};

const SEVERITY_ORDER: Record<NonNullable<OperationOutcomeIssue['severity']>, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

/** The issues, the most severe first (a stable sort: same-severity issues keep their order). */
export function bySeverity<T extends OperationOutcomeIssue>(issues: readonly T[]): T[] {
  return [...issues].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Prefixes every issue's expression, so an entry's failure names where in the Bundle it happened. */
export function withLocation(outcome: OperationOutcome, location: string): OperationOutcome {
  return {
    ...outcome,
    issue: (outcome.issue ?? []).map((i) => ({
      ...i,
      diagnostics: i.diagnostics ? `${location}: ${i.diagnostics}` : location,
      expression: i.expression?.map((e) => `${location}.resource.${e.replace(/^[A-Z][A-Za-z]+\./, '')}`) ?? [location],
    })),
  };
}
