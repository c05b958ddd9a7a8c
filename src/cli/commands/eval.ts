import type { Command } from 'commander';
import { loadConfig, resolveThresholds } from '../../config/index.js';
import { defaultDataDir } from '../../eval/data-dir.js';
import { EvalInputError, EvalPipelineError, runEval } from '../../eval/index.js';
import { loadSpeechEval } from '../../eval/pipeline.js';
import { pct } from '../../eval/report.js';
import { ATTACK_TYPES, type AttackType } from '../../eval/types.js';

interface EvalCliOptions {
  data?: string;
  config?: string;
  out: string;
  json?: boolean;
  workers: string;
  maxSources?: string;
  presentationVariants: string;
  seed: string;
  attacks?: string;
  speech: boolean;
  speechCache?: string;
  work?: string;
}

/**
 * The command as typed, rebuilt from the options given on the command line (not from argv, so
 * it reads the same however the CLI was started); quoted so it can be pasted into a shell.
 */
export function commandLine(cmd: Command): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const parts = ['livecheck', 'eval'];
  for (const c of [cmd.parent, cmd]) {
    if (!c) continue;
    for (const o of c.options) {
      const key = o.attributeName();
      if (c.getOptionValueSource(key) !== 'cli' || !o.long) continue;
      const v: unknown = c.getOptionValue(key);
      parts.push(typeof v === 'boolean' ? o.long : `${o.long} ${quote(String(v))}`);
    }
  }
  return parts.join(' ');
}

function intOption(value: string | undefined, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new EvalInputError('BAD_OPTION', `${name} must be ${min === 1 ? 'a positive integer' : `an integer of at least ${min}`} (got "${value}")`);
  return n;
}

function attackList(value: string | undefined): AttackType[] | undefined {
  if (value === undefined) return undefined;
  const types = value.split(',').map((t) => t.trim());
  const unknown = types.filter((t) => !(ATTACK_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new EvalInputError('BAD_OPTION', `--attacks: unknown attack type ${unknown.join(', ')} (known: ${ATTACK_TYPES.join(', ')})`);
  return types as AttackType[];
}

/** The thresholds under evaluation: the defaults, with the --config file's overrides. */
function configuredThresholds(file: string | undefined) {
  return resolveThresholds(loadConfig({ file }).thresholds);
}

function fail(err: unknown, json: boolean | undefined): void {
  const known = err instanceof EvalInputError || err instanceof EvalPipelineError;
  const code = known ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  if (json) console.log(JSON.stringify({ ok: false, error: { code, message } }));
  else console.error(`error: ${code}: ${message}`);
  process.exitCode = err instanceof EvalInputError ? 2 : err instanceof EvalPipelineError ? 3 : 1;
}

export function registerEval(program: Command): void {
  const evalCmd = program
    .command('eval')
    .description('liveness evaluation: builds genuine and attack cases from real data, runs the pipeline, writes metrics.json, report.md and plots/ (ISO/IEC 30107-3 APCER per attack type, BPCER)')
    .option('--data <dir>', 'evaluation data folder (default ../shared/data next to the repository, or LIVECHECK_SHARED_DATA)')
    .option('--out <dir>', 'output folder', 'eval-out')
    .option('--json', 'print the metrics as JSON on stdout')
    .option('--workers <n>', 'inference workers', '1')
    .option('--max-sources <n>', 'build attacks from at most n of the genuine clips (default all)')
    .option('--presentation-variants <n>', 'simulated screen-replay, phone-replay and print cases per source clip, each with its own look', '3')
    .option('--seed <n>', 'seed of the challenge digits and digit recordings chosen', '1')
    .option('--attacks <types>', 'verify the genuine clips and only these attack types (comma-separated), e.g. the presentation attacks')
    .option('--no-speech', 'skip the separate speech evaluation')
    .option('--speech-cache <dir>', 'the speech evaluation keeps each voice\'s scores here and reuses them (as `eval speech --cache`)')
    .option('--work <dir>', 'keep the generated media in this folder (and reuse those already there) instead of a removed temp folder')
    .action(async (_o: EvalCliOptions, cmd: Command) => {
      // optsWithGlobals: the program's own -d/--data takes `--data` when given before or after `eval`.
      const opts = cmd.optsWithGlobals<EvalCliOptions>();
      try {
        const report = await runEval({
          dataDir: opts.data ?? defaultDataDir(),
          thresholds: configuredThresholds(opts.config),
          outDir: opts.out,
          command: commandLine(cmd),
          workers: intOption(opts.workers, '--workers'),
          seed: intOption(opts.seed, '--seed'),
          maxSources: intOption(opts.maxSources, '--max-sources'),
          presentationVariants: intOption(opts.presentationVariants, '--presentation-variants', 0),
          attacks: attackList(opts.attacks),
          speech: opts.speech,
          speechCache: opts.speechCache,
          json: opts.json,
          workDir: opts.work,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const m = report.metrics;
        if (opts.json) {
          console.log(JSON.stringify({ ok: true, out: opts.out, bpcer: m.bpcer, apcer: m.apcer, apcerMax: m.apcerMax, counts: m.counts }));
          return;
        }
        console.log(`wrote ${opts.out}/report.md, metrics.json and plots/`);
        console.log(`BPCER ${pct(m.bpcer)} (n=${m.bpcer.n})`);
        for (const [type, p] of Object.entries(m.apcer)) console.log(`APCER ${type}: ${pct(p)} (n=${p.n})`);
      } catch (err) {
        fail(err, opts.json);
      }
    });

  evalCmd
    .command('speech')
    .description('digit verification on real voices held out of training (src/eval/speech; fold models from npm run train:speech)')
    .option('--data <dir>', 'evaluation data folder (default ../shared/data next to the repository, or LIVECHECK_SHARED_DATA)')
    .option('--out <dir>', 'output folder for the speech report')
    .option('--folds <dir>', 'fold models (fold<k>/digits.onnx) from npm run train:speech (default training/work/folds when it holds any, else the committed models/speech-folds)')
    .option('--per-pace <n>', 'readings per pace per voice', (v) => Number.parseInt(v, 10))
    .option('--cache <dir>', 'keep each voice\'s scores here and reuse them while its model, the scoring code and the settings are the same (a rerun after a threshold change or one retrained fold scores only what changed)')
    .option('--json', 'print the result as JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ data?: string; out?: string; folds?: string; perPace?: number; json?: boolean; config?: string; cache?: string }>();
      try {
        const { runSpeechEval } = await loadSpeechEval();
        await runSpeechEval({ data: opts.data ?? defaultDataDir(), digits: configuredThresholds(opts.config).digits, out: opts.out, folds: opts.folds, perPace: opts.perPace, json: opts.json, cache: opts.cache });
      } catch (err) {
        fail(err, opts.json);
      }
    });
}
