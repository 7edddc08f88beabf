import type { Route } from '../types';

/**
 * The operations domain layers add ($import-ctgov, $eligibility, ...): routes like the built-in ones,
 * which the router matches and the CapabilityStatement lists, so one registration both serves an
 * operation and declares it. Registered at start, before the first request.
 */
export class OperationRegistry {
  private readonly registered: Route[] = [];

  register(route: Route): void {
    if (!route.operation) throw new Error(`a registered operation route needs its operation (${route.method} ${route.segments.join('/')})`);
    const clash = this.registered.find((r) => r.method === route.method && r.segments.join('/') === route.segments.join('/') && overlaps(r, route));
    if (clash) throw new Error(`${route.method} ${route.segments.join('/')} is registered twice ($${clash.operation?.name})`);
    this.registered.push(route);
  }

  get routes(): readonly Route[] {
    return this.registered;
  }
}

/** Two routes with the same path clash unless each is limited to resource types the other is not. */
function overlaps(a: Route, b: Route): boolean {
  if (!a.types || !b.types) return true;
  return a.types.some((type) => b.types?.includes(type));
}
