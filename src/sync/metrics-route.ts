import type { PlainRoute } from '../auth/plain-http';
import type { IntakeMetrics } from './metrics';

/**
 * GET /metrics in the Prometheus text format. Public, as /healthz is: the figures are counts by
 * channel and reason and lags by Endpoint id, never patient data; keep the port off the internet.
 */
export function metricsRoute(metrics: IntakeMetrics): PlainRoute {
  return {
    method: 'GET',
    path: '/metrics',
    access: 'public',
    async handle() {
      return { status: 200, headers: { 'Content-Type': metrics.registry.contentType }, body: await metrics.registry.metrics() };
    },
  };
}
