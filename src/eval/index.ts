import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Thresholds } from '../config/index.js';
import { buildCases } from './cases.js';
import { computeMetrics } from './metrics.js';
import { createPipeline, loadSpeechEval } from './pipeline.js';
import { renderReport, type EvalReport } from './report.js';
import { runPictureCases, runVideoCases } from './run.js';
import type { AttackType } from './types.js';
import { summarizeSpeech } from './speech-summary.js';

export { EvalInputError } from './cases.js';
export { EvalPipelineError } from './pipeline.js';
export { computeMetrics, clopperPearson, type Metrics, type Proportion } from './metrics.js';
export type { EvalReport } from './report.js';

export interface EvalOptions {
  dataDir: string;
  /** The thresholds under evaluation (the configured ones, resolveThresholds). */
  thresholds: Thresholds;
  outDir: string;
  /** The command line recorded in the report header. */
  command: string;
  workers?: number;
  seed?: number;
  maxSources?: number;
  /** Simulated screen-replay, phone-replay and print cases per source clip (default 3). */
  presentationVariants?: number;
  /** Verify only the genuine clips and these attack types (default every type). */
  attacks?: AttackType[];
  /** Run the separate speech evaluation (runSpeechEval) and summarise it in the report. */
  speech?: boolean;
  /** Folder where the speech evaluation keeps each voice's scores between runs (score-cache.ts). */
  speechCache?: string;
  /** Passed on to the speech evaluation, which prints its own result. */
  json?: boolean;
  /** Where generated media goes; a temp dir (removed afterwards) when not given. */
  workDir?: string;
  log?: (line: string) => void;
}

/** The commit evaluated, marked "+uncommitted changes" when the work tree differs from it. */
function gitCommit(): string | null {
  const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head} + uncommitted changes` : head;
  } catch {
    return null;
  }
}

async function speechSection(opts: EvalOptions, log: (line: string) => void): Promise<EvalReport['speech']> {
  if (opts.speech === false) return { ok: false, reason: 'skipped (--no-speech); run `livecheck eval speech`.' };
  try {
    const { runSpeechEval } = await loadSpeechEval();
    log('speech: running runSpeechEval');
    const out = join(opts.outDir, 'speech');
    // runSpeechEval also prints its own result on stdout (JSON with --json): one line ahead of ours.
    const report = await runSpeechEval({ data: opts.dataDir, digits: opts.thresholds.digits, out, json: opts.json, cache: opts.speechCache });
    return { ok: true, markdown: summarizeSpeech(report, 'speech/') };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Builds the cases, runs the pipeline over them and writes metrics.json, report.md and plots/. */
export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  const log = opts.log ?? (() => undefined);
  const started = performance.now();
  const workDir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'livecheck-eval-')));
  try {
    // A work dir the caller chose is kept, so media it already holds are reused.
    const built = await buildCases({ dataDir: opts.dataDir, workDir, video: opts.thresholds.video, seed: opts.seed, maxSources: opts.maxSources, presentationVariants: opts.presentationVariants, onProgress: log, reuse: opts.workDir !== undefined });
    const cases = opts.attacks ? built.cases.filter((c) => c.kind === 'genuine' || (c.attack !== undefined && opts.attacks?.includes(c.attack))) : built.cases;
    log(`built ${built.cases.length} video cases (verifying ${cases.length}) and ${built.pictures.length} photos`);
    const inference = await createPipeline({ workers: opts.workers ?? 1, thresholds: opts.thresholds });
    let results: EvalReport['results'];
    let pictures: EvalReport['pictures'];
    try {
      results = await runVideoCases(inference, cases, (done, c) =>
        log(`verify ${done}/${cases.length} ${c.id}`),
      );
      pictures = await runPictureCases(inference, built.pictures);
    } finally {
      await inference.close();
    }
    const speech = await speechSection(opts, log);
    const report: EvalReport = {
      command: opts.command,
      generatedAt: new Date().toISOString(),
      dataDir: opts.dataDir,
      commit: gitCommit(),
      durationSec: (performance.now() - started) / 1000,
      metrics: computeMetrics(results, pictures),
      results,
      pictures,
      notes: built.notes,
      speech,
    };
    await writeReport(report, opts.outDir);
    return report;
  } finally {
    if (!opts.workDir) await rm(workDir, { recursive: true, force: true });
  }
}

export async function writeReport(report: EvalReport, outDir: string): Promise<void> {
  const rendered = renderReport(report);
  await mkdir(join(outDir, 'plots'), { recursive: true });
  await writeFile(join(outDir, 'metrics.json'), JSON.stringify(report, null, 2) + '\n');
  await writeFile(join(outDir, 'report.md'), rendered.markdown);
  for (const [name, svg] of Object.entries(rendered.plots)) await writeFile(join(outDir, 'plots', name), svg);
}
