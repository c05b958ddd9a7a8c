import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, resolveThresholds } from '../../config/index.js';
import type { VideoVerifyResult } from '../../core/inference.js';
import { createInProcessInference } from '../../workers/index.js';

interface VerifyOptions {
  digits: string;
  card?: string;
  json?: boolean;
}

/** The livedetectfour `data` object for a pipeline result, as the API answers it. */
function responseData(r: VideoVerifyResult, compare: boolean): Record<string, unknown> {
  const data: Record<string, unknown> = { live_status: r.live.status, live_msg: r.live.msg };
  if (compare) {
    const c = r.compare ?? r.live;
    data.compare_status = c.status;
    data.compare_msg = c.msg;
    if (c.status === 0) {
      data.sim = Math.round(r.compare?.sim ?? 0);
      data.photo = r.photoJpeg ? Buffer.from(r.photoJpeg).toString('base64') : '';
    }
  }
  data.details = { checks: r.checks, timings_ms: r.timingsMs };
  return data;
}

export function registerVerify(program: Command): void {
  program
    .command('verify <video>')
    .description('run the liveness pipeline on a video offline and print the livedetectfour response data')
    .requiredOption('--digits <digits>', 'the challenge digits the person read (validate_data)')
    .option('--card <image>', 'compare the face with this photo (as compare_flag=true with card)')
    .option('--json', 'print only the response data as one JSON line, no progress')
    .action(async (video: string, opts: VerifyOptions, cmd: Command) => {
      if (!/^\d{1,16}$/.test(opts.digits)) throw new Error(`--digits: "${opts.digits}" is not a string of digits`);
      const globals = cmd.optsWithGlobals<{ config?: string }>();
      const thresholds = resolveThresholds(loadConfig({ file: globals.config }).thresholds);
      let card: Uint8Array | undefined;
      if (opts.card) {
        try {
          card = new Uint8Array(await readFile(opts.card));
        } catch {
          throw new Error(`--card: cannot read ${opts.card}`);
        }
      }
      const progress = opts.json ? undefined : (stage: string, ms: number) => process.stderr.write(`${stage.padEnd(13)} ${String(ms).padStart(6)} ms\n`);
      const inference = createInProcessInference({ thresholds, hooks: { onStage: progress } });
      try {
        const result = await inference.verifyVideo({ videoPath: video, digits: opts.digits, reference: card ? { kind: 'image', data: card } : undefined });
        const data = responseData(result, card !== undefined);
        console.log(opts.json ? JSON.stringify(data) : JSON.stringify(data, null, 2));
      } finally {
        await inference.close();
      }
    });
}
