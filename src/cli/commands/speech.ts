import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, resolveThresholds } from '../../config/index.js';
import { ERRORS } from '../../core/errors.js';
import { readAudioFile, recognizeDigits, SpeechError, verifyDigits, type DigitConfig } from '../../speech/index.js';

interface SpeechOptions {
  audio?: string;
  digits?: string;
  batch?: string;
  json?: boolean;
}

function fail(err: unknown, json: boolean | undefined): never {
  if (err instanceof SpeechError) {
    const def = ERRORS[err.errorName];
    if (json) process.stdout.write(JSON.stringify({ error: def.token, code: def.code, message: err.message }) + '\n');
    else process.stderr.write(`error ${def.code} ${def.token}: ${err.message}\n`);
  } else {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (json) process.stdout.write(JSON.stringify({ error: 'INTERNAL_ERROR', message }) + '\n');
    else process.stderr.write(`error: ${message}\n`);
  }
  process.exit(2);
}

function thresholds(cmd: Command): DigitConfig {
  const globals = cmd.optsWithGlobals<{ config?: string }>();
  return resolveThresholds(loadConfig({ file: globals.config }).thresholds).digits;
}

/** CSV rows `path,digits` (an optional header line is skipped). */
function parseBatch(text: string): { path: string; digits: string }[] {
  const rows = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const out = rows.map((l) => {
    const i = l.lastIndexOf(',');
    return { path: l.slice(0, i).trim(), digits: l.slice(i + 1).trim() };
  });
  return out[0] && out[0].path === 'path' && out[0].digits === 'digits' ? out.slice(1) : out;
}

async function batch(file: string, thr: DigitConfig): Promise<void> {
  for (const row of parseBatch(await readFile(file, 'utf8'))) {
    try {
      const v = await verifyDigits(await readAudioFile(row.path), row.digits, thr);
      process.stdout.write(JSON.stringify({ path: row.path, accepted: v.accepted, score: v.score, modelScore: v.modelScore, mandarin: v.mandarin?.accepted ?? null, mandarinFit: v.mandarinFit?.fit ?? null, recognized: v.recognized, language: v.language }) + '\n');
    } catch (err) {
      if (!(err instanceof SpeechError)) throw err;
      // One bad row must not stop a large batch: it gets its error code on its own line.
      process.stdout.write(JSON.stringify({ path: row.path, accepted: false, error: ERRORS[err.errorName].token, message: err.message }) + '\n');
    }
  }
}

export function registerSpeech(program: Command): void {
  const speech = program.command('speech').description('digit speech recognition and verification (Mandarin and English)');

  speech
    .command('recognize')
    .description('print the digits heard in an audio or video file')
    .requiredOption('--audio <file>', 'audio or video file (any format ffmpeg reads)')
    .option('--json', 'print one JSON line')
    .action(async (opts: SpeechOptions) => {
      try {
        const r = await recognizeDigits(await readAudioFile(opts.audio ?? ''));
        process.stdout.write(opts.json ? JSON.stringify(r) + '\n' : `${r.digits || '(no digits)'}  language=${r.language} confidence=${r.confidence}\n`);
      } catch (err) {
        fail(err, opts.json);
      }
    });

  speech
    .command('verify')
    .description('check that an audio file speaks the given digits, or a CSV batch of (path,digits)')
    .option('--audio <file>', 'audio or video file')
    .option('--digits <digits>', 'the digits that should have been read')
    .option('--batch <csv>', 'CSV of path,digits; prints one JSON line per row')
    .option('--json', 'print one JSON line')
    .action(async (opts: SpeechOptions, cmd: Command) => {
      try {
        const thr = thresholds(cmd);
        if (opts.batch) return await batch(opts.batch, thr);
        if (!opts.audio || opts.digits === undefined) throw new SpeechError('INVALID_PARAMETER', 'give --audio FILE and --digits DIGITS, or --batch CSV');
        const v = await verifyDigits(await readAudioFile(opts.audio), opts.digits, thr);
        if (opts.json) process.stdout.write(JSON.stringify(v) + '\n');
        else {
          process.stdout.write(
            `${v.accepted ? 'ACCEPTED' : 'REJECTED'} score=${v.score} threshold=${v.threshold} heard=${v.recognized || '(no digits)'} language=${v.language} perDigit=${v.perDigit.join(',')} model=${v.modelScore}` +
              (v.mandarin ? ` mandarin=${v.mandarin.heard}${v.mandarin.accepted ? ' (accepted)' : ''} fit=${v.mandarin.fit}` : '') +
              (v.mandarinFit ? ` mandarinFit=${v.mandarinFit.fit}${v.mandarinFit.held ? '' : ' (below ' + v.mandarinFit.minFit + ')'}` : '') +
              '\n',
          );
        }
        if (!v.accepted) process.exitCode = 1;
      } catch (err) {
        fail(err, opts.json);
      }
    });
}
