import type { FastifyBaseLogger } from 'fastify';
import type { ChallengeStore } from '../challenge/store.js';
import type { Config } from '../config/index.js';
import type { RecordRepository } from '../store/index.js';

const DAY_MS = 24 * 3600_000;

/**
 * Bounds what the database keeps while the server runs, also when it is idle: challenges
 * whose retention has passed (challengeRetentionSec) and records older than
 * recordRetentionDays (0 keeps them). Runs at start and then every `everyMs`.
 */
export function startHousekeeping(opts: {
  config: Config;
  challenges: ChallengeStore;
  records: RecordRepository;
  clock: () => number;
  log: FastifyBaseLogger;
  everyMs: number;
}): () => void {
  const run = async (): Promise<void> => {
    const now = opts.clock();
    try {
      await opts.challenges.purge(now);
      if (opts.config.recordRetentionDays > 0) {
        const purged = await opts.records.purge(now - opts.config.recordRetentionDays * DAY_MS);
        if (purged > 0) opts.log.info({ purged }, 'deleted verification records past their retention');
      }
    } catch (err) {
      opts.log.error({ err }, 'housekeeping failed');
    }
  };
  void run();
  const timer = setInterval(() => void run(), opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
