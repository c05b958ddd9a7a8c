import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ERRORS, type ErrorName } from '../../core/errors.js';
import { getFaceEmbedder, type FaceEmbedder } from '../../compare/index.js';
import { loadConfig, resolveThresholds } from '../../config/index.js';

type CompareOutcome = { sim: number; similarity: number } | { error: number; token: string; message: string };

async function compareFiles(embedder: FaceEmbedder, a: string, b: string): Promise<CompareOutcome> {
  const fail = (name: ErrorName): CompareOutcome => ({ error: ERRORS[name].code, token: ERRORS[name].token, message: ERRORS[name].message });
  const read = (p: string) => readFile(p).then((buf) => new Uint8Array(buf)).catch(() => null);
  const [ia, ib] = await Promise.all([read(a), read(b)]);
  if (!ia || !ib) return fail('ID_IMAGE_MISSING');
  const ea = await embedder.embedImage(ia, 'photo');
  if (!ea.ok) return fail(ea.error);
  const eb = await embedder.embedImage(ib, 'photo');
  if (!eb.ok) return fail(eb.error);
  const similarity = Math.round(embedder.similarity(ea.template, eb.template) * 100) / 100;
  return { sim: Math.round(similarity), similarity };
}

/** Minimal CSV reader for the a,b batch file: header row naming the columns, no quoted commas. */
function parseBatch(text: string): Array<{ a: string; b: string }> | string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const ia = header.indexOf('a');
  const ib = header.indexOf('b');
  if (ia < 0 || ib < 0) return 'the CSV needs a header row with columns a and b';
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    return { a: (f[ia] ?? '').trim(), b: (f[ib] ?? '').trim() };
  });
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare the faces in two photos; sim > 70 means the same person (about 1/1000 false accepts)')
    .argument('[a]', 'first image file')
    .argument('[b]', 'second image file')
    .option('--json', 'print {"sim","similarity"} as JSON')
    .option('--batch <csv>', 'CSV with columns a,b (paths relative to the CSV); prints one JSON line per row')
    .action(async (a: string | undefined, b: string | undefined, opts: { json?: boolean; batch?: string }, cmd: Command) => {
      const config = loadConfig({ file: cmd.optsWithGlobals<{ config?: string }>().config });
      const scale = resolveThresholds(config.thresholds).compare;
      if (opts.batch) {
        const text = await readFile(opts.batch, 'utf8').catch(() => null);
        const rows = text === null ? `cannot read ${opts.batch}` : parseBatch(text);
        if (typeof rows === 'string') {
          console.error(`error: ${rows}`);
          process.exitCode = 2;
          return;
        }
        const embedder = await getFaceEmbedder(scale);
        const base = dirname(resolve(opts.batch));
        for (const row of rows) {
          const result = await compareFiles(embedder, resolve(base, row.a), resolve(base, row.b));
          console.log(JSON.stringify({ a: row.a, b: row.b, ...result }));
        }
        return;
      }
      if (!a || !b) {
        console.error('error: give two image files, or --batch CSV');
        process.exitCode = 2;
        return;
      }
      const result = await compareFiles(await getFaceEmbedder(scale), a, b);
      if (opts.json) console.log(JSON.stringify(result));
      else if ('sim' in result) console.log(`sim ${result.sim} (similarity ${result.similarity}): ${result.sim > 70 ? 'same person' : 'different people'} at the legacy threshold 70`);
      else console.error(`error ${result.error} ${result.token}: ${result.message}`);
      if ('error' in result) process.exitCode = 1;
    });
}
