import { execFile } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  /** null when the process was killed (time limit) or could not start. */
  code: number | null;
  timedOut: boolean;
}

/** Runs a short-lived tool with a time limit and an output cap; never rejects. */
export function runTool(file: string, args: string[], timeoutMs: number, maxBuffer = 4 * 1024 * 1024): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({
        stdout,
        stderr,
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        timedOut: Boolean(e?.killed),
      });
    });
  });
}
