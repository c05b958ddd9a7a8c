import { InvalidArgumentError, type Command } from 'commander';
import { withStore } from '../with-store.js';

export function registerRecords(program: Command): void {
  program
    .command('records')
    .description('list verification records (one per verification request, whatever its outcome)')
    .option('--appid <appid>', 'only this app')
    .option('--since <iso>', 'only requests received at or after this time (ISO 8601)', (v) => {
      const ms = Date.parse(v);
      if (Number.isNaN(ms)) throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2026-11-27T00:00:00Z');
      return ms;
    })
    .option('--limit <n>', 'at most this many rows', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
      return n;
    }, 1000)
    .option('--json', 'one JSON object per line')
    .action(async (opts: { appid?: string; since?: number; limit: number; json?: boolean }, cmd: Command) => {
      const rows = await withStore(cmd, (store) => store.records.list({ appid: opts.appid, sinceMs: opts.since, limit: opts.limit }));
      for (const r of rows) {
        if (opts.json) {
          console.log(JSON.stringify({ ...r, receivedAt: new Date(r.receivedAt).toISOString(), finishedAt: new Date(r.finishedAt).toISOString() }));
          continue;
        }
        const checks = (r.checks as Array<{ name: string; passed: boolean | null; score: number | null }>)
          .map((c) => `${c.name}=${c.passed === null ? '-' : c.passed ? 'ok' : 'FAIL'}${c.score === null ? '' : `(${round(c.score)})`}`)
          .join(' ');
        console.log(
          [new Date(r.receivedAt).toISOString(), r.requestId, r.appid ?? '-', r.endpoint, `code=${r.code}`, `live=${r.liveStatus ?? '-'}`, `compare=${r.compareStatus ?? '-'}`, `score=${r.score ?? '-'}`, `${r.finishedAt - r.receivedAt}ms`, checks, r.message].join('\t'),
        );
      }
    });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
