import { outcome } from '../core/errors.js';
import type { CheckReport, Outcome } from '../core/inference.js';
import type { CheckOutcome } from './evidence.js';

/**
 * SPEC order: the first check that did not pass decides. A failed check gives its own code; a
 * check that could not run (its stage is missing or broke) gives -5011 and is named in the
 * message, so liveness is never 0 unless every check, digits included, passed.
 */
export function decide(outcomes: CheckOutcome[]): { live: Outcome; checks: CheckReport[] } {
  const checks = outcomes.map((o) => o.report);
  for (const o of outcomes) {
    if (o.report.passed === true) continue;
    const name = o.report.passed === false && o.error ? o.error : 'LIVENESS_FAILED';
    return { live: { ...outcome(name), name }, checks };
  }
  return { live: { ...outcome('OK'), name: 'OK' }, checks };
}
