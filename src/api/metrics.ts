import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CheckReport } from '../core/inference.js';

/** Prometheus metrics of one server instance (own registry, so tests can run several). */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'livecheck_requests_total',
    help: 'Requests by endpoint and envelope code',
    labelNames: ['endpoint', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'livecheck_request_duration_seconds',
    help: 'Time from request received to response sent',
    labelNames: ['endpoint'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40],
    registers: [this.registry],
  });
  private readonly checks = new Counter({
    name: 'livecheck_verification_checks_total',
    help: 'Verification checks by name and result (passed, failed, skipped)',
    labelNames: ['check', 'result'] as const,
    registers: [this.registry],
  });
  private readonly outcomes = new Counter({
    name: 'livecheck_verification_outcomes_total',
    help: 'Verification outcomes by endpoint and live/compare status token',
    labelNames: ['endpoint', 'kind', 'msg'] as const,
    registers: [this.registry],
  });
  /** Verifications handed to the inference workers and not answered yet (running + queued). */
  readonly inferenceInFlight = new Gauge({
    name: 'livecheck_inference_in_flight',
    help: 'Verification jobs submitted to the inference workers and not yet finished (queue depth + running)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'livecheck_' });
  }

  request(endpoint: string, code: number, seconds: number): void {
    this.requests.inc({ endpoint, code: String(code) });
    this.latency.observe({ endpoint }, seconds);
  }

  verification(endpoint: string, kind: 'live' | 'compare', msg: string, checks: CheckReport[]): void {
    this.outcomes.inc({ endpoint, kind, msg });
    if (kind !== 'live') return;
    for (const c of checks) this.checks.inc({ check: c.name, result: c.passed === null ? 'skipped' : c.passed ? 'passed' : 'failed' });
  }
}
