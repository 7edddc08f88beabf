import type { Requester } from '../fhir/access';

/**
 * The non-FHIR endpoints of src/auth (token, JWKS, SMART configuration, client administration), as
 * plain request -> response functions: the HTTP adapter (src/http) serves them, so auth never depends
 * on it (app.ts hands these routes to the adapter, whose own route type has the same shape).
 */
export interface PlainRequest {
  method: string;
  /** The URL path: `/auth/token`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The raw body (a form or JSON), '' when there is none. */
  body: string;
  /** The client's network address. */
  address?: string;
  /** Set when the route requires a requester (`access` other than `public`). */
  requester?: Requester;
}

export interface PlainResponse {
  status: number;
  headers?: Record<string, string>;
  /**
   * Sent as JSON (application/json), or as it is when a string and a Content-Type header is given, or
   * streamed when a Readable (a file too large to hold in memory).
   */
  body?: unknown;
}

export interface PlainRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An exact path, or a pattern (its groups are the route's parameters). */
  path: string | RegExp;
  /**
   * `public`: no token needed (the token endpoint itself); `admin`: a valid token of the admin role;
   * `authenticated`: a valid token of any role (the route checks the role itself).
   */
  access: 'public' | 'admin' | 'authenticated';
  /** What the audit trail calls a request to it (`token`, `client-admin`); unaudited when absent (public discovery). */
  activity?: string;
  handle(request: PlainRequest, params: string[]): Promise<PlainResponse>;
}
