import { readFileSync } from 'node:fs';

/** The median (the mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * CPU seconds of this process's reaped children (ffmpeg), from fields 16 and 17 of
 * /proc/self/stat (cutime, cstime; clock ticks of 1/100 s on Linux). Throws where there is no
 * /proc: a benchmark whose CPU figure silently left out ffmpeg would understate every result.
 */
export function childCpuSeconds(stat = (): string => readFileSync('/proc/self/stat', 'utf8')): number {
  let text: string;
  try {
    text = stat();
  } catch (err) {
    throw new Error(`the benchmark needs /proc/self/stat for ffmpeg's CPU time (Linux): ${(err as Error).message}`);
  }
  // The command name in parentheses may hold spaces; the fields after it are space-separated.
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  if (!Number.isFinite(ticks)) throw new Error('unreadable /proc/self/stat: no cutime/cstime fields');
  return ticks / 100;
}

/** CPU seconds this process (every thread) has used so far. */
export function ownCpuSeconds(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}
