import { FakeInference } from '../api/fake-inference.test-helper.js';
import { startQueueWorker, type QueueSettings } from './bullmq.js';

/**
 * A queue worker in its own process, for the tests that kill one mid-job: runs jobs on the
 * FakeInference test double, each verifyVideo taking LC_DELAY_MS (or what the parent sends as
 * { delayMs }); tells the parent over IPC when it is ready and when a verification starts.
 */
const settings = JSON.parse(process.env.LC_QUEUE as string) as QueueSettings;
const fake = new FakeInference();
fake.videoDelayMs = Number(process.env.LC_DELAY_MS ?? 0);
const verify = fake.verifyVideo.bind(fake);
fake.verifyVideo = async (req) => {
  process.send?.({ started: req.digits, pid: process.pid });
  return verify(req);
};
const worker = startQueueWorker(settings, fake, { concurrency: 1, tmpDir: process.env.LC_TMP as string });
process.on('message', (m: { delayMs?: number }) => {
  if (m.delayMs !== undefined) fake.videoDelayMs = m.delayMs;
});
process.send?.({ ready: process.pid });
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
