import { readFile } from 'node:fs/promises';
import type { Inference } from '../core/inference.js';
import type { PictureCase } from './cases.js';
import type { CaseResult, EvalCase, PictureResult } from './types.js';

/** SPEC, livedetectpicture: "score (int 0-100; above 87 = live)". */
export const PICTURE_LIVE_ABOVE = 87;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs each case through verifyVideo one at a time: the machine's cores belong to the pipeline. */
export async function runVideoCases(
  inference: Inference,
  cases: EvalCase[],
  onDone: (done: number, c: EvalCase) => void = () => undefined,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const base = { id: c.id, kind: c.kind, attack: c.attack, judgedBy: c.judgedBy, targets: c.targets, sources: c.sources };
    try {
      const r = await inference.verifyVideo({ videoPath: c.videoPath, digits: c.digits });
      results.push({
        ...base,
        checks: r.checks.map(({ name, passed, score, threshold, message, extra }) => ({ name, passed, score, threshold, message, extra })),
        live: { status: r.live.status, msg: r.live.msg },
        ms: Math.round(performance.now() - t0),
      });
    } catch (err) {
      results.push({ ...base, checks: [], live: null, error: message(err), ms: Math.round(performance.now() - t0) });
    }
    onDone(results.length, c);
  }
  return results;
}

export async function runPictureCases(inference: Inference, pictures: PictureCase[]): Promise<PictureResult[]> {
  const out: PictureResult[] = [];
  for (const p of pictures) {
    const base = { id: p.id, kind: p.kind, attack: p.attack, set: p.set, greyscale: p.greyscale, source: p.source, threshold: PICTURE_LIVE_ABOVE };
    try {
      const r = await inference.pictureLiveness(new Uint8Array(await readFile(p.imagePath)));
      out.push(r.ok && r.score !== undefined ? { ...base, score: r.score, details: r.details } : { ...base, score: null, error: r.error ?? 'no score' });
    } catch (err) {
      out.push({ ...base, score: null, error: message(err) });
    }
  }
  return out;
}
