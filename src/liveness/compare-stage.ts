import { outcome, type ErrorName } from '../core/errors.js';
import type { FaceReference, FaceTemplate, Outcome } from '../core/inference.js';
import { getFaceEmbedder, type CompareThresholds } from '../compare/index.js';
import type { KeptFrame } from '../vision/index.js';

export interface CompareResult {
  compare: Outcome & { sim?: number };
  /** Index in `best` of the frame most similar to the reference. */
  bestIndex: number;
}

const fail = (name: ErrorName): CompareResult => ({ compare: { ...outcome(name), name }, bestIndex: 0 });

/**
 * Compares the reference with the few best face frames of the video and keeps the most similar
 * one: a single frame can be caught mid-blink or mid-word, the best of three rarely is.
 */
export async function compareWithReference(reference: FaceReference, best: KeptFrame[], th: CompareThresholds): Promise<CompareResult> {
  const embedder = await getFaceEmbedder(th);
  let template: FaceTemplate;
  if (reference.kind === 'image') {
    const ref = await embedder.embedImage(reference.data, 'card');
    if (!ref.ok) return fail(ref.error);
    template = ref.template;
  } else {
    template = reference.template;
  }
  if (best.length === 0) return fail('VIDEO_NO_FACE');
  let top: { sim: number; index: number } | null = null;
  let firstError: ErrorName | null = null;
  for (let i = 0; i < best.length; i++) {
    const emb = await embedder.embedFrame(best[i].frame);
    if (!emb.ok) {
      firstError ??= emb.error;
      continue;
    }
    try {
      const sim = embedder.similarity(template, emb.template);
      if (!top || sim > top.sim) top = { sim, index: i };
    } catch {
      return fail('SIMILARITY_FAILED');
    }
  }
  if (!top) return fail(firstError ?? 'VIDEO_FEATURE_FAILED');
  return { compare: { ...outcome('OK'), name: 'OK', sim: Math.round(top.sim) }, bestIndex: top.index };
}
