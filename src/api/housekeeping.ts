import type { FastifyBaseLogger } from 'fastify';
import type { ChallengeStore } from '../challenge/store.js';
import type { Config } from '../config/index.js';
import type { RecordStore } from '../store/records.js';

const DAY_MS = 24 * 3600_000;

/**
 * Bounds what the database keeps while the server runs, also when it is idle: challenges
 * whose retention has passed (challengeRetentionSec) and records older than
 * recordRetentionDays (0 keeps them). Runs at start and then every `everyMs`.
 */
export function startHousekeeping(opts: {
  config: Config;
  challenges: ChallengeStore;
  records: RecordStore;
  clock: () => number;
  log: FastifyBaseLogger;
  everyMs: number;
}): () => void {
  const run = (): void => {
    const now = opts.clock();
    try {
      opts.challenges.purge(now);
      if (opts.config.recordRetentionDays > 0) {
        const purged = opts.records.purge(now - opts.config.recordRetentionDays * DAY_MS);
        if (purged > 0) opts.log.info({ purged }, 'deleted verification records past their retention');
      }
    } catch (err) {
      opts.log.error({ err }, 'housekeeping failed');
    }
  };
  run();
  const timer = setInterval(run, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
